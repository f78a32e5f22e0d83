import * as fs from "fs";
import * as path from "path";
import { blueprints, findBlueprint } from "../../blueprints/registry";
import { generateModules } from "../../emitter/generate";
import { writeTreeAtomically } from "../../emitter/write-tree";
import { findTerraform, quietTerraformEnv } from "../../validate/runner";
import { run, runCli, tempDir } from "./run-cli";

/** The generated READMEs' copy-ready Terraform: formatted as terraform fmt leaves it, pinning providers, and valid. */
const tree = generateModules(blueprints.map((blueprint) => ({ blueprint })));
const readmes = [...tree.keys()].filter((f) => f.endsWith("README.md")).sort();
const hclBlocks = (file: string) => [...tree.get(file)!.matchAll(/```hcl\n([\s\S]*?)```/g)].map((m) => m[1]);
const section = (file: string, heading: string) => {
  const text = tree.get(file)!;
  const start = text.indexOf(`\n## ${heading}`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};

const terraform = (() => {
  try {
    return findTerraform();
  } catch {
    return undefined;
  }
})();

describe("README snippets", () => {
  test("every module directory has a terraform-docs style README: requirements, providers, resources, inputs with a Required column, outputs", () => {
    for (const { name } of blueprints) {
      for (const kind of ["cluster", "addons"]) {
        const readme = tree.get(`${name}/${kind}/README.md`)!;
        expect(readme).toBeDefined();
        const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        expect(headings).toEqual(["Usage", "Requirements", "Providers", "Resources", "Inputs", "Outputs"]);
        expect(readme).toContain("| Name | Description | Type | Default | Required |");
        expect(readme).toContain("| terraform | `>= 1.9` |");
        // Every variable is listed with its full type: nothing shortened to map(…) or deferred to the JSON.
        const variables = JSON.parse(tree.get(`${name}/${kind}/variables.tf.json`)!).variable as Record<string, { type: string }>;
        for (const [variable, { type }] of Object.entries(variables)) {
          expect(readme).toContain(`[${variable}](#input_${variable})`);
          const shown = type.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").split("\n").join("<br/>");
          expect(readme).toContain(shown);
        }
        expect(readme).not.toContain("…)");
        expect(readme).not.toContain("see variables.tf.json");
      }
    }
    const nodeGroups = section("baseline/cluster/README.md", "Inputs").split("\n").find((l) => l.includes("[node_groups]"))!;
    expect(nodeGroups).toMatch(/\| <pre>map\(object\(\{<br\/>\s+instance_types\s+= list\(string\)/);
    expect(nodeGroups).toMatch(/<pre>\{<br\/>  general = \{<br\/>/);
    expect(nodeGroups).toMatch(/\| no \|$/);
    expect(section("baseline/cluster/README.md", "Resources")).toContain(
      "| [aws_eks_cluster.this](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster) | resource |",
    );
  });

  test("the blueprint README keeps purpose, cost and wiring, and points at the module READMEs instead of repeating their tables", () => {
    const readme = tree.get("baseline/README.md")!;
    for (const heading of ["What it is for", "Rough monthly cost drivers", "Two modules", "Use from one root configuration, in two steps", "Module reference"]) {
      expect(readme).toContain(`## ${heading}`);
    }
    expect(readme).toContain("[`cluster/README.md`](cluster/README.md)");
    expect(readme).not.toContain("## Inputs of");
  });

  test("every snippet that calls a module pins the providers in a terraform { required_providers } block", () => {
    for (const file of readmes) {
      for (const block of hclBlocks(file).filter((b) => b.includes('module "'))) {
        expect(block).toMatch(/^terraform \{\n  required_version = ">= 1\.9"\n  required_providers \{\n/);
        expect(block).toContain('source  = "hashicorp/aws"');
      }
    }
  });

  (terraform ? test : test.skip)("every hcl block passes terraform fmt -check", async () => {
    const dir = tempDir("fmt");
    const written: string[] = [];
    for (const file of readmes) {
      hclBlocks(file).forEach((block, i) => {
        const name = `${file.replace(/\//g, "_").replace(/\.md$/, "")}_${i}.tf`;
        fs.writeFileSync(path.join(dir, name), block);
        written.push(name);
      });
    }
    expect(written.length).toBeGreaterThanOrEqual(blueprints.length * 5);
    const fmt = await run(terraform!, ["fmt", "-check", "-list=true", "-no-color", "."], { cwd: dir, env: quietTerraformEnv() });
    expect(fmt.stdout).toBe(""); // the files fmt would change
    expect(fmt.stderr).toBe("");
    expect(fmt.code).toBe(0);
  });

  (terraform ? test : test.skip)(
    "validate accepts a root configuration in *.tf: the README's one-root layout validates; a misspelled argument is found with its line",
    async () => {
      const roots = ["baseline", "fargate-only"].map((name) => {
        const root = path.join(tempDir("tf-root"), name);
        const modules = new Map([...generateModules([{ blueprint: findBlueprint(name) }])]);
        writeTreeAtomically(path.join(root, "generated"), modules);
        fs.writeFileSync(path.join(root, "main.tf"), hclBlocks(`${name}/README.md`).find((b) => b.includes("locals {"))!);
        return root;
      });
      const broken = path.join(tempDir("tf-root"), "broken");
      fs.mkdirSync(broken);
      fs.writeFileSync(path.join(broken, "main.tf"), 'resource "aws_s3_bucket" "logs" {\n  bucket        = "logs"\n  force_destroi = true\n}\n');

      const ok = await runCli(["validate", ...roots]);
      expect(ok.stderr).toBe("");
      expect(ok.stdout).toContain("validated 2 module(s)");
      expect(ok.stdout).toContain("2 valid, 0 invalid");
      expect(ok.code).toBe(0);

      const bad = await runCli(["validate", broken]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain("Unsupported argument");
      expect(bad.stdout).toContain(`${path.join(broken, "main.tf")}:3:`);
    },
    180_000,
  );
});
