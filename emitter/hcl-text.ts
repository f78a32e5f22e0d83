import { ProviderName, terraformRequirements } from "../modules/catalog";

/**
 * Terraform's native syntax for the READMEs' copy-ready snippets and default values, laid out as
 * `terraform fmt` would (aligned `=` in a run of one-line attributes), so that pasted code passes
 * `terraform fmt -check`.
 */

/** `key = value` lines with the `=` aligned, as terraform fmt aligns consecutive one-line attributes. */
export function alignedAttributes(attributes: readonly (readonly [string, string])[], indent: string): string[] {
  const width = Math.max(0, ...attributes.map(([key]) => key.length));
  return attributes.map(([key, value]) => `${indent}${key.padEnd(width)} = ${value}`);
}

/** A root's `terraform { required_version, required_providers }` block pinning what the modules require, plus `extra` providers. */
export function terraformBlock(providers: readonly ProviderName[], extra: readonly { name: string; source: string; comment?: string }[] = []): string {
  const entry = (name: string, attributes: [string, string][], comment?: string) => [
    `    ${name} = {${comment ? ` # ${comment}` : ""}`,
    ...alignedAttributes(attributes, "      "),
    `    }`,
  ];
  return [
    `terraform {`,
    `  required_version = "${terraformRequirements.requiredVersion}"`,
    `  required_providers {`,
    ...providers.flatMap((p) => {
      const { source, version } = terraformRequirements.providers[p];
      return entry(p, [["source", `"${source}"`], ["version", `"${version}"`]]);
    }),
    ...extra.flatMap((p) => entry(p.name, [["source", `"${p.source}"`]], p.comment)),
    `  }`,
    `}`,
  ].join("\n");
}

/** A value in native syntax: inline when short, otherwise one element or attribute per line. */
export function hclValue(value: unknown, indent = ""): string {
  const inline = hclInline(value);
  if (inline.length <= 60 || value === null || typeof value !== "object") return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => `${inner}${hclValue(v, inner)},`).join("\n")}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [hclKey(k), hclValue(v, inner)] as const);
  const oneLine = entries.filter(([, v]) => !v.includes("\n"));
  const width = Math.max(0, ...oneLine.map(([k]) => k.length));
  return `{\n${entries.map(([k, v]) => `${inner}${v.includes("\n") ? k : k.padEnd(width)} = ${v}`).join("\n")}\n${indent}}`;
}

function hclInline(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `[${value.map(hclInline).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${hclKey(k)} = ${hclInline(v)}`).join(", ")} }`;
}

function hclKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
}
