#!/usr/bin/env node
/**
 * Usage: node dist/validate/cli.js [--json] [-j N] [--plan [--var NAME=VALUE]... [--no-placeholders]] <module-dir-or-root>...
 *
 * Runs real `terraform validate` (or, with --plan, `terraform plan`) on each
 * module (a directory holding *.tf or *.tf.json files; a root such as `generated`
 * means every such directory beneath it) with offline stub providers. Exit
 * codes: 0 clean, 1 any error (or no module found), 2 terraform binary
 * unavailable, 64 usage error.
 */
import * as path from "path";
import { planModules, type PlanResult } from "./plan";
import { findModules, findTerraform, schemaExtractions, TerraformNotFoundError, validateModules, type Diagnostic, type ValidationResult } from "./runner";

function usage(): string {
  return "usage: validate [--json] [-j|--concurrency N] [--plan [--var NAME=VALUE]... [--no-placeholders]] <module-dir-or-root>...";
}

/** `--var NAME=VALUE`: VALUE is JSON when it parses as JSON, otherwise a string. */
function parseVar(spec: string): [string, unknown] | undefined {
  const eq = spec.indexOf("=");
  if (eq <= 0) return undefined;
  const name = spec.slice(0, eq);
  const text = spec.slice(eq + 1);
  try {
    return [name, JSON.parse(text) as unknown];
  } catch {
    return [name, text];
  }
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? ` (${rel(d.file)}${d.line !== undefined ? `:${d.line}${d.column !== undefined ? `:${d.column}` : ""}` : ""})` : "";
  const lines = [`  ${d.severity}: ${d.summary}${where}`];
  if (d.address) lines.push(`    address: ${d.address}`);
  for (const l of d.detail.split("\n")) if (l.trim()) lines.push(`    ${l}`);
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  let json = false;
  let plan = false;
  let placeholders = true;
  const vars: { [name: string]: unknown } = {};
  let concurrency: number | undefined;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--plan") plan = true;
    else if (a === "--no-placeholders") placeholders = false;
    else if (a === "--var" || a.startsWith("--var=")) {
      const parsed = parseVar(a === "--var" ? (argv[++i] ?? "") : a.slice("--var=".length));
      if (!parsed) {
        process.stderr.write(`--var needs NAME=VALUE\n${usage()}\n`);
        return 64;
      }
      vars[parsed[0]] = parsed[1];
    } else if (a === "-j" || a === "--concurrency") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) {
        process.stderr.write(`${usage()}\n`);
        return 64;
      }
      concurrency = n;
    } else if (a === "-h" || a === "--help") {
      process.stdout.write(`${usage()}\n`);
      return 0;
    } else if (a.startsWith("-")) {
      process.stderr.write(`unknown option ${a}\n${usage()}\n`);
      return 64;
    } else targets.push(a);
  }
  if (targets.length === 0) {
    process.stderr.write(`${usage()}\n`);
    return 64;
  }
  if (!plan && (Object.keys(vars).length > 0 || !placeholders)) {
    process.stderr.write(`--var and --no-placeholders need --plan\n${usage()}\n`);
    return 64;
  }

  try {
    findTerraform();
  } catch (err) {
    if (err instanceof TerraformNotFoundError) {
      process.stderr.write(`validate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const dirs: string[] = [];
  let missing = false;
  for (const t of targets) {
    const found = findModules(t);
    if (found.length === 0) {
      process.stderr.write(`validate: no Terraform module (directory with *.tf or *.tf.json files) found at or under ${t}\n`);
      missing = true;
    }
    for (const d of found) if (!dirs.includes(d)) dirs.push(d);
  }

  const started = Date.now();
  let results: (ValidationResult | PlanResult)[];
  try {
    results = plan ? await planModules(dirs, { concurrency, vars, placeholders }) : await validateModules(dirs, { concurrency });
  } catch (err) {
    if (err instanceof TerraformNotFoundError) {
      process.stderr.write(`validate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const totalMs = Date.now() - started;
  const failed = results.filter((r) => !r.valid);

  if (json) {
    process.stdout.write(`${JSON.stringify({ valid: failed.length === 0 && !missing, mode: plan ? "plan" : "validate", totalMs, schemaExtractions, results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      const planned = "instanceCount" in r && r.valid ? `${r.instanceCount} resource instance(s) planned, ` : "";
      process.stdout.write(`${r.valid ? "ok  " : "FAIL"} ${rel(r.dir)} (${r.durationMs} ms, ${planned}${r.errorCount} error(s), ${r.warningCount} warning(s))\n`);
      if ("variables" in r) {
        for (const [name, v] of Object.entries(r.variables)) {
          if (v.source === "placeholder") process.stdout.write(`  placeholder: var.${name} = ${JSON.stringify(v.value)}\n`);
        }
      }
      for (const d of r.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
    }
    for (const e of schemaExtractions) process.stdout.write(`schema extracted for ${e.provider} in ${e.ms} ms (cached for later runs)\n`);
    process.stdout.write(`${plan ? "planned" : "validated"} ${results.length} module(s) in ${totalMs} ms: ${results.length - failed.length} valid, ${failed.length} invalid\n`);
  }
  return failed.length > 0 || missing ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`validate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
