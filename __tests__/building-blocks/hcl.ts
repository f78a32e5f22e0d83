import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformOutput } from "cdktf";
import { BlueprintStack } from "../../modules/blueprint-stack";
import { findTerraform, quietTerraformEnv } from "../../validate/runner";
import { emitted } from "./fixture";
import { Json, SynthesizedModule } from "../helpers";

/**
 * The document inside a `${jsonencode({...})}` string, as JSON: HCL's `"key" = value` becomes `"key": value`,
 * and a bare reference (`aws_iam_role.x.arn`) becomes the string `"${aws_iam_role.x.arn}"`, as it would be
 * spelt anywhere else in Terraform JSON. Fails on anything else, so a test cannot pass on a misread policy.
 */
export function jsonencoded(expression: unknown): Json {
  const match = typeof expression === "string" ? /^\$\{jsonencode\((.*)\)\}$/s.exec(expression) : null;
  if (!match) throw new Error(`not a jsonencode expression: ${String(expression)}`);
  const hcl = match[1];
  let json = "";
  let i = 0;
  while (i < hcl.length) {
    const c = hcl[i];
    if (c === '"') {
      // A quoted string; quotes inside ${...} neither end it nor are escaped in HCL, so they are escaped here.
      let j = i + 1;
      let depth = 0;
      let text = '"';
      for (; j < hcl.length; j++) {
        const d = hcl[j];
        if (d === "\\") {
          text += d + hcl[j + 1];
          j++;
        } else if (d === "$" && hcl[j + 1] === "{") {
          depth++;
          text += "${";
          j++;
        } else if (d === "}" && depth > 0) {
          depth--;
          text += d;
        } else if (d === '"' && depth > 0) text += '\\"';
        else if (d === '"') break;
        else text += d;
      }
      json += `${text}"`;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const j = hcl.slice(i).search(/[,\]}\s]/);
      const word = j < 0 ? hcl.slice(i) : hcl.slice(i, i + j);
      json += ["true", "false", "null"].includes(word) ? word : JSON.stringify(`\${${word}}`);
      i += word.length;
    } else if (c === "=") {
      json += ":";
      i++;
    } else {
      json += c;
      i++;
    }
  }
  return JSON.parse(json) as Json;
}

const terraform = (() => {
  try {
    return findTerraform();
  } catch {
    return undefined;
  }
})();

/** `describe` when Terraform is installed, `describe.skip` otherwise. */
export const withTerraform = terraform ? describe : describe.skip;

/**
 * `terraform plan` of a configuration holding only the module's variables (validations included), with
 * `values` set: proves that Terraform itself rejects (or accepts) a value, before any provider is involved.
 */
export function planVariables(module: SynthesizedModule, values: Json): { code: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "building-block-vars-"));
  try {
    fs.writeFileSync(path.join(dir, "variables.tf.json"), JSON.stringify({ variable: module.merged.variable }));
    fs.writeFileSync(path.join(dir, "values.auto.tfvars.json"), JSON.stringify(values));
    const r = spawnSync(terraform!, ["plan", "-input=false", "-no-color", "-refresh=false"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...quietTerraformEnv(), TF_IN_AUTOMATION: "1" },
    });
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`.replace(/\s*\n\s*/g, " ") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Terraform rejects `values` with `message`, and for that reason (not a type or function error). */
export function expectRejected(module: SynthesizedModule, values: Json, message: string): void {
  const { code, output } = planVariables(module, values);
  expect(output).toContain(message);
  expect(output).not.toMatch(/Invalid function argument|Error in function call|Unsupported attribute|Invalid value for input variable/);
  expect(code).not.toBe(0);
}

/** Terraform accepts `values`. */
export function expectAccepted(module: SynthesizedModule, values: Json): void {
  const { code, output } = planVariables(module, values);
  expect(output).not.toContain("Error");
  expect(code).toBe(0);
}

/**
 * Token-valued properties of a building block (ids, ARNs, lists) as Terraform writes them: each becomes an
 * output `probe_<name>` of the stack, and the module is emitted once with them.
 */
export function withProbes(stack: BlueprintStack, values: Readonly<Record<string, unknown>>): { module: SynthesizedModule; probe: Record<string, unknown> } {
  for (const [name, value] of Object.entries(values)) new TerraformOutput(stack, `probe_${name}`, { value });
  const module = emitted(stack);
  const probe = Object.fromEntries(Object.keys(values).map((name) => [name, module.output(`probe_${name}`).value as unknown]));
  return { module, probe };
}

/**
 * What Terraform evaluates `expression` to in a configuration of the module's variables and its locals
 * (`terraform console`); `locals` narrows them to those that refer to nothing but variables and each other.
 */
export function evaluate(module: SynthesizedModule, values: Json, expression: string, locals?: readonly string[]): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "building-block-console-"));
  try {
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({
        variable: module.merged.variable ?? {},
        locals: Object.fromEntries(Object.entries(module.merged.locals ?? {}).filter(([name]) => !locals || locals.includes(name))),
      }));
    fs.writeFileSync(path.join(dir, "values.auto.tfvars.json"), JSON.stringify(values));
    const r = spawnSync(terraform!, ["console"], {
      cwd: dir,
      input: `jsonencode(${expression})\n`,
      encoding: "utf8",
      env: { ...quietTerraformEnv(), TF_IN_AUTOMATION: "1" },
    });
    if (r.status !== 0) throw new Error(`terraform console failed: ${r.stderr}`);
    return JSON.parse(JSON.parse(r.stdout.trim()) as string);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
