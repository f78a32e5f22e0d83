import { z } from "zod";
import type { Blueprint } from "../blueprints/blueprint";
import type { Catalog } from "./catalog";

/**
 * JSON Schemas for settings files, generated from each blueprint's zod schema (the input side:
 * defaulted settings are optional), so editors complete and check `blueprint.yaml`. Rules zod checks
 * in code (CIDR overlaps, min <= desired <= max, …) are not in the JSON Schema; the CLI still checks them.
 */
export function blueprintJsonSchema(blueprint: Blueprint): Record<string, unknown> {
  const generated = z.toJSONSchema(blueprint.settings, { io: "input", target: "draft-7", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema, properties, ...rest } = generated;
  return tidy({
    $schema,
    title: `${blueprint.name} blueprint settings`,
    description: `${blueprint.summary} Settings file for \`cdktf-eks-blueprints synth --config\`.`,
    ...rest,
    properties: {
      $schema: { type: "string", description: "The JSON Schema this file follows (for editors)." },
      blueprint: { const: blueprint.name, description: "The blueprint these settings are for; `--blueprint` may then be left out." },
      ...(properties as Record<string, unknown>),
    },
  }) as Record<string, unknown>;
}

/** Drop zod's safe-integer bounds on plain `.int()` numbers: true of every JSON number an editor would accept anyway. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if ((k === "minimum" && v === Number.MIN_SAFE_INTEGER) || (k === "maximum" && v === Number.MAX_SAFE_INTEGER)) continue;
    out[k] = tidy(v);
  }
  return out;
}

export function catalogOf(blueprints: readonly Blueprint[]): Catalog {
  return {
    blueprints: blueprints.map((b) => ({
      name: b.name,
      summary: b.summary,
      composes: [...b.composes],
      whenToUse: b.whenToUse,
      schema: schemaFileName(b.name),
    })),
  };
}

export function schemaFileName(blueprint: string): string {
  return `${blueprint}.schema.json`;
}

export const CATALOG_FILE = "blueprints.json";

/** Every file of the published schemas/ directory: one JSON Schema per blueprint, and the catalog `list` and `init` read. */
export function schemaFiles(blueprints: readonly Blueprint[]): Map<string, string> {
  const files = new Map<string, string>();
  files.set(CATALOG_FILE, render(catalogOf(blueprints)));
  for (const blueprint of blueprints) files.set(schemaFileName(blueprint.name), render(blueprintJsonSchema(blueprint)));
  return files;
}

function render(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
