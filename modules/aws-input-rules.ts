import { EC2_INSTANCE_FAMILIES, EKS_LIMITS, factsSources, StringLimits, TAG_LIMITS_BY_SERVICE } from "./facts";
import { VariableRule } from "./terraform";

/**
 * What AWS and Kubernetes reject although Terraform's types accept it: instance types that do not
 * exist, label and taint syntax, reserved and oversized tags, a subnet listed twice. Each rule is
 * defined once here; the settings schema (blueprints/aws-input-settings.ts) checks values with the
 * `is…`/`…Problems` functions and the generated modules' variable validations use the `…Rule`s built
 * from the same patterns and limits. Patterns are written in the common subset of ECMAScript (with
 * the `u` flag) and RE2 (Terraform's `regex`).
 */

// ---------------------------------------------------------------- EC2 instance types

/** True when the EC2 API model lists the type (exact family and size). */
export function isEc2InstanceType(type: string): boolean {
  const dot = type.indexOf(".");
  return dot > 0 && (EC2_INSTANCE_FAMILIES[type.slice(0, dot)] ?? []).includes(type.slice(dot + 1));
}

/** Every instance type of the model, for suggestions. */
export function allEc2InstanceTypes(): string[] {
  return Object.entries(EC2_INSTANCE_FAMILIES).flatMap(([family, sizes]) => sizes.map((s) => `${family}.${s}`));
}

/**
 * The Terraform side checks `family.size` against the model's families and sizes: a regex of about
 * 1.5 KB instead of the 1,437 exact types (18 KB in every module with node groups). It rejects an
 * unknown family (`m6.large`) or size (`m5.lareg`); a known family with a size it lacks (`m5.nano`)
 * passes here and is caught by the settings schema, which checks exact existence. Escape regex
 * metacharacters defensively: sizes such as `metal-48xl` contain none today.
 */
export const EC2_INSTANCE_TYPE_SYNTAX_PATTERN = (() => {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const families = Object.keys(EC2_INSTANCE_FAMILIES).map(escape);
  const sizes = [...new Set(Object.values(EC2_INSTANCE_FAMILIES).flat())].sort().map(escape);
  return `^(${families.join("|")})\\.(${sizes.join("|")})$`;
})();

const instanceTypeSource = `${factsSources.ec2InstanceTypes.package} ${factsSources.ec2InstanceTypes.version}`;
export const EC2_INSTANCE_TYPE_RULE_TEXT = `must be an EC2 instance type listed in the EC2 API model (${instanceTypeSource}), such as m6i.large`;

/** Node groups: every instance type of every group has a known family and size. */
export const nodeGroupInstanceTypesRule: VariableRule = {
  condition: `alltrue(flatten([for g in var.node_groups : [for t in g.instance_types : can(regex(${hcl(EC2_INSTANCE_TYPE_SYNTAX_PATTERN)}, t))]]))`,
  message: `Every instance type in node_groups must be an EC2 instance type (family.size, e.g. m6i.large) whose family and size the EC2 API model (${instanceTypeSource}) lists.`,
};

// ---------------------------------------------------------------- Kubernetes labels and taints

/** Kubernetes "name" part of a qualified name: 1-63 characters, alphanumeric at both ends. */
const NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
/** DNS-1123 subdomain (the optional prefix); its 253-character limit is checked apart. */
const DNS_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const PREFIX_MAX = 253;

export const LABEL_KEY_PATTERN = `^(${DNS_SUBDOMAIN}/)?${NAME}$`;
export const LABEL_VALUE_PATTERN = `^(${NAME})?$`;

/** A string rule: pattern, length range and, for qualified names, the prefix limit. */
export interface StringRule {
  readonly pattern: string;
  readonly min: number;
  readonly max: number;
  readonly prefixMax?: number;
  /** Completes "must …" / "… must …" in messages. */
  readonly text: string;
}

const qualifiedName = (max: number, what: string): StringRule => ({
  pattern: LABEL_KEY_PATTERN,
  min: 1,
  max,
  prefixMax: PREFIX_MAX,
  text: `be a Kubernetes qualified name ([prefix/]name: name 1-63 letters, digits, '-', '_' or '.', alphanumeric at both ends; prefix a lower-case DNS subdomain of at most 253 characters)${max < PREFIX_MAX + 64 ? ` of at most ${max} characters (${what})` : ""}`,
});

const labelValue = (limits: StringLimits, what: string): StringRule => ({
  pattern: LABEL_VALUE_PATTERN,
  min: limits.min,
  max: Math.min(limits.max, 63),
  text: `be ${limits.min > 0 ? `${limits.min}-` : "at most "}${Math.min(limits.max, 63)} letters, digits, '-', '_' or '.', alphanumeric at both ends (${what})`,
});

/** Managed node group labels: Kubernetes syntax, and EKS's own limits (the whole key at most 63, the value not empty). */
export const NODE_LABEL_KEY = qualifiedName(EKS_LIMITS.labelKey.max, "EKS node group label limit");
export const NODE_LABEL_VALUE = labelValue(EKS_LIMITS.labelValue, "EKS node group label limit");
/** Managed node group taints: Kubernetes syntax, and EKS's limits (key at most 63, value at most 63 and may be empty). */
export const TAINT_KEY = qualifiedName(EKS_LIMITS.taintKey.max, "EKS taint limit");
export const TAINT_VALUE = labelValue(EKS_LIMITS.taintValue, "EKS taint limit");
/** Fargate selector labels match pod labels: plain Kubernetes label syntax (EKS states no tighter limit). */
export const SELECTOR_LABEL_KEY = qualifiedName(PREFIX_MAX + 1 + 63, "Kubernetes label");
export const SELECTOR_LABEL_VALUE = labelValue({ min: 0, max: 63 }, "Kubernetes label value");

const length = (s: string) => [...s].length;

export function conforms(rule: StringRule, value: string): boolean {
  if (!new RegExp(rule.pattern, "u").test(value)) return false;
  if (length(value) < rule.min || length(value) > rule.max) return false;
  return rule.prefixMax === undefined || length(value.split("/")[0]) <= rule.prefixMax;
}

/** The same check as a Terraform expression over `expr` (a string, never null). */
export function conformsHcl(rule: StringRule, expr: string): string {
  const parts = [`can(regex(${hcl(rule.pattern)}, ${expr}))`];
  if (rule.min > 0) parts.push(`length(${expr}) >= ${rule.min}`);
  parts.push(`length(${expr}) <= ${rule.max}`);
  if (rule.prefixMax !== undefined) parts.push(`length(split("/", ${expr})[0]) <= ${rule.prefixMax}`);
  return parts.join(" && ");
}

/** Node groups' labels and taints (EKS API spelling: `NO_SCHEDULE`). */
export const nodeGroupLabelTaintRules: readonly VariableRule[] = [
  {
    condition: `alltrue(flatten([for g in var.node_groups : [for k, v in g.labels : ${conformsHcl(NODE_LABEL_KEY, "k")}]]))`,
    message: `Every node group label key must ${NODE_LABEL_KEY.text}.`,
  },
  {
    condition: `alltrue(flatten([for g in var.node_groups : [for k, v in g.labels : ${conformsHcl(NODE_LABEL_VALUE, "v")}]]))`,
    message: `Every node group label value must ${NODE_LABEL_VALUE.text}.`,
  },
  {
    condition: `alltrue(flatten([for g in var.node_groups : [for t in g.taints : ${conformsHcl(TAINT_KEY, "t.key")}]]))`,
    message: `Every taint key must ${TAINT_KEY.text}.`,
  },
  {
    // A null value is written as an empty one: taint values are optional.
    condition: `alltrue(flatten([for g in var.node_groups : [for t in g.taints : ${conformsHcl(TAINT_VALUE, '(t.value == null ? "" : t.value)')}]]))`,
    message: `Every taint value must ${TAINT_VALUE.text}, or be omitted.`,
  },
  {
    condition: "alltrue([for g in var.node_groups : length(distinct([for t in g.taints : format(\"%s:%s\", t.key, t.effect)])) == length(g.taints)])",
    message: "A node group may have only one taint per key and effect (Kubernetes rejects duplicates).",
  },
];

/** Duplicate taints (same key and effect) of one group, as `key:effect`. */
export function duplicateTaints(taints: ReadonlyArray<{ key: string; effect: string }>): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const t of taints) {
    const id = `${t.key}:${t.effect}`;
    (seen.has(id) ? dup : seen).add(id);
  }
  return [...dup];
}

/** Fargate profiles' selector labels. */
export const fargateSelectorLabelRules: readonly VariableRule[] = [
  {
    condition: `alltrue(flatten([for p in var.fargate_profiles : [for s in p.selectors : [for k, v in s.labels : ${conformsHcl(SELECTOR_LABEL_KEY, "k")}]]]))`,
    message: `Every Fargate selector label key must ${SELECTOR_LABEL_KEY.text}.`,
  },
  {
    condition: `alltrue(flatten([for p in var.fargate_profiles : [for s in p.selectors : [for k, v in s.labels : ${conformsHcl(SELECTOR_LABEL_VALUE, "v")}]]]))`,
    message: `Every Fargate selector label value must ${SELECTOR_LABEL_VALUE.text}.`,
  },
];

// ---------------------------------------------------------------- Tags

const services = Object.values(TAG_LIMITS_BY_SERVICE);
const strictest = (pick: (s: (typeof services)[number]) => number | null) =>
  Math.min(...services.map(pick).filter((n): n is number => n !== null));
/** The characters IAM and CloudWatch Logs allow in tags (EC2 and EKS allow more): letters, digits, spaces and _ . : / = + - @. */
const TAG_CHARACTER = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]";
for (const [service, limits] of Object.entries(TAG_LIMITS_BY_SERVICE)) {
  // Snapshot drift: a model whose tag pattern is not the character class above must be looked at.
  const p = limits.key.pattern;
  if (p !== undefined && !p.includes(TAG_CHARACTER)) throw new Error(`${service} tag keys now follow ${p}; review TAG_CHARACTER`);
}

/**
 * Tags the modules add to some resource next to the user's: `Name`, and on node groups the two
 * Cluster Autoscaler discovery tags. AWS allows `maxTags` per resource, so the user gets the rest.
 */
export const MODULE_OWN_TAGS = 2;

export const TAG_RULES = {
  keyMax: strictest((s) => s.key.max),
  valueMax: strictest((s) => s.value.max),
  maxUserTags: strictest((s) => s.maxTags) - MODULE_OWN_TAGS,
  /** Reserved for AWS in any letter case; AWS refuses to create such tags. */
  reservedPrefix: "aws:",
  keyPattern: `^${TAG_CHARACTER}+$`,
  valuePattern: `^${TAG_CHARACTER}*$`,
} as const;

const tagsSource = `${factsSources.tags.package} ${factsSources.tags.version}`;
export const TAG_KEY_TEXT = `must be 1-${TAG_RULES.keyMax} letters, digits, spaces or _ . : / = + - @ (AWS tag key limits, ${tagsSource})`;
export const TAG_VALUE_TEXT = `must be at most ${TAG_RULES.valueMax} letters, digits, spaces or _ . : / = + - @ (AWS tag value limits, ${tagsSource})`;
export const TAG_RESERVED_TEXT = `must not start with "${TAG_RULES.reservedPrefix}" in any letter case: the prefix is reserved for AWS`;
export const TAG_COUNT_TEXT = `must hold at most ${TAG_RULES.maxUserTags} tags: AWS allows ${TAG_RULES.maxUserTags + MODULE_OWN_TAGS} per resource and the modules add up to ${MODULE_OWN_TAGS} (Name, Cluster Autoscaler discovery)`;

export function tagProblems(tags: Readonly<Record<string, string>>): Array<{ key?: string; message: string }> {
  const problems: Array<{ key?: string; message: string }> = [];
  const entries = Object.entries(tags);
  if (entries.length > TAG_RULES.maxUserTags) problems.push({ message: `${TAG_COUNT_TEXT} (got ${entries.length})` });
  for (const [key, value] of entries) {
    if (key.toLowerCase().startsWith(TAG_RULES.reservedPrefix)) problems.push({ key, message: `tag key "${key}" ${TAG_RESERVED_TEXT}` });
    else if (!new RegExp(TAG_RULES.keyPattern, "u").test(key) || length(key) > TAG_RULES.keyMax) problems.push({ key, message: `tag key "${key}" ${TAG_KEY_TEXT}` });
    if (!new RegExp(TAG_RULES.valuePattern, "u").test(value) || length(value) > TAG_RULES.valueMax) problems.push({ key, message: `tag value ${TAG_VALUE_TEXT}` });
  }
  return problems;
}

export function tagRules(variable: string): VariableRule[] {
  const v = `var.${variable}`;
  return [
    { condition: `alltrue([for k, v in ${v} : !startswith(lower(k), ${hcl(TAG_RULES.reservedPrefix)})])`, message: `${variable}: tag keys ${TAG_RESERVED_TEXT}.` },
    {
      condition: `alltrue([for k, v in ${v} : can(regex(${hcl(TAG_RULES.keyPattern)}, k)) && length(k) <= ${TAG_RULES.keyMax}])`,
      message: `${variable}: tag keys ${TAG_KEY_TEXT}.`,
    },
    {
      condition: `alltrue([for k, v in ${v} : can(regex(${hcl(TAG_RULES.valuePattern)}, v)) && length(v) <= ${TAG_RULES.valueMax}])`,
      message: `${variable}: tag values ${TAG_VALUE_TEXT}.`,
    },
    { condition: `length(${v}) <= ${TAG_RULES.maxUserTags}`, message: `${variable} ${TAG_COUNT_TEXT}.` },
  ];
}

// ---------------------------------------------------------------- Subnets

/**
 * Existing subnets. A list holding one id twice: Terraform's `subnet_ids` are sets, so the
 * duplicate silently vanishes and "at least two subnets" may really be one (EKS then refuses the
 * cluster). An id both private and public: one route table cannot send its default route to a NAT
 * gateway and an internet gateway at once, so either the nodes or the internet-facing load
 * balancers end up in the wrong kind of subnet. Control-plane subnets may be private ones (that is
 * the default) or public ones (EKS allows it).
 */
export const SUBNET_LISTS = ["privateSubnetIds", "publicSubnetIds", "controlPlaneSubnetIds"] as const;
export type SubnetLists = Partial<Record<(typeof SUBNET_LISTS)[number], readonly string[]>>;

export function subnetProblems(lists: SubnetLists): Array<{ path: [string, number]; message: string }> {
  const problems: Array<{ path: [string, number]; message: string }> = [];
  for (const list of SUBNET_LISTS) {
    (lists[list] ?? []).forEach((id, i, ids) => {
      const first = ids.indexOf(id);
      if (first < i) problems.push({ path: [list, i], message: `${id} is listed twice (also at ${first}); list each subnet once` });
    });
  }
  const priv = new Set(lists.privateSubnetIds ?? []);
  (lists.publicSubnetIds ?? []).forEach((id, i) => {
    if (priv.has(id)) problems.push({ path: ["publicSubnetIds", i], message: `${id} is also in privateSubnetIds; a subnet is either private (NAT route) or public (internet gateway route)` });
  });
  return problems;
}

/** The module variables' side of subnetProblems (snake_case names). */
export function subnetRules(variable: "private_subnet_ids" | "public_subnet_ids" | "control_plane_subnet_ids"): VariableRule[] {
  const rules: VariableRule[] = [
    { condition: `length(distinct(var.${variable})) == length(var.${variable})`, message: `${variable} must list each subnet once.` },
  ];
  if (variable === "public_subnet_ids") {
    rules.push({
      condition: "length(setintersection(var.public_subnet_ids, var.private_subnet_ids)) == 0",
      message: "A subnet cannot be both in public_subnet_ids and private_subnet_ids: its route table sends the default route either to a NAT gateway or to an internet gateway.",
    });
  }
  return rules;
}

/** A Terraform string literal. JSON escapes are HCL escapes for everything a pattern holds (no `${` or `%{`). */
function hcl(s: string): string {
  if (s.includes("${") || s.includes("%{")) throw new Error(`cannot write ${s} as an HCL literal`);
  return JSON.stringify(s);
}
