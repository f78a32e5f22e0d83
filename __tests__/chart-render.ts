import { parseAllDocuments, stringify } from "yaml";
import { Json } from "./helpers";

/**
 * Renders the destroy-cleanup chart's templates with given values, for assertions on the manifests Helm
 * would apply. It understands only what those templates use — `{{- toYaml .Values.<key> | nindent <n> }}`
 * and `{{ .Values.<key> }}`, with Helm's semantics (`{{-` trims the whitespace before it, toYaml drops its
 * trailing newline) — and throws on any other action, so a template using more cannot pass unrendered.
 */
export function renderTemplate(template: string, values: Json): Json[] {
  const value = (key: string) => {
    if (!(key in values)) throw new Error(`template uses .Values.${key}, which the values do not set`);
    return values[key];
  };
  const rendered = template
    .replace(/\s*\{\{- toYaml \.Values\.([A-Za-z]+) \| nindent (\d+) \}\}/g, (_, key: string, n: string) => {
      const yaml = stringify(value(key)).replace(/\n$/, "");
      return "\n" + yaml.split("\n").map((line) => " ".repeat(Number(n)) + line).join("\n");
    })
    .replace(/\{\{ \.Values\.([A-Za-z]+) \}\}/g, (_, key: string) => String(value(key)));
  if (rendered.includes("{{")) throw new Error(`unsupported template action in:\n${rendered}`);
  return parseAllDocuments(rendered).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`rendered template is not YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS() as Json;
  });
}
