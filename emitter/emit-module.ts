import { TerraformElement, TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { deepMerge } from "cdktf/lib/util";
import type { IConstruct } from "constructs";
import { moduleFileOf, terraformAddressOf } from "../modules/blueprint-stack";
import { ProviderName, terraformRequirements } from "../modules/catalog";

/** A module's files: name → parsed JSON, in the order they are written. */
export type ModuleFiles = Map<string, TerraformJson>;
export type TerraformJson = { [key: string]: unknown };

type Blocks = Record<string, Record<string, unknown>>;

/**
 * Turn a synthesized stack into a plain Terraform module:
 * - `versions.tf.json`: required_version and required_providers with version constraints;
 * - no provider blocks, no backend, no CDKTF `//` metadata;
 * - `variables.tf.json`, `outputs.tf.json`, and one file per building block (`<file>.tf.json`,
 *   as the block declared with setModuleFile; `main.tf.json` otherwise).
 */
export function emitModule(stack: TerraformStack): ModuleFiles {
  invokeAspects(stack);
  stack.runAllValidations();
  const synthesized = stackJson(stack);
  const fileOf = fileOfEveryElement(stack);

  const byFile = new Map<string, TerraformJson>();
  const put = (file: string, kind: string, type: string | undefined, name: string, body: unknown) => {
    const doc = byFile.get(file) ?? {};
    byFile.set(file, doc);
    const section = (doc[kind] ??= {}) as Blocks;
    if (type === undefined) {
      (section as Record<string, unknown>)[name] = body;
    } else {
      (section[type] ??= {})[name] = body;
    }
  };
  const fileFor = (address: string) => {
    const file = fileOf.get(address);
    if (!file) throw new Error(`emitter: no construct found for ${address}`);
    return file;
  };

  for (const [type, instances] of Object.entries((synthesized.resource ?? {}) as Blocks)) {
    for (const [name, body] of Object.entries(instances)) {
      put(fileFor(`${type}.${name}`), "resource", type, name, ordered(body, RESOURCE_KEY_ORDER));
    }
  }
  for (const [type, instances] of Object.entries((synthesized.data ?? {}) as Blocks)) {
    for (const [name, body] of Object.entries(instances)) {
      put(fileFor(`data.${type}.${name}`), "data", type, name, ordered(body, RESOURCE_KEY_ORDER));
    }
  }
  for (const [name, body] of Object.entries((synthesized.locals ?? {}) as Record<string, unknown>)) {
    put(fileFor(`local.${name}`), "locals", undefined, name, body);
  }

  const files: ModuleFiles = new Map();
  files.set("versions.tf.json", { terraform: versionsBlock(providersRequired(synthesized)) });
  if (synthesized.variable) files.set("variables.tf.json", { variable: mapValues(synthesized.variable, orderVariable) });
  for (const file of [...byFile.keys()].sort()) files.set(`${file}.tf.json`, byFile.get(file)!);
  if (synthesized.output) {
    files.set("outputs.tf.json", { output: mapValues(synthesized.output, (o) => ordered(o, OUTPUT_KEY_ORDER)) });
  }

  const unexpected = Object.keys(synthesized).filter(
    (k) => !["terraform", "provider", "resource", "data", "locals", "variable", "output"].includes(k),
  );
  if (unexpected.length > 0) throw new Error(`emitter: unexpected top-level blocks ${unexpected.join(", ")}`);
  return files;
}

/**
 * The stack's Terraform JSON without CDKTF's `//` metadata. TerraformStack.toTerraform resolves each
 * element, merges the fragments, then resolves the merged document a second time; once every element
 * is resolved (resolution recurses into whatever a token yields), that pass only re-reads it, yet it
 * was an eighth of synthesis. Only stack-level overrides (raw, unresolved) need it: with any, the
 * stack's own toTerraform is used.
 */
function stackJson(stack: TerraformStack): TerraformJson {
  const overrides = (stack as unknown as { readonly rawOverrides: object }).rawOverrides;
  if (Object.keys(overrides).length > 0) return stripMetadata(stack.toTerraform()) as TerraformJson;
  const document: TerraformJson = {};
  for (const element of terraformElements(stack)) deepMerge(document, resolve(stack, element.toTerraform()));
  return stripMetadata(document) as TerraformJson;
}

/** The stack's elements in construct-tree order, as TerraformStack.toTerraform visits them. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

/** Providers the module uses, from the stack's provider constructs. */
function providersRequired(synthesized: TerraformJson): ProviderName[] {
  const declared = Object.keys(((synthesized.terraform as TerraformJson | undefined)?.required_providers ?? {}) as object);
  for (const name of declared) {
    if (!(name in terraformRequirements.providers)) throw new Error(`emitter: provider ${name} has no constraint in the catalog`);
  }
  return (declared as ProviderName[]).sort();
}

function versionsBlock(providers: ProviderName[]): TerraformJson {
  return {
    required_version: terraformRequirements.requiredVersion,
    required_providers: Object.fromEntries(
      providers.map((p) => [p, { source: terraformRequirements.providers[p].source, version: terraformRequirements.providers[p].version }]),
    ),
  };
}

/** Terraform address → the file of the building block that created it. */
function fileOfEveryElement(stack: TerraformStack): Map<string, string> {
  const files = new Map<string, string>();
  for (const node of stack.node.findAll()) {
    if (!TerraformElement.isTerraformElement(node)) continue;
    if (node instanceof TerraformVariable || node instanceof TerraformOutput || node instanceof TerraformProvider) continue;
    files.set(terraformAddressOf(node), moduleFileOf(node) ?? "main");
  }
  return files;
}

/** Remove CDKTF's `//` metadata keys at every depth. */
function stripMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripMetadata);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, stripMetadata(v)]),
    );
  }
  return value;
}

/**
 * Key order as a person writes Terraform: meta-arguments first, lifecycle last; a variable's type and
 * description before its default; a validation's condition before its message. `*` is everything else,
 * in synthesis order.
 */
const RESOURCE_KEY_ORDER = ["count", "for_each", "*", "dynamic", "depends_on", "lifecycle"];
const VARIABLE_KEY_ORDER = ["type", "description", "default", "nullable", "sensitive", "validation"];
const VALIDATION_KEY_ORDER = ["condition", "error_message"];
const OUTPUT_KEY_ORDER = ["description", "value", "sensitive"];

function ordered(value: unknown, order: readonly string[]): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const rank = (key: string) => {
    const i = order.indexOf(key);
    return i >= 0 ? i : order.indexOf("*");
  };
  return Object.fromEntries(entries.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => rank(a[0]) - rank(b[0]) || i - j).map(([e]) => e));
}

function orderVariable(variable: unknown): unknown {
  const v = ordered(variable, VARIABLE_KEY_ORDER) as Record<string, unknown>;
  if (Array.isArray(v.validation)) v.validation = v.validation.map((rule) => ordered(rule, VALIDATION_KEY_ORDER));
  return v;
}

function mapValues(section: unknown, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section as Record<string, unknown>).map(([k, v]) => [k, f(v)]));
}

/** Two spaces, trailing newline: what a person would commit. */
export function renderJson(doc: TerraformJson): string {
  return JSON.stringify(doc, null, 2) + "\n";
}
