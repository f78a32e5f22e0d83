import { TerraformElement, TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
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
  const synthesized = stripMetadata(stack.toTerraform()) as TerraformJson;
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
    for (const [name, body] of Object.entries(instances)) put(fileFor(`${type}.${name}`), "resource", type, name, body);
  }
  for (const [type, instances] of Object.entries((synthesized.data ?? {}) as Blocks)) {
    for (const [name, body] of Object.entries(instances)) put(fileFor(`data.${type}.${name}`), "data", type, name, body);
  }
  for (const [name, body] of Object.entries((synthesized.locals ?? {}) as Record<string, unknown>)) {
    put(fileFor(`local.${name}`), "locals", undefined, name, body);
  }

  const files: ModuleFiles = new Map();
  files.set("versions.tf.json", { terraform: versionsBlock(providersRequired(synthesized)) });
  if (synthesized.variable) files.set("variables.tf.json", { variable: synthesized.variable });
  for (const file of [...byFile.keys()].sort()) files.set(`${file}.tf.json`, byFile.get(file)!);
  if (synthesized.output) files.set("outputs.tf.json", { output: synthesized.output });

  const unexpected = Object.keys(synthesized).filter(
    (k) => !["terraform", "provider", "resource", "data", "locals", "variable", "output"].includes(k),
  );
  if (unexpected.length > 0) throw new Error(`emitter: unexpected top-level blocks ${unexpected.join(", ")}`);
  return files;
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

/** Two spaces, trailing newline: what a person would commit. */
export function renderJson(doc: TerraformJson): string {
  return JSON.stringify(doc, null, 2) + "\n";
}
