#!/usr/bin/env node
/**
 * `npm run scan [-- --update]`: checkov on every module in generated/ (found by its *.tf.json
 * files, so generated/examples/* count as soon as they exist).
 *
 * Each module is planned offline (validate/ stub providers, variables without a default get
 * placeholders) and checkov reads the `terraform show -json` plan (framework terraform_plan):
 * for_each/count instances, jsonencode'd policies and variable defaults are resolved there, where
 * checkov's terraform_json parser sees unexpanded expressions (and drops the node-group file,
 * whose dynamic block it cannot read). Failed checks are matched against security/checkov-skips.yaml.
 *
 * Without --update, the scan must equal the committed security/checkov-results.json and have no
 * unskipped failure. With --update, it regenerates generated/ (npm start's synthesis), scans,
 * writes the results and regenerates again so the READMEs' "Security checks" sections match.
 *
 * Exit codes: 0 clean, 1 failed checks, unused skips or stale results, 2 checkov missing or of
 * another version, or a module that does not plan.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planModules } from "../validate/plan";
import { findModules } from "../validate/runner";
import { classify, RawCheck, ScannedModule } from "./classify";
import { moduleHash, readModuleSources, RESULTS_FILE, securityDir, sha256, SKIPS_FILE, VERSION_FILE } from "./results";
import { loadSkips } from "./skips";

class ScanError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

const SECURITY = securityDir();
const REPO = path.resolve(SECURITY, "..");
const GENERATED = path.join(REPO, "generated");

function checkovBinary(): string {
  const venv = path.resolve(REPO, process.env.CHECKOV_VENV ?? ".venv-checkov");
  return path.join(venv, "bin", "checkov");
}

function checkovVersion(binary: string, pinned: string): string {
  if (!fs.existsSync(binary)) {
    throw new ScanError(`checkov is not installed at ${path.relative(REPO, binary)}: run \`npm run scan:install\` (installs checkov ${pinned} into .venv-checkov/)`, 2);
  }
  const run = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const version = run.stdout.trim();
  if (run.status !== 0 || version !== pinned) {
    throw new ScanError(`${path.relative(REPO, binary)} is checkov "${version}", security/${VERSION_FILE} pins ${pinned}: run \`npm run scan:install\``, 2);
  }
  return version;
}

function synthesize(): void {
  const run = spawnSync(process.execPath, [path.join(REPO, "dist", "emitter", "synth-all.js")], { cwd: REPO, stdio: "inherit" });
  if (run.status !== 0) throw new ScanError("regenerating generated/ failed", 2);
}

interface CheckovReport {
  readonly summary?: { readonly parsing_errors?: number };
  readonly results?: { readonly passed_checks: RawFileCheck[]; readonly failed_checks: RawFileCheck[]; readonly skipped_checks: RawFileCheck[]; readonly parsing_errors?: string[] };
}
type RawFileCheck = RawCheck & { readonly file_path: string };

async function scanModules(binary: string): Promise<ScannedModule[]> {
  const dirs = findModules(GENERATED);
  if (dirs.length === 0) throw new ScanError("no module (directory with *.tf.json files) under generated/", 2);
  const keys = dirs.map((d) => path.relative(GENERATED, d).split(path.sep).join("/"));
  const plans = await planModules(dirs, { showPlan: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "checkov-plans-"));
  try {
    plans.forEach((plan, i) => {
      if (!plan.valid || !plan.plan) {
        const errors = plan.diagnostics.filter((d) => d.severity === "error").map((d) => `  ${d.summary}: ${d.detail}`);
        throw new ScanError(`generated/${keys[i]} does not plan offline (npm run plan):\n${errors.join("\n")}`, 2);
      }
      fs.mkdirSync(path.join(work, String(i)));
      fs.writeFileSync(path.join(work, String(i), "tfplan.json"), JSON.stringify(plan.plan));
    });
    // --skip-download: no Prisma Cloud look-ups (offline, and results must not depend on them).
    const run = spawnSync(binary, ["-d", work, "--framework", "terraform_plan", "--skip-download", "--compact", "-o", "json"], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      env: { ...process.env, LOG_LEVEL: "WARNING" },
    });
    const errors = run.stderr.split("\n").filter((l) => /\[ERROR\]|Traceback/.test(l));
    if (run.status !== 0 && run.status !== 1) throw new ScanError(`checkov exited with ${run.status}:\n${run.stderr}`, 2);
    // A check that crashed is a check that did not run: not a pass.
    if (errors.length > 0) throw new ScanError(`checkov reported errors:\n${run.stderr}`, 2);
    const report = JSON.parse(run.stdout) as CheckovReport;
    if ((report.summary?.parsing_errors ?? 0) > 0) throw new ScanError(`checkov could not parse: ${(report.results?.parsing_errors ?? []).join(", ")}`, 2);
    const all = report.results ? [...report.results.passed_checks, ...report.results.failed_checks, ...report.results.skipped_checks] : [];
    return dirs.map((dir, i) => ({
      key: keys[i],
      sha256: moduleHash(readModuleSources(dir)),
      checks: all.filter((c) => c.file_path === `/${i}/tfplan.json`),
    }));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<number> {
  const update = argv.includes("--update");
  const unknown = argv.filter((a) => a !== "--update");
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\nusage: npm run scan [-- --update]\n`);
    return 64;
  }
  const pinned = fs.readFileSync(path.join(SECURITY, VERSION_FILE), "utf8").trim();
  const binary = checkovBinary();
  const version = checkovVersion(binary, pinned);
  const { skips, text } = loadSkips(SECURITY);
  if (update) synthesize();

  const scanned = await scanModules(binary);
  const { results, failures, unusedSkips } = classify(scanned, skips, { checkov: version, skipsSha256: sha256(text) });
  const rendered = JSON.stringify(results, null, 2) + "\n";
  const resultsFile = path.join(SECURITY, RESULTS_FILE);

  for (const [key, m] of Object.entries(results.modules)) {
    process.stdout.write(`${key.padEnd(34)} ${String(m.passed).padStart(4)} passed ${String(m.failed).padStart(3)} failed ${String(m.skipped).padStart(3)} skipped\n`);
  }
  let code = 0;
  for (const f of failures) process.stderr.write(`FAILED ${f}\n`);
  if (failures.length > 0) code = 1;
  for (const s of unusedSkips) process.stderr.write(`UNUSED SKIP ${s.check} on ${s.resource}: no module fails it any more; remove it from security/${SKIPS_FILE}\n`);
  if (unusedSkips.length > 0) code = 1;

  if (update) {
    fs.writeFileSync(resultsFile, rendered);
    synthesize();
    process.stdout.write(`wrote security/${RESULTS_FILE} and regenerated generated/ READMEs\n`);
  } else {
    const committed = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, "utf8") : "";
    if (committed !== rendered) {
      process.stderr.write(`security/${RESULTS_FILE} does not match this scan (modules, skips or checkov changed): run \`npm run scan -- --update\` and commit\n`);
      code = 1;
    }
  }
  process.stdout.write(`checkov ${version} (terraform_plan): ${Object.keys(results.modules).length} module(s), ${failures.length} unskipped failure(s)\n`);
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`scan: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof ScanError ? err.exitCode : 1);
    },
  );
}
