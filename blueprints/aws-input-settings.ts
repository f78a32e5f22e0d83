import { z } from "zod";
import {
  allEc2InstanceTypes,
  conforms,
  duplicateTaints,
  EC2_INSTANCE_TYPE_RULE_TEXT,
  EC2_INSTANCE_TYPE_SYNTAX_PATTERN,
  isEc2InstanceType,
  NODE_LABEL_KEY,
  NODE_LABEL_VALUE,
  SELECTOR_LABEL_KEY,
  SELECTOR_LABEL_VALUE,
  StringRule,
  SubnetLists,
  subnetProblems,
  TAINT_KEY,
  TAINT_VALUE,
  tagProblems,
} from "../modules/aws-input-rules";
import { editDistance } from "./settings-hints";

/**
 * The settings schema's side of modules/aws-input-rules.ts: what AWS and Kubernetes reject, checked
 * before any construct is built. Messages name the rule; formatSettingsError adds the field path.
 */

let instanceTypes: string[] | undefined;

/** Up to three existing types one edit away (two in the same family), same family first. Computed only for a bad type. */
export function instanceTypeSuggestions(type: string): string[] {
  instanceTypes ??= allEc2InstanceTypes();
  const family = type.split(".")[0];
  const scored = instanceTypes
    .map((t) => ({ t, d: editDistance(type, t), same: t.startsWith(family) ? 0 : 1 }))
    // Two edits away only within the family: two edits away in another family is a different type.
    .filter((c) => c.d <= (c.same === 0 ? 2 : 1));
  const best = Math.min(...scored.map((c) => c.d));
  return scored
    .filter((c) => c.d === best)
    .sort((a, b) => a.same - b.same || a.t.localeCompare(b.t))
    .slice(0, 3)
    .map((c) => c.t);
}

function instanceTypeMessage(type: unknown): string {
  const near = typeof type === "string" ? instanceTypeSuggestions(type) : [];
  return `${String(type)} ${EC2_INSTANCE_TYPE_RULE_TEXT}${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}`;
}

const instanceTypeSyntax = new RegExp(EC2_INSTANCE_TYPE_SYNTAX_PATTERN);

/**
 * The family/size pattern (the one the modules check) also lands in the JSON Schema for editors;
 * the exact check follows, for a known family with a size it lacks. One message either way.
 */
export const ec2InstanceType = z
  .string()
  .regex(instanceTypeSyntax, { error: (issue) => instanceTypeMessage(issue.input) })
  .superRefine((type, ctx) => {
    if (instanceTypeSyntax.test(type) && !isEc2InstanceType(type)) ctx.addIssue({ code: "custom", message: instanceTypeMessage(type) });
  });

function checkKeyValues(map: Record<string, string>, ctx: z.RefinementCtx, what: string, key: StringRule, value: StringRule): void {
  for (const [k, v] of Object.entries(map)) {
    if (!conforms(key, k)) ctx.addIssue({ code: "custom", path: [k], message: `${what} key "${k}" must ${key.text}` });
    if (!conforms(value, v)) ctx.addIssue({ code: "custom", path: [k], message: `${what} value "${v}" must ${value.text}` });
  }
}

/** Labels of a managed node group. */
export const nodeLabels = z.record(z.string(), z.string()).superRefine((m, ctx) => checkKeyValues(m, ctx, "label", NODE_LABEL_KEY, NODE_LABEL_VALUE));

/** Labels a Fargate selector matches on pods. */
export const selectorLabels = z.record(z.string(), z.string()).superRefine((m, ctx) => checkKeyValues(m, ctx, "label", SELECTOR_LABEL_KEY, SELECTOR_LABEL_VALUE));

export const taintKey = z.string().refine((k) => conforms(TAINT_KEY, k), { message: `must ${TAINT_KEY.text}` });
export const taintValue = z.string().refine((v) => conforms(TAINT_VALUE, v), { message: `must ${TAINT_VALUE.text}` });

/** A group's taints: one per key and effect. */
export function checkTaints(taints: ReadonlyArray<{ key: string; effect: string }>, ctx: z.RefinementCtx): void {
  for (const id of duplicateTaints(taints)) {
    ctx.addIssue({ code: "custom", path: ["taints"], message: `taint ${id} is listed twice; Kubernetes allows one taint per key and effect` });
  }
}

export const awsTags = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
  for (const p of tagProblems(tags)) ctx.addIssue({ code: "custom", path: p.key === undefined ? [] : [p.key], message: p.message });
});

export function checkSubnets(network: SubnetLists, ctx: z.RefinementCtx): void {
  for (const p of subnetProblems(network)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
}
