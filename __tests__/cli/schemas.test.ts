import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { blueprints } from "../../blueprints/registry";
import { CATALOG_FILE, schemaFiles } from "../../cli/json-schema";
import { defaultKubernetesVersion } from "../../modules/catalog";
import { REPO, run } from "./run-cli";

const SCHEMAS = path.join(REPO, "schemas");
const expected = schemaFiles(blueprints);

describe("published JSON Schemas (schemas/)", () => {
  test("are up to date with the registry and the zod schemas (run `npm run schemas` when this fails)", () => {
    const onDisk = fs.readdirSync(SCHEMAS).filter((f) => f.endsWith(".json")).sort();
    expect(onDisk).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) {
      expect({ name, content: fs.readFileSync(path.join(SCHEMAS, name), "utf8") }).toEqual({ name, content });
    }
  });

  test("the catalog lists every blueprint with its schema", () => {
    const catalog = JSON.parse(expected.get(CATALOG_FILE)!);
    expect(catalog.blueprints.map((b: { name: string }) => b.name)).toEqual(blueprints.map((b) => b.name));
    for (const entry of catalog.blueprints) expect(expected.has(entry.schema)).toBe(true);
  });

  describe.each(blueprints.map((b) => [b.name, b] as const))("%s", (name, blueprint) => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(expected.get(`${name}.schema.json`)!));

    test("accepts what zod accepts: an empty file, the blueprint and $schema keys, common settings", () => {
      const file = {
        $schema: `./node_modules/cdktf-eks-blueprints/schemas/${name}.schema.json`,
        blueprint: name,
        clusterName: "demo",
        region: "eu-west-1",
        kubernetesVersion: defaultKubernetesVersion,
        tags: { team: "platform" },
      };
      expect(validate({})).toBe(true);
      expect(validate(file)).toBe(true);
      const { $schema: _schema, blueprint: _blueprint, ...settings } = file;
      expect(blueprint.settings.safeParse(settings).success).toBe(true);
    });

    test("rejects what an editor should flag: typos, another blueprint's name, wrong types", () => {
      expect(validate({ clusterNam: "demo" })).toBe(false);
      expect(validate({ blueprint: `${name}-other` })).toBe(false);
      expect(validate({ kubernetesVersion: 1.35 })).toBe(false);
      expect(validate({ network: { mode: "create", availabilityZoneCount: 1 } })).toBe(false);
    });
  });

  test("the baseline schema completes node groups and their fields", () => {
    const schema = JSON.parse(expected.get("baseline.schema.json")!);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["blueprint", "$schema", "clusterName", "nodeGroups", "network", "endpoint", "addons"]));
    expect(schema.properties.nodeGroups.additionalProperties.required).toEqual(["instanceTypes", "minSize", "desiredSize", "maxSize"]);
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  test("the package ships the CLI, the library entry, the schemas and the validator's protocol files", async () => {
    const result = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO });
    expect(result.code).toBe(0);
    const files = (JSON.parse(result.stdout)[0].files as { path: string }[]).map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "dist/cli/index.js",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/validate/cli.js",
        "schemas/blueprints.json",
        ...blueprints.map((b) => `schemas/${b.name}.schema.json`),
        "validate/proto/tfplugin6.proto",
      ]),
    );
    expect(files.filter((f) => f.includes("__tests__") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(fs.readFileSync(path.join(REPO, "cli", "index.ts"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  test("a settings file written by init validates against its schema", () => {
    const yamlText = ["# yaml-language-server: $schema=...", "blueprint: baseline", "clusterName: demo", `kubernetesVersion: "${defaultKubernetesVersion}"`].join("\n");
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(JSON.parse(expected.get("baseline.schema.json")!), parse(yamlText))).toBe(true);
  });
});
