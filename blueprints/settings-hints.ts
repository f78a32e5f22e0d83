import type { z } from "zod";

/**
 * Hints for settings errors: the known key closest to a typo, and a note when YAML turned a
 * version-like string into a number. Walks a zod 4 schema's definitions; touches no input.
 */

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  getter?(): z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);

/** Peel defaults, optionals and pipes; pick the union member `value` belongs to. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  for (let i = 0; i < 32; i++) {
    const def = defOf(schema);
    if (WRAPPERS.has(def.type) && def.innerType) schema = def.innerType;
    else if (def.type === "pipe" && def.in) schema = def.in;
    else if (def.type === "lazy" && def.getter) schema = def.getter();
    else if (def.type === "union" && def.options) {
      const chosen = def.discriminator ? pickDiscriminated(def.options, def.discriminator, value) : undefined;
      if (!chosen) return schema;
      schema = chosen;
    } else return schema;
  }
  return schema;
}

function pickDiscriminated(options: readonly z.ZodType[], key: string, value: unknown): z.ZodType | undefined {
  const tag = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return options.find((option) => {
    const field = defOf(unwrap(option, undefined)).shape?.[key];
    if (!field) return false;
    const values = (field as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
    return values?.has(tag) ?? false;
  });
}

/** The keys a (strict) object accepts at `path`, or none if the path does not lead to an object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let value = input;
  let current = unwrap(schema, value);
  for (const segment of path) {
    const def = defOf(current);
    const next =
      def.type === "object" ? def.shape?.[String(segment)] : def.type === "record" ? def.valueType : def.type === "array" ? def.element : undefined;
    if (!next) return [];
    value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
    current = unwrap(next, value);
  }
  const shape = defOf(current).shape;
  return shape ? Object.keys(shape) : [];
}

/** Edit distance between two strings (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate a typo most likely meant, if any is close enough to be a plausible typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined;
}

/** " (did you mean nodeGroups?)" for an unknown key, or "". */
export function unknownKeyHint(schema: z.ZodType, path: readonly PropertyKey[], key: string, input: unknown): string {
  const match = closestMatch(key, knownKeysAt(schema, path, input));
  return match ? ` (did you mean ${match}?)` : "";
}

/** A note for a number where a string was expected (YAML reads `kubernetesVersion: 1.35` as a number). */
export function numberForStringHint(issue: z.core.$ZodIssue, input: unknown): string {
  let value = input;
  for (const segment of issue.path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  if (typeof value !== "number") return "";
  const wantsString =
    (issue.code === "invalid_type" && issue.expected === "string") ||
    (issue.code === "invalid_value" && issue.values.some((v) => typeof v === "string"));
  return wantsString ? quoteHint(String(value)) : "";
}

/** The note for a number written where a string belongs, given the number as written in the file. */
export function quoteHint(written: string): string {
  return ` (got the number ${written}; quote it as a string: "${written}")`;
}

/** Finds quoteHint's note in a message; a file's reader replaces it with the number as written (YAML reads 1.30 as 1.3). */
export const QUOTE_HINT = / \(got the number [^;]+; quote it as a string: "[^"]*"\)$/;
