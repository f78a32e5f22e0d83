import * as fs from "fs";
import * as path from "path";
import { packageRoot } from "./package-root";

/**
 * What `list` and `init` show about each blueprint, read from schemas/blueprints.json (generated from
 * the registry by `npm run schemas`, checked by a test) so that neither loads cdktf or the provider bindings.
 */
export interface CatalogEntry {
  readonly name: string;
  readonly summary: string;
  readonly composes: readonly string[];
  readonly whenToUse: string;
  /** File name of its settings JSON Schema in schemas/. */
  readonly schema: string;
}

export interface Catalog {
  readonly blueprints: readonly CatalogEntry[];
}

export function schemasDir(): string {
  return path.join(packageRoot(), "schemas");
}

export function readCatalog(): Catalog {
  return JSON.parse(fs.readFileSync(path.join(schemasDir(), "blueprints.json"), "utf8")) as Catalog;
}

/** The input-side JSON Schema of a blueprint's settings (defaults and enums for `init`'s prompts). */
export function readJsonSchema(entry: CatalogEntry): JsonSchemaObject {
  return JSON.parse(fs.readFileSync(path.join(schemasDir(), entry.schema), "utf8")) as JsonSchemaObject;
}

export interface JsonSchemaObject {
  readonly properties?: Record<string, { readonly default?: unknown; readonly enum?: readonly unknown[] }>;
}
