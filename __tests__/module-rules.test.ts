import { blueprints } from "../blueprints/registry";
import { terraformRequirements } from "../modules/catalog";
import { allStrings, Json, synthesize, SynthesizedModule } from "./helpers";

/** The rules that make generated/ a module and not a stack (DESIGN.md), for every blueprint. */
describe.each(blueprints.map((b) => b.name))("%s modules follow the module rules", (name) => {
  const synthesized = synthesize(name);
  const modules: Array<[string, SynthesizedModule]> = [
    ["cluster", synthesized.cluster],
    ["addons", synthesized.addons],
  ];

  test.each(modules)("%s: no provider blocks, no backend, no CDKTF metadata", (_, module) => {
    expect(module.merged.provider).toBeUndefined();
    expect(module.merged.terraform.backend).toBeUndefined();
    expect(module.merged.terraform.cloud).toBeUndefined();
    const keys = allKeys(module.merged);
    expect(keys.filter((k) => k === "//")).toEqual([]);
    expect(allStrings(module.merged).filter((s) => s.includes("TfToken") || s.includes("undefined"))).toEqual([]);
  });

  test.each(modules)("%s: required_version and version-constrained required_providers", (_, module) => {
    expect(module.files.get("versions.tf.json")).toEqual({ terraform: expect.any(Object) });
    const terraform = module.merged.terraform;
    expect(terraform.required_version).toBe(terraformRequirements.requiredVersion);
    for (const [provider, requirement] of Object.entries(terraform.required_providers as Json)) {
      expect(requirement).toEqual(terraformRequirements.providers[provider as keyof typeof terraformRequirements.providers]);
      expect(requirement.version).toMatch(/^~> \d+\.\d+$/);
    }
  });

  test("the cluster module requires only the AWS provider; the add-ons module helm and kubernetes too", () => {
    expect(Object.keys(synthesized.cluster.merged.terraform.required_providers)).toEqual(["aws"]);
    expect(Object.keys(synthesized.addons.merged.terraform.required_providers).sort()).toEqual(["aws", "helm", "kubernetes"]);
    const clusterTypes = Object.keys(synthesized.cluster.merged.resource);
    expect(clusterTypes.filter((t) => !t.startsWith("aws_"))).toEqual([]);
  });

  test.each(modules)("%s: variables are snake_case, typed, described and non-nullable", (_, module) => {
    for (const [variable, body] of Object.entries(module.merged.variable as Json)) {
      expect(variable).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(body.type).toEqual(expect.any(String));
      expect(body.description.length).toBeGreaterThan(10);
      expect(body.nullable).toBe(false);
    }
  });

  test.each(modules)("%s: outputs are snake_case and described", (_, module) => {
    for (const [output, body] of Object.entries((module.merged.output ?? {}) as Json)) {
      expect(output).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(body.description.length).toBeGreaterThan(10);
    }
  });

  test.each(modules)("%s: every variable is used and every var./local./resource reference resolves", (_, module) => {
    const strings = allStrings({ resource: module.merged.resource, data: module.merged.data, locals: module.merged.locals, output: module.merged.output, variable: module.merged.variable });
    const expressions = strings.join("\n");
    const declaredVariables = Object.keys(module.merged.variable ?? {});
    const usedVariables = new Set([...expressions.matchAll(/\bvar\.([a-z0-9_]+)/g)].map((m) => m[1]));
    expect([...usedVariables].filter((v) => !declaredVariables.includes(v))).toEqual([]);
    const usedOutsideValidation = allStrings({ resource: module.merged.resource, data: module.merged.data, locals: module.merged.locals, output: module.merged.output }).join("\n");
    expect(declaredVariables.filter((v) => !usedOutsideValidation.includes(`var.${v}`))).toEqual([]);

    const locals = Object.keys(module.merged.locals ?? {});
    const usedLocals = new Set([...expressions.matchAll(/\blocal\.([a-z0-9_]+)/g)].map((m) => m[1]));
    expect([...usedLocals].filter((l) => !locals.includes(l))).toEqual([]);

    const addresses = new Set<string>();
    for (const [type, instances] of Object.entries((module.merged.resource ?? {}) as Json)) {
      for (const instance of Object.keys(instances)) addresses.add(`${type}.${instance}`);
    }
    for (const [type, instances] of Object.entries((module.merged.data ?? {}) as Json)) {
      for (const instance of Object.keys(instances)) addresses.add(`data.${type}.${instance}`);
    }
    const referenced = new Set(
      [...expressions.matchAll(/(?<![\w.])((?:data\.)?(?:aws|helm|kubernetes)_[a-z0-9_]+\.[a-z_][a-z0-9_]*)/g)].map((m) => m[1]),
    );
    expect(referenced.size).toBeGreaterThan(0);
    expect([...referenced].filter((r) => !addresses.has(r) && !r.startsWith("aws_eks_cluster_auth"))).toEqual([]);
  });

  test.each(modules)("%s: resources are spread over files by concern", (_, module) => {
    const names = [...module.files.keys()];
    expect(names).toEqual(expect.arrayContaining(["versions.tf.json", "variables.tf.json"]));
    expect(names.every((n) => /^[a-z_]+\.tf\.json$/.test(n))).toBe(true);
    expect(names.length).toBeGreaterThanOrEqual(4);
  });
});

function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
  return [];
}
