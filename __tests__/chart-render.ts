import { parseAllDocuments, stringify } from "yaml";
import { Json } from "./helpers";

/**
 * Renders the local charts' templates (destroy-cleanup, karpenter-node-pools) with given values, for assertions
 * on the manifests Helm would apply. It understands only what those templates use — `{{- toYaml .Values.<path>
 * | nindent <n> }}` and `{{ .Values.<path> }}` (a path of field names: `a.b.c`), with Helm's semantics (`{{-` trims the whitespace before it, toYaml drops its
 * trailing newline) — and throws on any other action, so a template using more cannot pass unrendered.
 */
export function renderTemplate(template: string, values: Json): Json[] {
  const value = (key: string) =>
    key.split(".").reduce((at: Json, field: string) => {
      if (!at || typeof at !== "object" || !(field in at)) throw new Error(`template uses .Values.${key}, which the values do not set`);
      return at[field];
    }, values);
  const rendered = template
    .replace(/\s*\{\{- toYaml \.Values\.([A-Za-z][A-Za-z0-9.]*) \| nindent (\d+) \}\}/g, (_, key: string, n: string) => {
      const yaml = stringify(value(key)).replace(/\n$/, "");
      return "\n" + yaml.split("\n").map((line) => " ".repeat(Number(n)) + line).join("\n");
    })
    .replace(/\{\{ \.Values\.([A-Za-z][A-Za-z0-9.]*) \}\}/g, (_, key: string) => String(value(key)));
  if (rendered.includes("{{")) throw new Error(`unsupported template action in:\n${rendered}`);
  return parseAllDocuments(rendered).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`rendered template is not YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS() as Json;
  });
}
