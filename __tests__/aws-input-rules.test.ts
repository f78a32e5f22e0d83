import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { nodeGroupSettings, TAINT_EFFECTS } from "../blueprints/settings";
import { instanceTypeSuggestions } from "../blueprints/aws-input-settings";
import {
  conforms,
  EC2_INSTANCE_TYPE_SYNTAX_PATTERN,
  isEc2InstanceType,
  NODE_LABEL_KEY,
  SELECTOR_LABEL_KEY,
  TAG_RULES,
} from "../modules/aws-input-rules";
import { awsServiceModels } from "../modules/catalog";
import { EC2_INSTANCE_FAMILIES, EC2_INSTANCE_TYPE_COUNT, EKS_ENUMS, factsSources } from "../modules/facts";
import { AMI_TYPES } from "../modules/rules";
import { findTerraform } from "../validate/runner";
import { Json, settingsErrorFor, synthesize, SynthesizedModule } from "./helpers";

/** What AWS and Kubernetes reject: facts from the AWS API models, checked by the settings schema and by the modules. */

describe("facts snapshotted from the AWS API models", () => {
  test("every facts file records the source pinned in the catalog", () => {
    for (const source of Object.values(factsSources)) {
      expect(source).toMatchObject({ package: awsServiceModels.package, version: awsServiceModels.version });
      expect(source.snapshotted).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(source.files.length).toBeGreaterThan(0);
    }
  });

  test("the EC2 instance types: families and sizes add up to the model's count", () => {
    const types = Object.entries(EC2_INSTANCE_FAMILIES).flatMap(([f, sizes]) => sizes.map((s) => `${f}.${s}`));
    expect(types).toHaveLength(EC2_INSTANCE_TYPE_COUNT);
    expect(EC2_INSTANCE_TYPE_COUNT).toBeGreaterThan(1000);
    expect(new Set(types).size).toBe(types.length);
    for (const t of ["m6i.large", "m7g.xlarge", "g6e.xlarge", "p5.48xlarge", "t3.nano", "c7i.metal-48xl"]) expect(isEc2InstanceType(t)).toBe(true);
  });

  test("the project's hand-kept subsets are subsets of the EKS model's enums", () => {
    expect(AMI_TYPES.filter((a) => !EKS_ENUMS.AMITypes.includes(a))).toEqual([]);
    const capacity = (nodeGroupSettings.shape.capacityType.unwrap() as unknown as { options: string[] }).options;
    expect(capacity.filter((c) => !EKS_ENUMS.CapacityTypes.includes(c))).toEqual([]);
    // Settings spell effects as Kubernetes does (NoSchedule), the EKS API as NO_SCHEDULE.
    const api = TAINT_EFFECTS.map((e) => e.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase());
    expect([...api].sort()).toEqual([...EKS_ENUMS.TaintEffect].sort());
    expect(EKS_ENUMS.SupportType).toEqual(["STANDARD", "EXTENDED"]);
    expect(EKS_ENUMS.IpFamily).toEqual(["ipv4", "ipv6"]);
  });

  test("tag limits are the strictest of EKS, IAM, CloudWatch Logs and KMS", () => {
    expect(TAG_RULES).toMatchObject({ keyMax: 128, valueMax: 256, maxUserTags: 48 });
  });

  test("the facts are small enough to load at every synth", () => {
    const bytes = ["ec2-instance-types.json", "eks.json", "tags.json"].map((f) => fs.statSync(path.join(__dirname, "..", "modules", "facts", f)).size);
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(32 * 1024);
  });
});

describe("rule definitions", () => {
  test("instance types: unknown family or size rejected, with suggestions from the same family", () => {
    for (const bad of ["m5.lareg", "m6.large", "m5.nano", "M5.large", "m5large", "m5.large "]) expect(isEc2InstanceType(bad)).toBe(false);
    expect(instanceTypeSuggestions("m5.lareg")).toEqual(["m5.large"]);
    expect(instanceTypeSuggestions("m6.large")).toEqual(["m6a.large", "m6g.large", "m6i.large"]);
    const syntax = new RegExp(EC2_INSTANCE_TYPE_SYNTAX_PATTERN);
    expect(["m6.large", "m5.lareg"].filter((t) => syntax.test(t))).toEqual([]);
    expect(Object.entries(EC2_INSTANCE_FAMILIES).every(([f, sizes]) => sizes.every((s) => syntax.test(`${f}.${s}`)))).toBe(true);
  });

  test.each([
    ["node-role", true],
    ["example.com/role", true],
    ["a.b-c_d", true],
    ["", false],
    ["-role", false],
    ["role-", false],
    ["bad key", false],
    ["Example.com/role", false],
    ["a/b/c", false],
    ["/role", false],
    ["x".repeat(63), true],
    ["x".repeat(64), false],
    [`example.com/${"x".repeat(52)}`, false], // 64 characters: EKS counts the whole key
  ])("node label key %j: %s", (key, ok) => {
    expect(conforms(NODE_LABEL_KEY, key)).toBe(ok);
  });

  test("selector label keys: Kubernetes limits (prefix up to 253, name up to 63)", () => {
    const prefix = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`; // 253
    expect(conforms(SELECTOR_LABEL_KEY, `${prefix}/${"n".repeat(63)}`)).toBe(true);
    expect(conforms(SELECTOR_LABEL_KEY, `${prefix}e/n`)).toBe(false);
    expect(conforms(SELECTOR_LABEL_KEY, `p/${"n".repeat(64)}`)).toBe(false);
  });
});

describe("the settings schema rejects what AWS and Kubernetes reject", () => {
  const group = { instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 1, maxSize: 2 };
  const existing = (lists: Json) => ({ network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"], ...lists } });
  test.each([
    ["baseline", { nodeGroups: { g: { ...group, instanceTypes: ["m5.lareg"] } } }, "nodeGroups.g.instanceTypes.0: m5.lareg must be an EC2 instance type listed in the EC2 API model (botocore 1.44.8), such as m6i.large (did you mean m5.large?)"],
    ["baseline", { nodeGroups: { g: { ...group, instanceTypes: ["m6.large"] } } }, "nodeGroups.g.instanceTypes.0: m6.large must be an EC2 instance type listed in the EC2 API model (botocore 1.44.8), such as m6i.large (did you mean m6a.large, m6g.large, m6i.large?)"],
    ["baseline", { nodeGroups: { g: { ...group, instanceTypes: ["m5.nano"] } } }, "nodeGroups.g.instanceTypes.0: m5.nano must be an EC2 instance type listed in the EC2 API model"],
    ["spot-cost-optimized", { nodeGroups: { g: { ...group, instanceTypes: ["m6i.large", "c6.large"] } } }, "nodeGroups.g.instanceTypes.1: c6.large must be an EC2 instance type"],
    ["gpu", { gpuNodeGroups: { t: { instanceTypes: ["g6.xlarg"], maxSize: 2 } } }, "gpuNodeGroups.t.instanceTypes.0: g6.xlarg must be an EC2 instance type listed in the EC2 API model (botocore 1.44.8), such as m6i.large (did you mean g6.xlarge?)"],
    ["baseline", { nodeGroups: { g: { ...group, labels: { "team name": "x" } } } }, 'nodeGroups.g.labels.team name: label key "team name" must be a Kubernetes qualified name'],
    ["baseline", { nodeGroups: { g: { ...group, labels: { team: "" } } } }, 'nodeGroups.g.labels.team: label value "" must be 1-63 letters, digits'],
    ["baseline", { nodeGroups: { g: { ...group, labels: { team: "a/b" } } } }, 'nodeGroups.g.labels.team: label value "a/b" must be 1-63'],
    ["gpu", { gpuNodeGroups: { t: { instanceTypes: ["g6.xlarge"], maxSize: 2, labels: { ["x".repeat(64)]: "v" } } } }, "must be a Kubernetes qualified name ([prefix/]name: name 1-63 letters, digits, '-', '_' or '.', alphanumeric at both ends; prefix a lower-case DNS subdomain of at most 253 characters) of at most 63 characters (EKS node group label limit)"],
    ["baseline", { nodeGroups: { g: { ...group, taints: [{ key: "dedicated team", effect: "NoSchedule" }] } } }, "nodeGroups.g.taints.0.key: must be a Kubernetes qualified name"],
    ["baseline", { nodeGroups: { g: { ...group, taints: [{ key: "dedicated", value: "x".repeat(64), effect: "NoSchedule" }] } } }, "nodeGroups.g.taints.0.value: must be at most 63 letters"],
    ["baseline", { nodeGroups: { g: { ...group, taints: [{ key: "d", value: "a", effect: "NoSchedule" }, { key: "d", value: "b", effect: "NoSchedule" }] } } }, "nodeGroups.g.taints: taint d:NoSchedule is listed twice; Kubernetes allows one taint per key and effect"],
    ["fargate-only", { fargateProfiles: { "kube-system": { selectors: [{ namespace: "kube-system" }] }, apps: { selectors: [{ namespace: "apps", labels: { "App/Name": "x" } }] } } }, 'fargateProfiles.apps.selectors.0.labels.App/Name: label key "App/Name" must be a Kubernetes qualified name'],
    ["fargate-only", { fargateProfiles: { "kube-system": { selectors: [{ namespace: "kube-system" }] }, apps: { selectors: [{ namespace: "apps", labels: { app: "-web" } }] } } }, 'fargateProfiles.apps.selectors.0.labels.app: label value "-web" must be at most 63 letters'],
    ["baseline", { tags: { "aws:owner": "me" } }, 'tags.aws:owner: tag key "aws:owner" must not start with "aws:" in any letter case: the prefix is reserved for AWS'],
    ["fargate-only", { tags: { "AWS:Owner": "me" } }, 'tags.AWS:Owner: tag key "AWS:Owner" must not start with "aws:"'],
    ["baseline", { tags: { ["k".repeat(129)]: "v" } }, "must be 1-128 letters, digits, spaces or _ . : / = + - @ (AWS tag key limits, botocore 1.44.8)"],
    ["baseline", { tags: { "cost#center": "v" } }, 'tags.cost#center: tag key "cost#center" must be 1-128 letters'],
    ["baseline", { tags: { team: "v".repeat(257) } }, "tags.team: tag value must be at most 256 letters"],
    ["baseline", { tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, "v"])) }, "tags: must hold at most 48 tags: AWS allows 50 per resource and the modules add up to 2 (Name, Cluster Autoscaler discovery) (got 49)"],
    ["baseline", existing({ privateSubnetIds: ["subnet-0000000a", "subnet-0000000a"] }), "network.privateSubnetIds.1: subnet-0000000a is listed twice (also at 0); list each subnet once"],
    ["baseline", existing({ publicSubnetIds: ["subnet-0000000c", "subnet-0000000c"] }), "network.publicSubnetIds.1: subnet-0000000c is listed twice"],
    ["fargate-only", existing({ controlPlaneSubnetIds: ["subnet-0000000a", "subnet-0000000a"] }), "network.controlPlaneSubnetIds.1: subnet-0000000a is listed twice"],
    ["baseline", existing({ publicSubnetIds: ["subnet-0000000b"] }), "network.publicSubnetIds.0: subnet-0000000b is also in privateSubnetIds; a subnet is either private (NAT route) or public (internet gateway route)"],
  ])("%s: %j", (blueprint, settings, message) => {
    expect(settingsErrorFor(blueprint, settings)).toContain(message);
  });

  test("valid values pass: prefixed labels, an omitted taint value, Unicode tags, control-plane subnets that are private or public", () => {
    expect(() =>
      synthesize("baseline", {
        tags: { "cost-center": "Forschung & Entwicklung".replace("&", "+"), "kubernetes.io/cluster/x": "owned", Größe: "groß" },
        network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"], publicSubnetIds: ["subnet-0000000c"], controlPlaneSubnetIds: ["subnet-0000000a", "subnet-0000000c"] },
        nodeGroups: { g: { ...group, instanceTypes: ["m6i.large", "c7i.metal-48xl"], labels: { "example.com/team": "a.b_c-d" }, taints: [{ key: "example.com/dedicated", effect: "NoSchedule" }, { key: "example.com/dedicated", effect: "NoExecute" }] } },
      }),
    ).not.toThrow();
  });
});

// ------------------------------------------------------------------------------------------------
// The modules' side: Terraform itself evaluates the emitted validation blocks on bad values.

const terraform = (() => {
  try {
    return findTerraform();
  } catch {
    return undefined;
  }
})();

/** `terraform plan` of a configuration holding only the module's variables (validations included), with `values` set. */
function planVariables(module: SynthesizedModule, values: Json): { code: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-input-rules-"));
  try {
    fs.writeFileSync(path.join(dir, "variables.tf.json"), JSON.stringify({ variable: module.merged.variable }));
    fs.writeFileSync(path.join(dir, "values.auto.tfvars.json"), JSON.stringify(values));
    const r = spawnSync(terraform!, ["plan", "-input=false", "-no-color", "-refresh=false"], { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`.replace(/\s*\n\s*/g, " ") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(terraform ? describe : describe.skip)("the generated modules' validations reject the same values (terraform plan)", () => {
  const baseline = synthesize("baseline").cluster;
  const existing = synthesize("baseline", {
    network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"] },
  }).cluster;
  const fargate = synthesize("fargate-only").cluster;
  const groups = (g: Json) => ({ node_groups: { g: { instance_types: ["m6i.large"], min_size: 1, desired_size: 1, max_size: 2, ...g } } });
  const profiles = (labels: Json) => ({
    fargate_profiles: { "kube-system": { selectors: [{ namespace: "kube-system" }] }, apps: { selectors: [{ namespace: "apps", labels }] } },
  });

  test.each([
    ["instance type m5.lareg", baseline, groups({ instance_types: ["m5.lareg"] }), "Every instance type in node_groups must be an EC2 instance type (family.size, e.g. m6i.large)"],
    ["instance type m6.large", baseline, groups({ instance_types: ["m6i.large", "m6.large"] }), "Every instance type in node_groups must be an EC2 instance type"],
    ["label key with a space", baseline, groups({ labels: { "team name": "x" } }), "Every node group label key must be a Kubernetes qualified name"],
    ["label key of 64 characters", baseline, groups({ labels: { ["x".repeat(64)]: "x" } }), "Every node group label key must be"],
    ["empty label value", baseline, groups({ labels: { team: "" } }), "Every node group label value must be 1-63 letters"],
    ["taint key with a slash too many", baseline, groups({ taints: [{ key: "a/b/c", effect: "NO_SCHEDULE" }] }), "Every taint key must be a Kubernetes qualified name"],
    ["taint value of 64 characters", baseline, groups({ taints: [{ key: "a", value: "v".repeat(64), effect: "NO_SCHEDULE" }] }), "Every taint value must be at most 63 letters"],
    ["duplicate taint", baseline, groups({ taints: [{ key: "a", effect: "NO_SCHEDULE" }, { key: "a", value: "x", effect: "NO_SCHEDULE" }] }), "A node group may have only one taint per key and effect"],
    ["tag key aws:", baseline, { tags: { "aws:owner": "me" } }, 'tags: tag keys must not start with "aws:" in any letter case'],
    ["tag key AWS:", fargate, { tags: { "AWS:Owner": "me" } }, 'tags: tag keys must not start with "aws:" in any letter case'],
    ["tag key of 129 characters", baseline, { tags: { ["k".repeat(129)]: "v" } }, "tags: tag keys must be 1-128 letters"],
    ["tag key with #", baseline, { tags: { "cost#center": "v" } }, "tags: tag keys must be 1-128 letters"],
    ["tag value of 257 characters", baseline, { tags: { team: "v".repeat(257) } }, "tags: tag values must be at most 256"],
    ["49 tags", baseline, { tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, "v"])) }, "tags must hold at most 48 tags"],
    ["private subnet twice", existing, { private_subnet_ids: ["subnet-0000000a", "subnet-0000000a"] }, "private_subnet_ids must list each subnet once."],
    ["public subnet twice", existing, { public_subnet_ids: ["subnet-0000000c", "subnet-0000000c"] }, "public_subnet_ids must list each subnet once."],
    ["control-plane subnet twice", existing, { control_plane_subnet_ids: ["subnet-0000000a", "subnet-0000000a"] }, "control_plane_subnet_ids must list each subnet once."],
    ["subnet both private and public", existing, { public_subnet_ids: ["subnet-0000000b"] }, "A subnet cannot be both in public_subnet_ids and private_subnet_ids"],
    ["Fargate selector label key", fargate, profiles({ "App/Name": "x" }), "Every Fargate selector label key must be a Kubernetes qualified name"],
    ["Fargate selector label value", fargate, profiles({ app: "-web" }), "Every Fargate selector label value must be at most 63 letters"],
  ])("%s", (_name, module, values, message) => {
    const { code, output } = planVariables(module, values);
    expect(output).toContain(message);
    expect(output).not.toMatch(/Invalid function argument|Error in function call|Unsupported attribute/);
    expect(code).not.toBe(0);
  });

  test.each([
    ["baseline, valid values of every rule", baseline, {
      ...groups({ instance_types: ["m6i.large", "c7i.metal-48xl"], labels: { "example.com/team": "a.b_c-d" }, taints: [{ key: "example.com/dedicated", effect: "NO_SCHEDULE" }, { key: "example.com/dedicated", value: "x", effect: "NO_EXECUTE" }] }),
      tags: { "cost-center": "r+d", Größe: "groß", "kubernetes.io/cluster/x": "owned", ...Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`t${i}`, "v"])) },
    }],
    ["existing network, control-plane subnets private and public", existing, { public_subnet_ids: ["subnet-0000000c"], control_plane_subnet_ids: ["subnet-0000000a", "subnet-0000000c"] }],
    ["fargate-only, empty selector label value", fargate, profiles({ app: "", "example.com/tier": "web" })],
  ])("%s pass", (_name, module, values) => {
    const { code, output } = planVariables(module, values);
    expect(output).not.toContain("Error");
    expect(code).toBe(0);
  });
});
