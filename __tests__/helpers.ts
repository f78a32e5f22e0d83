import { findBlueprint } from "../blueprints/registry";
import { SettingsError } from "../blueprints/settings";
import { generateModules, GeneratedTree } from "../emitter/generate";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One emitted module, its files merged into one Terraform JSON document for assertions. */
export interface SynthesizedModule {
  readonly files: Map<string, Json>;
  readonly merged: Json;
  resource(type: string, name: string): Json;
  data(type: string, name: string): Json;
  resources(type: string): Record<string, Json>;
  variable(name: string): Json;
  output(name: string): Json;
  local(name: string): Json;
}

export interface SynthesizedBlueprint {
  readonly tree: GeneratedTree;
  readonly cluster: SynthesizedModule;
  readonly addons: SynthesizedModule;
}

export function synthesize(blueprintName: string, settings?: unknown): SynthesizedBlueprint {
  const tree = generateModules([{ blueprint: findBlueprint(blueprintName), settings }]);
  return { tree, cluster: moduleOf(tree, `${blueprintName}/cluster/`), addons: moduleOf(tree, `${blueprintName}/addons/`) };
}

export function moduleOf(tree: GeneratedTree, prefix: string): SynthesizedModule {
  const files = new Map<string, Json>();
  const merged: Json = {};
  for (const [path, content] of tree) {
    if (!path.startsWith(prefix) || !path.endsWith(".tf.json")) continue;
    const doc = JSON.parse(content) as Json;
    files.set(path.slice(prefix.length), doc);
    // A copy: merging into the first file's objects would make every later file's blocks appear in it.
    deepMerge(merged, structuredClone(doc));
  }
  const get = (section: Json | undefined, key: string, what: string) => {
    if (!section || !(key in section)) throw new Error(`${prefix}: no ${what} ${key}`);
    return section[key];
  };
  return {
    files,
    merged,
    resource: (type, name) => get(merged.resource?.[type], name, `resource ${type}.`),
    data: (type, name) => get(merged.data?.[type], name, `data ${type}.`),
    resources: (type) => merged.resource?.[type] ?? {},
    variable: (name) => get(merged.variable, name, "variable"),
    output: (name) => get(merged.output, name, "output"),
    local: (name) => get(merged.locals, name, "local"),
  };
}

function deepMerge(target: Json, source: Json): void {
  for (const [k, v] of Object.entries(source)) {
    if (v && typeof v === "object" && !Array.isArray(v) && target[k] && typeof target[k] === "object") deepMerge(target[k], v);
    else target[k] = v;
  }
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...allStrings(v)]);
  return [];
}

/** The message a blueprint's settings are rejected with; fails the test when they are accepted. */
export function settingsErrorFor(blueprintName: string, settings: unknown): string {
  try {
    generateModules([{ blueprint: findBlueprint(blueprintName), settings }]);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).message;
  }
  throw new Error("expected the settings to be rejected");
}

/** The AWS managed policies attached to a role (`aws_iam_role_policy_attachment.<role>`, keyed by policy name). */
export function managedPoliciesOf(module: SynthesizedModule, role: string): string[] {
  const attachment = module.resources("aws_iam_role_policy_attachment")[role];
  if (!attachment) return [];
  expect(attachment.role).toBe(`\${aws_iam_role.${role}.name}`);
  expect(attachment.policy_arn).toBe("arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value}");
  return Object.values(attachment.for_each as Record<string, string>).sort();
}
