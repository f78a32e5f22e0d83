/**
 * End-to-end tests of `terraform plan` through the stub providers: the real
 * Terraform binary evaluates variable defaults, count / for_each and functions
 * of the modules, with data sources answered by placeholders. They load the
 * compiled code (dist/validate; `npm test` builds first).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist", "validate");
const CLI = path.join(DIST, "cli.js");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "plan");
const GENERATED = path.join(ROOT, "generated");

type Api = typeof import("../../validate");
type PlanResult = import("../../validate").PlanResult;

let api: Api;
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it) first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  api = require(path.join(DIST, "index.js")) as Api;
});

const errors = (r: PlanResult): { summary: string; detail: string; file?: string; line?: number; address?: string }[] =>
  r.diagnostics.filter((d) => d.severity === "error");

function describeFailures(results: PlanResult[]): string[] {
  return results
    .filter((r) => r.errorCount > 0)
    .map((r) => `${path.relative(ROOT, r.dir)}:\n${r.diagnostics.map((d) => `  ${d.summary} (${d.file}:${d.line}) ${d.detail}`).join("\n")}`);
}

function generatedModules(): string[] {
  if (!fs.existsSync(GENERATED)) return [];
  return fs
    .readdirSync(GENERATED)
    .flatMap((b) => (fs.statSync(path.join(GENERATED, b)).isDirectory() ? fs.readdirSync(path.join(GENERATED, b)).map((m) => path.join(GENERATED, b, m)) : []))
    .filter((d) => fs.statSync(d).isDirectory() && fs.readdirSync(d).some((f) => f.endsWith(".tf.json")))
    .sort();
}

describe("generated modules", () => {
  const dirs = generatedModules();
  let results: PlanResult[];
  let totalMs: number;

  beforeAll(async () => {
    const started = Date.now();
    results = await api.planModules(dirs);
    totalMs = Date.now() - started;
  }, 120_000);

  test("every module under generated/*/*/ plans with zero errors, well within 30 s", () => {
    expect(dirs.length).toBeGreaterThan(0); // an empty generated/ must not pass vacuously
    expect(describeFailures(results)).toEqual([]);
    expect(results).toHaveLength(dirs.length);
    for (const r of results) expect(r.instanceCount).toBeGreaterThan(0);
    expect(totalMs).toBeLessThan(30_000);
  });

  test("baseline/cluster with defaults: 3 zones, a single NAT gateway, the general node group, the creator as admin", () => {
    const r = results.find((x) => x.dir === path.join(GENERATED, "baseline", "cluster"));
    expect(r).toBeDefined();
    const counts = r!.resourceCounts;
    expect(counts["aws_subnet.private"]).toBe(3);
    expect(counts["aws_subnet.public"]).toBe(3);
    expect(counts["aws_subnet.intra"]).toBe(3);
    expect(counts["aws_nat_gateway.this"]).toBe(1);
    expect(counts["aws_eip.nat"]).toBe(1);
    expect(counts["aws_route.private_nat"]).toBe(3);
    const keys = (resource: string): unknown[] => r!.changes.filter((c) => c.resource === resource).map((c) => c.key);
    expect(keys("aws_subnet.private")).toEqual([0, 1, 2]);
    expect(keys("aws_eks_node_group.this")).toEqual(["general"]);
    expect(keys("aws_launch_template.node")).toEqual(["general"]);
    // The creator is its own count-1 entry (principal from the session context); admin_principal_arns = [] adds none.
    expect(keys("aws_eks_access_entry.cluster_creator")).toEqual([0]);
    expect(keys("aws_eks_access_policy_association.cluster_creator")).toEqual([0]);
    expect(keys("aws_eks_access_entry.admin")).toEqual([]);
    expect(r!.changes.every((c) => c.action === "create")).toBe(true);
    expect(r!.variables).toEqual({}); // every variable has a default
  });
});

/** generated/examples/<name>/{cluster,addons}: the modules of every examples/*.yaml. */
function exampleModules(): string[] {
  return api.findModules(path.join(GENERATED, "examples"));
}

describe("example modules (examples/*.yaml)", () => {
  let results: PlanResult[];

  beforeAll(async () => {
    results = await api.planModules(exampleModules());
  }, 180_000);

  test("every module under generated/examples/*/ plans with zero errors", () => {
    const names = fs.readdirSync(path.join(ROOT, "examples")).map((f) => f.replace(/\.yaml$/, ""));
    expect(names.length).toBeGreaterThan(0);
    expect(results.map((r) => path.relative(GENERATED, r.dir))).toEqual(names.sort().flatMap((n) => [`examples/${n}/addons`, `examples/${n}/cluster`]));
    expect(describeFailures(results)).toEqual([]);
    for (const r of results) expect(r.instanceCount).toBeGreaterThan(0);
  });

  test("existing-vpc/cluster plans no network; gpu-efa-training/cluster one placement group for its EFA group", () => {
    const planned = (example: string) => results.find((x) => x.dir === path.join(GENERATED, "examples", example, "cluster"))!;
    const vpc = planned("existing-vpc");
    expect(vpc.resourceCounts["aws_vpc.this"]).toBeUndefined();
    expect(Object.keys(vpc.resourceCounts).filter((r) => r.startsWith("aws_subnet.") || r.startsWith("aws_nat_gateway."))).toEqual([]);
    expect(vpc.changes.filter((c) => c.resource === "aws_eks_node_group.this").map((c) => c.key)).toEqual(["general"]);
    const efa = planned("gpu-efa-training");
    expect(efa.changes.filter((c) => c.resource === "aws_placement_group.efa").map((c) => c.key)).toEqual(["training"]);
    expect(efa.changes.filter((c) => c.resource === "aws_eks_node_group.this").map((c) => c.key).sort()).toEqual(["gpu", "system", "training"]);
    const selfManaged = planned("self-managed-nodes");
    const keys = (resource: string) => selfManaged.changes.filter((c) => c.resource === resource).map((c) => c.key).sort();
    expect(keys("aws_autoscaling_group.self_managed")).toEqual(["batch", "spot-workers"]);
    expect(keys("aws_launch_template.self_managed")).toEqual(["batch", "spot-workers"]);
    expect(selfManaged.resourceCounts["aws_eks_access_entry.self_managed_node"]).toBe(1);
  });
});

describe("the JSON plan (showPlan)", () => {
  test("baseline/cluster: cidrsubnet, element and merge evaluated from the defaults", async () => {
    const r = await api.planModule(path.join(GENERATED, "baseline", "cluster"), { showPlan: true });
    expect(describeFailures([r])).toEqual([]);
    const subnets = (r.plan?.resource_changes ?? []).filter((c) => c.type === "aws_subnet" && c.name === "private");
    expect(subnets.map((s) => s.index)).toEqual([0, 1, 2]);
    const after = subnets.map((s) => s.change.after as { cidr_block: string; availability_zone: string; tags: { [k: string]: string } });
    // Three distinct CIDR blocks inside the default VPC CIDR 10.0.0.0/16.
    expect(new Set(after.map((a) => a.cidr_block)).size).toBe(3);
    for (const a of after) expect(a.cidr_block).toMatch(/^10\.0\.\d{1,3}\.\d{1,3}\/\d{2}$/);
    expect(after.map((a) => a.availability_zone)).toEqual(api.PLACEHOLDER.availabilityZones);
    expect(after.map((a) => a.tags.Name)).toEqual(["baseline-private-us-east-1a", "baseline-private-us-east-1b", "baseline-private-us-east-1c"]);
    // Computed attributes are unknown ("known after apply"), not null.
    const unknown = subnets[0].change.after_unknown as { [k: string]: unknown };
    expect(unknown.id).toBe(true);
    expect(unknown.arn).toBe(true);
  });
});

describe("fixtures: plan catches what validate cannot", () => {
  const names = ["cidrsubnet-overflow", "validation-fails-on-default", "unknown-for-each-keys", "index-out-of-range"];
  let planned: Map<string, PlanResult>;

  beforeAll(async () => {
    const dirs = names.map((n) => path.join(FIXTURES, n));
    const [validated, plans] = await Promise.all([api.validateModules(dirs), api.planModules(dirs)]);
    // The premise: terraform validate accepts every one of them.
    expect(validated.flatMap((v) => v.diagnostics)).toEqual([]);
    planned = new Map(plans.map((p) => [path.basename(p.dir), p]));
  }, 120_000);

  test("cidrsubnet overflow of a variable default", () => {
    const e = errors(planned.get("cidrsubnet-overflow")!);
    expect(e.length).toBeGreaterThan(0);
    expect(e[0].summary).toBe("Error in function call");
    expect(e[0].detail).toContain('Call to function "cidrsubnet" failed: insufficient address space to extend prefix of 30 by 8.');
    expect(e[0].file).toBe(path.join(FIXTURES, "cidrsubnet-overflow", "main.tf.json"));
    expect(e[0].line).toBe(18);
  });

  test("variable validation failing on the variable's own default", () => {
    const e = errors(planned.get("validation-fails-on-default")!);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid value for variable");
    expect(e[0].detail).toContain("EKS needs at least 2 availability zones.");
    expect(e[0].line).toBe(8);
  });

  test("for_each keys that are only known after apply", () => {
    const e = errors(planned.get("unknown-for-each-keys")!);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid for_each argument");
    expect(e[0].detail).toContain("cannot be determined until apply");
    expect(e[0].line).toBe(16);
  });

  test("count beyond the zones a data source returns (3 placeholder zones)", () => {
    const e = errors(planned.get("index-out-of-range")!);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid index");
    expect(e[0].line).toBe(23);
  });
});

describe("variables without defaults", () => {
  const dir = path.join(FIXTURES, "needs-inputs");

  test("placeholders are derived from each variable's type", async () => {
    const r = await api.planModule(dir);
    expect(describeFailures([r])).toEqual([]);
    expect(r.variables).toEqual({
      controller_role_arn: { value: "arn:aws:iam::123456789012:role/example", source: "placeholder" },
      cluster_name: { value: "placeholder", source: "placeholder" },
      subnet_ids: { value: ["subnet-0123456789abcdef0"], source: "placeholder" },
      controller: { value: { replicas: 1 }, source: "placeholder" }, // optional attributes left to their defaults
      namespaces: { value: { example: {} }, source: "placeholder" },
    });
    expect(r.resourceCounts).toEqual({ "helm_release.controller": 1, "kubernetes_namespace_v1.this": 1 });
  });

  test("vars override placeholders and reach the planned values", async () => {
    const r = await api.planModule(dir, {
      showPlan: true,
      vars: { controller_role_arn: "arn:aws:iam::210987654321:role/lbc", namespaces: { apps: {}, tools: { labels: { team: "platform" } } } },
    });
    expect(describeFailures([r])).toEqual([]);
    expect(r.variables.controller_role_arn).toEqual({ value: "arn:aws:iam::210987654321:role/lbc", source: "input" });
    expect(r.variables.cluster_name.source).toBe("placeholder");
    expect(r.changes.filter((c) => c.resource === "kubernetes_namespace_v1.this").map((c) => c.key)).toEqual(["apps", "tools"]);
    const helm = r.plan?.resource_changes?.find((c) => c.address === "helm_release.controller");
    const values = JSON.parse((helm?.change.after as { values: string[] }).values[0]) as { [k: string]: unknown };
    expect(values).toEqual({
      clusterName: "placeholder",
      region: "us-east-1",
      vpcId: "vpc-0123456789abcdef0",
      replicaCount: 1,
      podLabels: {},
      subnets: "subnet-0123456789abcdef0",
      serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::210987654321:role/lbc" } },
    });
    expect(r.plan?.planned_values?.outputs?.oidc_issuer.value).toBe("https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE");
  });

  test("an invalid input is reported against its variable", async () => {
    const r = await api.planModule(dir, { vars: { controller_role_arn: "not-an-arn" } });
    const e = errors(r);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid value for variable");
    expect(e[0].address).toBe("var.controller_role_arn");
    expect(e[0].detail).toContain("controller_role_arn must be an IAM role ARN.");
    expect(e[0].detail).toContain('came from PlanOptions.vars: "not-an-arn"');
    expect(e[0].file).toBeUndefined();
  });

  test("placeholders: false leaves them unset, as terraform plan would", async () => {
    const r = await api.planModule(dir, { placeholders: false });
    const e = errors(r);
    expect(e.map((d) => d.summary)).toEqual(Array(5).fill("No value for required variable"));
    expect(e.map((d) => d.line).sort((a, b) => a! - b!)).toEqual([10, 19, 20, 21, 24]);
  });
});

describe("CLI --plan", () => {
  const run = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test("text output: counts, placeholders, errors with file and line, exit status", () => {
    const r = run(["--plan", "--var", "cluster_name=demo", path.join(FIXTURES, "needs-inputs"), path.join(FIXTURES, "cidrsubnet-overflow")]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ok +.*needs-inputs \(\d+ ms, 2 resource instance\(s\) planned, 0 error\(s\), 0 warning\(s\)\)/);
    expect(r.stdout).toContain('placeholder: var.subnet_ids = ["subnet-0123456789abcdef0"]');
    expect(r.stdout).not.toContain("placeholder: var.cluster_name");
    expect(r.stdout).toMatch(/FAIL .*cidrsubnet-overflow/);
    expect(r.stdout).toMatch(/error: Error in function call \(.*cidrsubnet-overflow\/main\.tf\.json:18:\d+\)/);
    expect(r.stdout).toMatch(/planned 2 module\(s\) in \d+ ms: 1 valid, 1 invalid/);
  });

  test("--json carries the plan results; --var values are JSON when they parse", () => {
    const r = run(["--plan", "--json", "--var", 'namespaces={"a":{},"b":{}}', path.join(FIXTURES, "needs-inputs")]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { mode: string; valid: boolean; results: PlanResult[] };
    expect(report.mode).toBe("plan");
    expect(report.results[0].resourceCounts["kubernetes_namespace_v1.this"]).toBe(2);
  });

  test("--var without --plan is a usage error", () => {
    const r = run(["--var", "a=b", path.join(FIXTURES, "needs-inputs")]);
    expect(r.status).toBe(64);
  });
});

describe("cty msgpack codec", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const codec = (): typeof import("../../validate/cty-msgpack") => require(path.join(DIST, "cty-msgpack.js"));

  test("round-trips objects, collections, numbers, unknown and dynamic values", () => {
    const { encode, decode, UNKNOWN, Dynamic, isUnknown } = codec();
    const type: import("../../validate").CtyType = [
      "object",
      { s: "string", n: "number", f: "number", b: "bool", l: ["list", "string"], m: ["map", "number"], u: "string", d: "dynamic", z: "string" },
    ];
    const value = { s: "x", n: 300000, f: 1.5, b: true, l: ["a", "b"], m: { k: -7 }, u: UNKNOWN, d: new Dynamic(["list", "string"], ["q"]), z: null };
    const back = decode(encode(value, type), type) as { [k: string]: unknown };
    expect(back.s).toBe("x");
    expect(back.n).toBe(300000);
    expect(back.f).toBe(1.5);
    expect(back.b).toBe(true);
    expect(back.l).toEqual(["a", "b"]);
    expect({ ...(back.m as object) }).toEqual({ k: -7 });
    expect(isUnknown(back.u)).toBe(true);
    expect(back.d).toEqual(new Dynamic(["list", "string"], ["q"]));
    expect(back.z).toBeNull();
  });

  test("unknowns are extension type 0; refined unknowns (type 12) decode as unknown", () => {
    const { encode, decode, UNKNOWN, isUnknown } = codec();
    expect([...encode(UNKNOWN, "string")]).toEqual([0xc7, 0x00, 0x00]);
    // ext8, 3 bytes, type 12; payload: a refinement map { 1: false } (not null), as go-cty writes it.
    expect(isUnknown(decode(Buffer.from([0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2]), "string"))).toBe(true);
  });
});

describe("variable type parsing", () => {
  test("nested object types with optional attributes and defaults", () => {
    const t = api.parseType('map(object({\n  instance_types = list(string)\n  capacity_type = optional(string, "ON_DEMAND")\n  taints = optional(list(object({ key = string, effect = string })), [])\n}))');
    expect(t).toEqual({
      kind: "map",
      elem: {
        kind: "object",
        attrs: [
          { name: "instance_types", type: { kind: "list", elem: { kind: "string" } }, optional: false },
          { name: "capacity_type", type: { kind: "string" }, optional: true },
          {
            name: "taints",
            type: { kind: "list", elem: { kind: "object", attrs: [{ name: "key", type: { kind: "string" }, optional: false }, { name: "effect", type: { kind: "string" }, optional: false }] } },
            optional: true,
          },
        ],
      },
    });
  });
});
