import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { blueprints } from "../blueprints/registry";
import { Example, ExampleError, examplesTable, leadingComment, loadExamples, repositoryTree } from "../emitter/examples";
import { generateModules } from "../emitter/generate";
import { Json, moduleOf, SynthesizedModule } from "./helpers";

const REPO = path.resolve(__dirname, "..");
const examples = loadExamples(REPO);
const tree = repositoryTree(REPO);
const example = (name: string): { cluster: SynthesizedModule; addons: SynthesizedModule } => ({
  cluster: moduleOf(tree, `examples/${name}/cluster/`),
  addons: moduleOf(tree, `examples/${name}/addons/`),
});
const nodeGroupsOf = (m: SynthesizedModule): Record<string, Json> => m.variable("node_groups").default;

describe("examples/*.yaml", () => {
  test("every example names a blueprint and says what it shows; together they cover every blueprint", () => {
    expect(examples.map((e) => e.name)).toEqual([...examples.map((e) => e.name)].sort());
    for (const e of examples) {
      expect(blueprints).toContain(e.blueprint);
      expect(e.file).toBe(`examples/${e.name}.yaml`);
      expect(e.description.length).toBeGreaterThan(40);
    }
    expect(new Set(examples.map((e) => e.blueprint.name))).toEqual(new Set(blueprints.map((b) => b.name)));
  });

  test("each example's modules differ from its blueprint's defaults: it exercises something", () => {
    for (const e of examples) {
      const defaults = moduleOf(tree, `${e.blueprint.name}/cluster/`).merged;
      const defaultAddons = moduleOf(tree, `${e.blueprint.name}/addons/`).merged;
      const mine = example(e.name);
      const same = JSON.stringify(mine.cluster.merged) === JSON.stringify(defaults) && JSON.stringify(mine.addons.merged) === JSON.stringify(defaultAddons);
      expect({ example: e.name, sameAsDefaults: same }).toEqual({ example: e.name, sameAsDefaults: false });
    }
  });

  test("README.md lists every example with its file's description, in the order of generated/examples/README.md", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const table = examplesTable(examples, (e) => e.file);
    expect(readme).toContain(`${table}\n`);
    expect(tree.get("examples/README.md")).toContain(examplesTable(examples, (e) => `${e.name}/README.md`));
    for (const e of examples) expect(fs.existsSync(path.join(REPO, e.file))).toBe(true);
  });

  test("a generated example README names its settings file, with a link that resolves from generated/examples/<name>/", () => {
    for (const e of examples) {
      const readme = tree.get(`examples/${e.name}/README.md`)!;
      expect(readme).toContain(`Do not edit: change ${e.file} and regenerate.`);
      const link = /Settings file: \[`[^`]+`\]\(([^)]+)\)/.exec(readme)?.[1];
      expect(link).toBeDefined();
      expect(path.resolve(REPO, "generated", "examples", e.name, link!)).toBe(path.join(REPO, e.file));
      expect(readme).toContain(`source = "./generated/examples/${e.name}/cluster"`);
      expect(tree.get(`examples/${e.name}/cluster/README.md`)).toContain(`//generated/examples/${e.name}/cluster?ref=<tag>`);
    }
  });
});

describe("what each example shows is in its modules", () => {
  test("gpu-efa-training: a p5 EFA group with 32 interfaces and a placement group; the DCGM exporter", () => {
    const { cluster, addons } = example("gpu-efa-training");
    const groups = nodeGroupsOf(cluster);
    expect(groups.training).toMatchObject({ instance_types: ["p5.48xlarge"], efa_interfaces: 32, min_size: 0 });
    expect(groups.gpu.efa_interfaces).toBeUndefined();
    expect(cluster.resource("aws_placement_group", "efa").strategy).toBe("cluster");
    expect(addons.resource("helm_release", "dcgm_exporter")).toBeDefined();
    expect(Object.keys(addons.resources("helm_release"))).toContain("efa_device_plugin");
  });

  test("bottlerocket-nodes: every group on a Bottlerocket AMI type", () => {
    const groups = nodeGroupsOf(example("bottlerocket-nodes").cluster);
    expect(Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, g.ami_type]))).toEqual({
      system: "BOTTLEROCKET_x86_64",
      gpu: "BOTTLEROCKET_x86_64_NVIDIA",
    });
  });

  test("existing-vpc: no network is created; the VPC and subnets are inputs; destroy deletes volumes", () => {
    const { cluster, addons } = example("existing-vpc");
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_internet_gateway"]) expect(cluster.resources(type)).toEqual({});
    expect(cluster.variable("vpc_id").default).toBe("vpc-0123456789abcdef0");
    expect(cluster.variable("private_subnet_ids").default).toHaveLength(3);
    expect(addons.variable("destroy_cleanup_volumes").default).toBe("delete");
  });

  test("public-endpoint-extended-support: 1.34 on EXTENDED, public endpoint limited to two ranges", () => {
    const { cluster } = example("public-endpoint-extended-support");
    expect(cluster.variable("kubernetes_version").default).toBe("1.34");
    expect(cluster.variable("support_type").default).toBe("EXTENDED");
    expect(cluster.variable("endpoint_public_access").default).toBe(true);
    expect(cluster.variable("endpoint_public_access_cidrs").default).toEqual(["203.0.113.0/24", "198.51.100.17/32"]);
  });

  test("graviton-spot: the spot-arm64 group on arm64 AMIs, Spot", () => {
    const groups = nodeGroupsOf(example("graviton-spot").cluster);
    expect(groups["spot-arm64"]).toMatchObject({ ami_type: "AL2023_ARM_64_STANDARD", capacity_type: "SPOT" });
  });
});

describe("self-managed-nodes", () => {
  test("two self-managed groups: Spot AL2023 from SSM, Bottlerocket on its pinned AMI; the expander knows both", () => {
    const { cluster, addons } = example("self-managed-nodes");
    const groups = cluster.variable("self_managed_node_groups").default as Record<string, Json>;
    expect(groups["spot-workers"]).toMatchObject({ capacity_type: "SPOT", ami_type: "AL2023_x86_64_STANDARD" });
    expect(groups["spot-workers"].ami_id).toBeUndefined();
    expect(groups.batch).toMatchObject({ ami_type: "BOTTLEROCKET_x86_64", ami_id: "ami-0123456789abcdef0", disk_size_gib: 100, max_unavailable_percentage: 20 });
    expect(cluster.resource("aws_eks_access_entry", "self_managed_node").type).toBe("EC2_LINUX");
    const priorities = addons.variable("cluster_autoscaler_expander_priorities").default as Record<string, string[]>;
    expect(priorities["20"]).toContain("^spot-workers-[0-9a-f]{26}$");
    expect(priorities["10"]).toContain("^batch-[0-9a-f]{26}$");
  });
});

describe("loading examples", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "examples-"));
    fs.mkdirSync(path.join(root, "examples"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(root, "examples", file), text);

  test("the description is the first comment paragraph, without the editor modeline", () => {
    expect(leadingComment("# yaml-language-server: $schema=x.json\n# Shows a\n# thing.\n#\n# More.\nblueprint: gpu\n")).toBe("Shows a thing.");
    expect(leadingComment("blueprint: gpu # not at the top\n")).toBe("");
  });

  test("an example without a description, without a blueprint, with a bad name or beside another file is refused, naming the file", () => {
    write("plain.yaml", "blueprint: baseline\n");
    expect(() => loadExamples(root)).toThrow(new ExampleError("examples/plain.yaml: start the file with a comment saying what the example shows (it is the README's table row)"));
    write("plain.yaml", "# Shows nothing in particular at all, really.\nclusterName: x\n");
    expect(() => loadExamples(root)).toThrow(/plain\.yaml: name the blueprint with a "blueprint:" key/);
    fs.rmSync(path.join(root, "examples", "plain.yaml"));
    write("Bad_Name.yaml", "# x\nblueprint: baseline\n");
    expect(() => loadExamples(root)).toThrow(/examples\/Bad_Name\.yaml: example names must be lower-case words/);
    fs.rmSync(path.join(root, "examples", "Bad_Name.yaml"));
    write("notes.md", "hi");
    expect(() => loadExamples(root)).toThrow(/examples\/ holds notes\.md/);
  });

  test("invalid settings in an example stop generation with the file and the field named", () => {
    write("broken.yaml", "# A broken example for the test.\nblueprint: baseline\nendpoint:\n  publicAccess: true\n");
    expect(() => repositoryTree(root)).toThrow(/^examples\/broken\.yaml: invalid settings for blueprint "baseline":\nendpoint\.publicAccessCidrs: must list at least one CIDR/);
  });

  test("an example goes to generated/examples/<name>/ with the same modules as synth --config of its file", () => {
    write("small.yaml", "# Two zones.\nblueprint: baseline\nclusterName: small\nnetwork:\n  mode: create\n  availabilityZoneCount: 2\n");
    const [small] = loadExamples(root) as [Example];
    const fromExample = repositoryTree(root);
    const direct = generateModules([{ blueprint: small.blueprint, settings: small.settings }]);
    for (const [file, content] of direct) {
      if (file.endsWith(".tf.json")) expect(fromExample.get(`examples/small/${file.slice("baseline/".length)}`)).toBe(content);
    }
    expect(fromExample.get("examples/small/cluster/variables.tf.json")).toContain('"availability_zone_count"');
  });
});
