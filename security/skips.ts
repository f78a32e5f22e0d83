import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { z } from "zod";
import { SKIPS_FILE } from "./results";

/**
 * security/checkov-skips.yaml: the reviewed exceptions. Each names one check on one resource
 * address, never a whole check, framework or severity, and says why in one line.
 */
export interface Skip {
  readonly check: string;
  /** Resource address in the module; `aws_route.private` also covers `aws_route.private[0]`. */
  readonly resource: string;
  readonly reason: string;
}

const skipSchema = z
  .object({
    check: z.string().regex(/^CKV2?_[A-Z0-9]+_[0-9]+$/, "must be one checkov check id, e.g. CKV_AWS_338"),
    resource: z
      .string()
      .regex(/^(module\.[a-z0-9_]+\.)*[a-z0-9_]+\.[a-z0-9_]+(\[[^\]]+\])?$/, "must be one resource address, e.g. aws_iam_policy.name"),
    reason: z
      .string()
      .trim()
      .min(20, "must say why the check does not apply or is accepted")
      .refine((r) => !r.includes("\n"), "must be one line"),
  })
  .strict();

export function parseSkips(text: string, source = SKIPS_FILE): Skip[] {
  const parsed = z.array(skipSchema).safeParse(parse(text) ?? []);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new Error(`${source}: invalid skip list\n${issues}`);
  }
  const seen = new Set<string>();
  for (const s of parsed.data) {
    const key = `${s.check} ${s.resource}`;
    if (seen.has(key)) throw new Error(`${source}: ${key} is listed twice`);
    seen.add(key);
  }
  return parsed.data;
}

export function loadSkips(dir: string): { skips: Skip[]; text: string } {
  const text = fs.readFileSync(path.join(dir, SKIPS_FILE), "utf8");
  return { skips: parseSkips(text), text };
}

/** The skip that covers a failed check on a resource, if any. */
export function skipFor(skips: readonly Skip[], check: string, resource: string): Skip | undefined {
  const base = resource.replace(/\[[^\]]*\]$/, "");
  return skips.find((s) => s.check === check && (s.resource === resource || s.resource === base));
}
