import type { z } from "zod";

/**
 * Messages for the issues zod words itself ("Invalid input: expected record, received null",
 * "Invalid discriminator value. Expected 'create' | 'existing'"), in the words of a settings file:
 * what the setting must be, and what was written instead. Rules that carry their own message keep it
 * (zod prefers a schema's message over this map). The field path is added by formatSettingsError.
 */
export const settingsErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type": {
      const wanted = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `is required: ${wanted}`;
      return `must be ${wanted}${issue.expected === "string" ? gotUnlessNumber(issue.input) : ` (got ${describe(issue.input)})`}`;
    }
    case "invalid_value":
      return `must be ${oneOf(issue.values)}${issue.values.some((v) => typeof v === "string") ? gotUnlessNumber(issue.input) : ` (got ${describe(issue.input)})`}`;
    case "invalid_union": {
      const tagged = issue as typeof issue & { discriminator?: string; options?: unknown[] };
      if (tagged.discriminator && tagged.options) {
        const value = issue.input && typeof issue.input === "object" ? (issue.input as Record<string, unknown>)[tagged.discriminator] : undefined;
        const written = value === undefined ? "it is missing" : `got ${describe(value)}`;
        return `must be ${oneOf(tagged.options)} (${written})`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
};

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping of settings",
  record: "a mapping of names to values",
  array: "a list",
};

/** A number where a string belongs gets numberForStringHint's "quote it" note instead. */
function gotUnlessNumber(value: unknown): string {
  return typeof value === "number" ? "" : ` (got ${describe(value)})`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  if (shown.length <= 2) return shown.join(" or ");
  return `one of ${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object") return "a mapping";
  return typeof value;
}
