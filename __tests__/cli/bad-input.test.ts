import * as fs from "fs";
import * as path from "path";
import { CliResult, pool, runCli, snapshot, tempDir } from "./run-cli";

/**
 * Bad input: a clear message naming the field and the rule, exit code 2, nothing written.
 * Every case runs the compiled CLI in its own empty working directory (plus its input files); all
 * cases run at once in beforeAll, and each test then checks one.
 */
interface Case {
  readonly name: string;
  readonly files?: Record<string, string>;
  readonly args: readonly string[];
  /** Substrings of stderr, in order of appearance not required. */
  readonly messages: readonly string[];
  /** Substrings stderr must not hold. */
  readonly absent?: readonly string[];
}

/** zod's own wording, which names neither the rule nor what was written. */
const ZOD_WORDING = ["Invalid input", "Invalid discriminator value", "Invalid option", "expected record", "received null"];

const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;
const group = (min: number, desired: number, max: number, types = "[m6i.large]") =>
  yaml("blueprint: baseline", "nodeGroups:", "  general:", `    instanceTypes: ${types}`, `    minSize: ${min}`, `    desiredSize: ${desired}`, `    maxSize: ${max}`);
const synth = (...args: string[]) => ["synth", "--out", "out", ...args];
const withSettings = (content: string, file = "settings.yaml") => ({ files: { [file]: content }, args: synth("--config", file) });

const cases: Case[] = [
  {
    name: "unknown blueprint",
    args: synth("--blueprint", "basline"),
    messages: ['unknown blueprint "basline" (did you mean baseline?); available: baseline, spot-cost-optimized, fargate-only, gpu'],
  },
  {
    name: "unknown network mode",
    ...withSettings(yaml("blueprint: baseline", "network:", "  mode: shared")),
    messages: ['settings.yaml:3:3: network.mode: must be "create" or "existing" (got "shared")'],
  },
  { name: "network without a mode", ...withSettings(yaml("blueprint: baseline", "network: {}")), messages: ['network.mode: must be "create" or "existing" (it is missing)'] },
  { name: "empty mapping (YAML null)", ...withSettings(yaml("blueprint: baseline", "tags:")), messages: ["settings.yaml:2:1: tags: must be a mapping of names to values (got null)"] },
  { name: "a list where a mapping belongs", ...withSettings(yaml("blueprint: baseline", "endpoint: [a]")), messages: ["endpoint: must be a mapping of settings (got a list)"] },
  { name: "a string where true/false belongs", ...withSettings(yaml("blueprint: baseline", "clusterCreatorAdmin: yes please")), messages: ['clusterCreatorAdmin: must be true or false (got "yes please")'] },
  {
    name: "a value outside an enum",
    ...withSettings(yaml("blueprint: baseline", "addons:", "  clusterAutoscaler:", "    expander: fastest")),
    messages: ['addons.clusterAutoscaler.expander: must be one of "least-waste", "priority", "random" or "most-pods" (got "fastest")'],
  },
  { name: "a fraction where a whole number belongs", ...withSettings(group(1, 1.5, 3)), messages: ["nodeGroups.general.desiredSize: must be a whole number (got 1.5)"] },
  {
    name: "Kubernetes version written as a YAML number with a trailing zero",
    ...withSettings(yaml("blueprint: baseline", "kubernetesVersion: 1.30")),
    messages: ['settings.yaml:2:1: kubernetesVersion: must be one of the supported Kubernetes versions:', '(got the number 1.30; quote it as a string: "1.30")'],
  },
  {
    name: "unknown settings key (typo)",
    ...withSettings(yaml("blueprint: baseline", "nodeGroup: {}")),
    messages: ['invalid settings for blueprint "baseline" in settings.yaml:', "settings.yaml:2:1: nodeGroup: unknown setting (did you mean nodeGroups?)"],
  },
  {
    name: "unknown nested settings key (typo)",
    ...withSettings(yaml("blueprint: baseline", "network:", "  mode: create", "  vpcCIDR: 10.1.0.0/16")),
    messages: ["settings.yaml:4:3: network.vpcCIDR: unknown setting (did you mean vpcCidr?)"],
  },
  {
    name: "invalid cluster name",
    ...withSettings(yaml("blueprint: baseline", "clusterName: -prod")),
    messages: ["clusterName: must be 1-100 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores"],
  },
  {
    name: "unsupported Kubernetes version",
    ...withSettings(yaml("blueprint: baseline", 'kubernetesVersion: "1.20"')),
    messages: ["kubernetesVersion: must be one of the supported Kubernetes versions:"],
  },
  {
    name: "Kubernetes version written as a YAML number",
    ...withSettings(yaml("blueprint: baseline", "kubernetesVersion: 1.35")),
    messages: ['kubernetesVersion: must be one of the supported Kubernetes versions:', '(got the number 1.35; quote it as a string: "1.35")'],
  },
  {
    name: "malformed VPC CIDR",
    ...withSettings(yaml("blueprint: baseline", "network:", "  mode: create", "  vpcCidr: 10.0.0.1/16")),
    messages: ["network.vpcCidr: must be an IPv4 CIDR block such as 10.0.0.0/16 (address bits beyond the prefix must be zero)"],
  },
  {
    name: "overlapping public endpoint CIDRs",
    ...withSettings(yaml("blueprint: baseline", "endpoint:", "  publicAccess: true", "  publicAccessCidrs: [203.0.113.0/24, 203.0.113.128/25]")),
    messages: ["endpoint.publicAccessCidrs.1: 203.0.113.128/25 overlaps 203.0.113.0/24; list each range once"],
  },
  {
    name: "public endpoint CIDR overlapping the VPC CIDR",
    ...withSettings(yaml("blueprint: baseline", "network: {mode: create, vpcCidr: 10.20.0.0/16}", "endpoint:", "  publicAccess: true", "  publicAccessCidrs: [10.0.0.0/8]")),
    messages: ["endpoint.publicAccessCidrs.0: 10.0.0.0/8 overlaps the VPC CIDR 10.20.0.0/16"],
  },
  {
    name: "fewer than two availability zones",
    ...withSettings(yaml("blueprint: baseline", "network:", "  mode: create", "  availabilityZoneCount: 1")),
    messages: ["network.availabilityZoneCount: must be at least 2: EKS requires subnets in at least two availability zones"],
  },
  {
    name: "invalid setting in a JSON file, located",
    ...withSettings('{\n  "blueprint": "baseline",\n  "network": {"mode": "create", "availabilityZoneCount": 1}\n}\n', "settings.json"),
    messages: ["settings.json:3:33: network.availabilityZoneCount: must be at least 2"],
  },
  { name: "min > desired", ...withSettings(group(3, 2, 5)), messages: ["settings.yaml:3:3: nodeGroups.general: desiredSize 2 is less than minSize 3"] },
  { name: "desired > max", ...withSettings(group(1, 9, 5)), messages: ["nodeGroups.general: desiredSize 9 is greater than maxSize 5"] },
  { name: "min > max", ...withSettings(group(6, 6, 5)), messages: ["nodeGroups.general: minSize 6 is greater than maxSize 5"] },
  { name: "empty instance-type list", ...withSettings(group(1, 1, 2, "[]")), messages: ["settings.yaml:4:5: nodeGroups.general.instanceTypes: must list at least one instance type"] },
  {
    name: "node groups in fargate-only",
    ...withSettings(group(1, 1, 2).replace("blueprint: baseline", "blueprint: fargate-only")),
    messages: ['invalid settings for blueprint "fargate-only" in settings.yaml:', "nodeGroups: unknown setting: fargate-only runs no EC2 nodes"],
  },
  {
    name: "non-GPU instance types in a GPU node group",
    ...withSettings(yaml("blueprint: gpu", "gpuNodeGroups:", "  training:", "    instanceTypes: [g6.xlarge, m6i.large]", "    maxSize: 2")),
    messages: ['invalid settings for blueprint "gpu" in settings.yaml:', "settings.yaml:4:5: gpuNodeGroups.training.instanceTypes: m6i.large is not an NVIDIA GPU instance type this blueprint knows"],
  },
  {
    name: "JSON syntax error",
    ...withSettings('{\n  "blueprint": "baseline",\n  "clusterName": "demo",\n}\n', "settings.json"),
    messages: ["settings.json:4:1: JSON syntax error: ", "   4 | }"],
  },
  {
    name: "JSON duplicate key",
    ...withSettings('{\n  "blueprint": "baseline",\n  "region": "eu-west-1",\n  "region": "eu-west-2"\n}\n', "settings.json"),
    messages: ['settings.json:4:3: JSON: duplicate key "region" in the top level (first at 3:3)'],
  },
  {
    name: "instance type that does not exist",
    ...withSettings(group(1, 1, 2, "[m5.lareg]")),
    messages: ["settings.yaml:4:21: nodeGroups.general.instanceTypes.0: m5.lareg must be an EC2 instance type listed in the EC2 API model", "(did you mean m5.large?)"],
  },
  { name: "reserved tag key", ...withSettings(yaml("blueprint: baseline", "tags:", '  "aws:owner": me')), messages: ['tags.aws:owner: tag key "aws:owner" must not start with "aws:"'] },
  {
    name: "label key that is not Kubernetes label syntax",
    ...withSettings(`${group(1, 1, 2)}    labels: {"team name": web}\n`),
    messages: ['nodeGroups.general.labels.team name: label key "team name" must be a Kubernetes qualified name'],
  },
  {
    name: "the same subnet twice",
    ...withSettings(yaml("blueprint: baseline", "network:", "  mode: existing", "  vpcId: vpc-0123456789abcdef0", "  privateSubnetIds: [subnet-0000000a, subnet-0000000a]")),
    messages: ["network.privateSubnetIds.1: subnet-0000000a is listed twice (also at 0); list each subnet once"],
  },
  {
    name: "YAML syntax error",
    ...withSettings(yaml("blueprint: baseline", "nodeGroups:", "  general: {instanceTypes: [m6i.large}")),
    messages: ["settings.yaml:3:38: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]"],
  },
  { name: "YAML duplicate key", ...withSettings(yaml("blueprint: baseline", "region: eu-west-1", "region: eu-west-2")), messages: ["settings.yaml:3:1: YAML syntax error: Map keys must be unique"] },
  { name: "settings that are not a mapping", ...withSettings(yaml("- blueprint: baseline")), messages: ["settings.yaml: the settings must be a mapping of setting names to values, not a list"] },
  { name: "missing settings file", args: synth("--config", "nope.yaml"), messages: ["cannot read settings file nope.yaml: no such file"] },
  { name: "settings file naming no blueprint", ...withSettings(yaml("region: eu-west-1")), messages: ['settings.yaml names no blueprint: add a "blueprint:" key or pass --blueprint <name>'] },
  {
    name: "--blueprint conflicting with the file's blueprint key",
    files: { "settings.yaml": yaml("blueprint: baseline") },
    args: synth("--config", "settings.yaml", "--blueprint", "fargate-only"),
    messages: ['--blueprint fargate-only conflicts with "blueprint: baseline" in settings.yaml'],
  },
  {
    name: "output directory that cannot be written",
    files: { blocker: "a file, not a directory\n" },
    args: ["synth", "--blueprint", "baseline", "--out", "blocker/out"],
    messages: ["--out blocker/out: cannot write there:", "blocker is not a directory"],
  },
  { name: "nothing to synthesize", args: synth(), messages: ["say what to synthesize: --blueprint <name>, --config <settings file>, or --all"] },
  { name: "unknown option", args: synth("--bogus"), messages: ["unknown option '--bogus'"] },
  { name: "--all with --config", files: { "s.yaml": "" }, args: synth("--all", "--config", "s.yaml"), messages: ["cannot be used with option '-a, --all'"] },
  { name: "unknown command", args: ["synthesize"], messages: ["unknown command 'synthesize'"] },

  { name: "init: unknown blueprint", args: ["init", "proj", "-b", "gpus", "--name", "demo", "--region", "eu-west-1"], messages: ['unknown blueprint "gpus"'] },
  {
    name: "init: invalid cluster name",
    args: ["init", "proj", "-b", "baseline", "--name", "my cluster", "--region", "eu-west-1"],
    messages: ["error: --name my cluster: must be 1-100 characters"],
    absent: ["clusterName"],
  },
  { name: "init: invalid region", args: ["init", "proj", "-b", "baseline", "--name", "demo", "--region", "Europe"], messages: ["error: --region Europe: must be an AWS region code such as us-east-1"] },
  {
    name: "init: unsupported Kubernetes version",
    args: ["init", "proj", "-b", "baseline", "--name", "demo", "--region", "eu-west-1", "--kubernetes-version", "1.20"],
    messages: ["error: --kubernetes-version 1.20: must be one of the supported Kubernetes versions:"],
    absent: ["kubernetesVersion"],
  },
  {
    name: "init: non-empty directory",
    files: { "proj/notes.txt": "mine\n" },
    args: ["init", "proj", "-b", "baseline", "--name", "demo", "--region", "eu-west-1"],
    messages: ["proj is not empty (notes.txt); init writes only into a new or empty directory, or pass --force"],
  },
  { name: "init: flags missing without a terminal", args: ["init", "proj", "-b", "baseline"], messages: ["--name and --region are required when init cannot ask (no terminal); pass --yes"] },
  { name: "init: no blueprint without a terminal", args: ["init", "proj", "--yes"], messages: ["--blueprint <name> is required when init cannot ask"] },
  {
    name: "init: project directory that cannot be written",
    files: { blocker: "a file\n" },
    args: ["init", "blocker/proj", "-b", "baseline", "--name", "demo", "--region", "eu-west-1"],
    messages: ["cannot write the project to blocker/proj:"],
  },
];

interface Outcome {
  readonly result: CliResult;
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
}

const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  const root = tempDir("bad-input");
  const runs = cases.map((c, i) => async () => {
    const cwd = path.join(root, String(i));
    fs.mkdirSync(cwd);
    for (const [name, content] of Object.entries(c.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
      fs.writeFileSync(path.join(cwd, name), content);
    }
    const before = snapshot(cwd);
    const result = await runCli(c.args, { cwd });
    outcomes.set(c.name, { result, before, after: snapshot(cwd) });
  });
  await pool(runs);
  fs.rmSync(root, { recursive: true, force: true });
}, 120_000);

describe("bad input: message, exit code 2, nothing written", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { result, before, after } = outcomes.get(c.name)!;
    for (const message of c.messages) expect(result.stderr).toContain(message);
    for (const text of [...ZOD_WORDING, ...(c.absent ?? [])]) expect(result.stderr).not.toContain(text);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toContain("\u001b["); // no colour without a TTY
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code).toBe(2);
    expect(after).toEqual(before);
  });

});
