import { createHash } from "crypto";
import { packageRoot } from "../cli/package-root";
import * as fs from "fs";
import * as path from "path";

/**
 * The committed checkov scan results (security/checkov-results.json): what `npm run scan` found on
 * every module in generated/, keyed by the module's path under generated/. Read by the README
 * generator and by the stale-results test, neither of which needs Python.
 */
export interface ScanResults {
  /** checkov version that produced the results (security/checkov-version). */
  readonly checkov: string;
  /** checkov framework the modules were scanned with. */
  readonly framework: "terraform_plan";
  /** sha256 of security/checkov-skips.yaml: the skips the results were classified with. */
  readonly skipsSha256: string;
  /** check id → checkov's name of the check, for every check that ran. */
  readonly checkNames: Readonly<Record<string, string>>;
  readonly modules: Readonly<Record<string, ModuleScan>>;
}

export interface ModuleScan {
  /** moduleHash() of the module's Terraform files when scanned. */
  readonly sha256: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Every check result, sorted by check id, then resource. */
  readonly checks: readonly CheckOutcome[];
}

export interface CheckOutcome {
  readonly id: string;
  /** Resource address in the module, with the instance key (e.g. `aws_route.private_nat[0]`). */
  readonly resource: string;
  readonly result: "passed" | "failed" | "skipped";
  /** Why it is skipped: the reason of the matching entry of checkov-skips.yaml. */
  readonly reason?: string;
}

/** security/ of this package, wherever the code runs from (source, dist/, or a bundle). */
export function securityDir(): string {
  const dir = path.join(packageRoot(), "security");
  if (!fs.existsSync(path.join(dir, "checkov-version"))) throw new Error(`security/checkov-version not found in ${dir}`);
  return dir;
}

export const RESULTS_FILE = "checkov-results.json";
export const SKIPS_FILE = "checkov-skips.yaml";
export const VERSION_FILE = "checkov-version";

/** The committed results, or undefined where there are none (e.g. a package built without them). */
export function loadResults(dir?: string): ScanResults | undefined {
  let file: string;
  try {
    file = path.join(dir ?? securityDir(), RESULTS_FILE);
  } catch {
    return undefined;
  }
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ScanResults) : undefined;
}

/** A module's files as Terraform reads them: relative path (posix) → content. */
export type ModuleSources = ReadonlyMap<string, string>;

const TERRAFORM_FILE = /\.tf(\.json)?$/;

/**
 * Content hash of a module: every Terraform file (`*.tf`, `*.tf.json`, local child modules included),
 * by relative path. READMEs and other files do not count, so a README that shows the results does
 * not change the hash of what was scanned.
 */
export function moduleHash(sources: ModuleSources): string {
  const hash = createHash("sha256");
  const names = [...sources.keys()].filter((n) => TERRAFORM_FILE.test(n)).sort();
  for (const name of names) {
    const content = Buffer.from(sources.get(name) ?? "", "utf8");
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** The Terraform files of a module directory on disk, for moduleHash(). */
export function readModuleSources(dir: string): ModuleSources {
  const sources = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".")) walk(relative);
      } else if (TERRAFORM_FILE.test(entry.name)) {
        sources.set(relative, fs.readFileSync(path.join(dir, relative), "utf8"));
      }
    }
  };
  walk("");
  return sources;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The scanned module with exactly these sources, if any (looked up by content, not by path). */
export function scanOf(results: ScanResults | undefined, sources: ModuleSources): ModuleScan | undefined {
  if (!results) return undefined;
  const hash = moduleHash(sources);
  return Object.values(results.modules).find((m) => m.sha256 === hash);
}
