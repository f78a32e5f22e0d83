/**
 * End-to-end tests of the offline `terraform validate` facility. They spawn the
 * compiled CLI (dist/validate/cli.js; `npm test` builds first) which runs the
 * real Terraform binary against stub providers. The generated modules are
 * validated in validate-generated.test.ts, in parallel with this suite.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CLI, ROOT, runCli, runJson, type Diag, type Report, type Result } from "./helpers";

const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "validate");

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it) first`);
});

describe("fixture modules", () => {
  let report: Report;
  let status: number | null;
  const byName = (name: string): Result => {
    const r = report.results.find((x) => path.basename(x.dir) === name);
    if (!r) throw new Error(`no result for fixture ${name}`);
    return r;
  };
  const errors = (name: string): Diag[] => byName(name).diagnostics.filter((d) => d.severity === "error");

  beforeAll(() => {
    ({ status, report } = runJson([FIXTURES]));
  });

  test("exits 1 because some fixtures are invalid, and validates every fixture directory", () => {
    expect(status).toBe(1);
    const dirs = fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory());
    expect(report.results.map((r) => path.basename(r.dir)).sort()).toEqual(dirs.sort());
  });

  test("valid module using aws, kubernetes and helm passes with no diagnostics", () => {
    const r = byName("valid");
    expect(r.diagnostics).toEqual([]);
    expect(r.valid).toBe(true);
  });

  test("misspelled argument", () => {
    const e = errors("misspelled-argument");
    const extraneous = e.find((d) => d.summary === "Extraneous JSON object property");
    expect(extraneous?.detail).toContain('No argument or block type is named "assume_role_polcy"');
    expect(extraneous?.detail).toContain('Did you mean "assume_role_policy"?');
    expect(extraneous?.file).toBe(path.join(FIXTURES, "misspelled-argument", "main.tf.json"));
    expect(extraneous?.line).toBe(7);
  });

  test("missing required argument inside a nested block", () => {
    const e = errors("missing-required-argument");
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Missing required argument");
    expect(e[0].detail).toBe('The argument "name" is required, but no definition was found.');
    expect(e[0].line).toBe(13); // kubernetes_role_binding_v1.binding role_ref block
  });

  test("missing required block (aws_eks_cluster without vpc_config)", () => {
    const e = errors("missing-required-block");
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Insufficient vpc_config blocks");
    expect(e[0].detail).toContain('At least 1 "vpc_config" blocks are required.');
  });

  test("wrong types (string for a set, object for helm's list-of-objects `set` attribute)", () => {
    const e = errors("wrong-type");
    expect(e.every((d) => d.summary === "Incorrect attribute value type")).toBe(true);
    const details = e.map((d) => d.detail).sort();
    expect(details).toEqual([
      'Inappropriate value for attribute "enabled_cluster_log_types": set of string required.',
      'Inappropriate value for attribute "set": list of object required.',
    ]);
  });

  test("unknown resource type", () => {
    const e = errors("unknown-resource-type");
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid resource type");
    expect(e[0].detail).toContain('does not support resource type "aws_eks_nodegroup"');
    expect(e[0].detail).toContain('Did you mean "aws_eks_node_group"?');
  });

  test("references to attributes that do not exist", () => {
    const e = errors("nonexistent-attribute");
    expect(e.map((d) => d.summary)).toEqual(["Unsupported attribute", "Unsupported attribute"]);
    const details = e.map((d) => d.detail).join("\n");
    expect(details).toContain('exported attribute named "endpoint_url"');
    expect(details).toContain('does not have an attribute named "certificate"');
    expect(e.map((d) => d.line).sort()).toEqual([13, 14]);
  });

  test("variable validation whose condition does not reference the variable", () => {
    const e = errors("variable-validation-no-reference");
    const d = e.find((x) => x.summary === "Invalid variable validation condition");
    expect(d?.detail).toContain("must refer to var.cluster_name");
  });

  test("variable validation with a type error", () => {
    const e = errors("variable-validation-type-error");
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid operand");
    expect(e[0].detail).toContain("a number is required");
  });

  test("SDKv2 attributes-as-blocks sets need every object attribute (aws_security_group ingress)", () => {
    const e = errors("attributes-as-blocks");
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Incorrect attribute value type");
    expect(e[0].detail).toContain('Inappropriate value for attribute "ingress": element 0: attributes "description"');
  });

  test("local child modules are installed (terraform get) and validated with the root", () => {
    const r = byName("valid-child-module");
    expect(r.diagnostics).toEqual([]);
    // The child directory is part of its parent, not a separate module.
    expect(report.results.some((x) => x.dir.includes(path.join("valid-child-module", "modules")))).toBe(false);
  });

  test("unknown provider source is a clear error", () => {
    const e = errors("unsupported-provider");
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Unsupported provider source");
    expect(e[0].detail).toContain('source "hashicorp/random"');
  });
});

describe("CLI behaviour", () => {
  test("text output lists diagnostics with file and line, exit 1 on error", () => {
    const r = runCli([path.join(FIXTURES, "missing-required-block")]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL .*missing-required-block/);
    expect(r.stdout).toMatch(/error: Insufficient vpc_config blocks \(.*missing-required-block\/main\.tf\.json:8:\d+\)/);
  });

  test("exit 0 for a clean module", () => {
    const r = runCli([path.join(FIXTURES, "valid")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok +.*valid/);
  });

  test("exit 1 when no module is found", () => {
    const r = runCli([path.join(FIXTURES, "..", "..", "validate")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no Terraform module");
  });

  test("exit 2 with a clear message when TERRAFORM_BINARY does not exist", () => {
    const r = runCli([path.join(FIXTURES, "valid")], { ...process.env, TERRAFORM_BINARY: "/nonexistent/terraform" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("terraform binary not found or not executable: /nonexistent/terraform");
  });

  test("exit 2 with a clear message when terraform is not on PATH", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: "/nonexistent-bin" };
    delete env.TERRAFORM_BINARY;
    const r = runCli([path.join(FIXTURES, "valid")], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("terraform binary not found on PATH");
  });
});

describe("child modules", () => {
  test("errors inside a local child module are reported against the child's file", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "validate-child-"));
    try {
      fs.cpSync(path.join(FIXTURES, "valid-child-module"), tmp, { recursive: true });
      const child = path.join(tmp, "modules", "role", "main.tf.json");
      fs.writeFileSync(child, fs.readFileSync(child, "utf8").replace('"assume_role_policy"', '"assume_role_polcy"'));
      const { status, report } = runJson([tmp]);
      expect(status).toBe(1);
      const e = report.results[0].diagnostics.find((d) => d.summary === "Extraneous JSON object property");
      expect(e?.detail).toContain('"assume_role_polcy"');
      expect(e?.file).toBe(child);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("reconstructed schemas", () => {
  // Loads the compiled extractor/cache in-process (same code the CLI runs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require(path.join(ROOT, "dist", "validate", "index.js")) as typeof import("../../validate");

  const load = (name: string): import("../../validate").ProviderSchema => {
    const kp = api.KNOWN_PROVIDERS.find((p) => p.name === name)!;
    return JSON.parse(fs.readFileSync(api.ensureSchema(kp).file, "utf8"));
  };

  test("aws_eks_cluster: required list block with max 1, computed nested certificate_authority", () => {
    const s = load("aws").resource_schemas.aws_eks_cluster.block;
    expect(s.block_types?.vpc_config).toMatchObject({ nesting_mode: "list", min_items: 1, max_items: 1 });
    expect(s.attributes?.certificate_authority).toEqual({ type: ["list", ["object", { data: "string" }]], computed: true });
    expect(s.attributes?.name).toEqual({ type: "string", required: true });
    expect(s.attributes?.id).toEqual({ type: "string", optional: true, computed: true });
    expect(s.attributes?.enabled_cluster_log_types).toEqual({ type: ["set", "string"], optional: true });
  });

  test("helm_release.set is a list nested attribute, not a block", () => {
    const s = load("helm").resource_schemas.helm_release.block;
    expect(s.block_types).toBeUndefined();
    expect(s.attributes?.set.nested_type?.nesting_mode).toBe("list");
    expect(s.attributes?.set.nested_type?.attributes.name).toEqual({ type: "string", required: true });
  });

  test("kubernetes metadata is a required single-item list block", () => {
    const s = load("kubernetes").resource_schemas.kubernetes_deployment_v1.block;
    expect(s.block_types?.metadata).toMatchObject({ nesting_mode: "list", min_items: 1, max_items: 1 });
    const container = s.block_types?.spec.block.block_types?.template.block.block_types?.spec.block.block_types?.container;
    expect(container?.nesting_mode).toBe("list");
    expect(container?.block.attributes?.name).toEqual({ type: "string", required: true });
  });
});
