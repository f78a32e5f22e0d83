/**
 * Shared by the Terraform-backed suites, which are split across files so that jest runs them in
 * parallel workers. They load the compiled code (dist/validate; `npm test` builds first).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DIST = path.join(ROOT, "dist", "validate");
export const CLI = path.join(DIST, "cli.js");
export const GENERATED = path.join(ROOT, "generated");

export type Api = typeof import("../../validate");
export type PlanResult = import("../../validate").PlanResult;

/** The compiled validate library, in-process (the code the CLI runs). */
export function loadApi(): Api {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it) first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(DIST, "index.js")) as Api;
}

/** Every module directory under generated/<blueprint>/, sorted. */
export function generatedModules(): string[] {
  if (!fs.existsSync(GENERATED)) return [];
  return fs
    .readdirSync(GENERATED)
    .flatMap((b) => (fs.statSync(path.join(GENERATED, b)).isDirectory() ? fs.readdirSync(path.join(GENERATED, b)).map((m) => path.join(GENERATED, b, m)) : []))
    .filter((d) => fs.statSync(d).isDirectory() && fs.readdirSync(d).some((f) => f.endsWith(".tf.json")))
    .sort();
}

/** generated/examples/<name>/{cluster,addons}: the modules of every examples/*.yaml, sorted. */
export function exampleModules(): string[] {
  const root = path.join(GENERATED, "examples");
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .flatMap((e) => ["addons", "cluster"].map((m) => path.join(root, e, m)))
    .filter((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith(".tf.json")))
    .sort();
}

export const errors = (r: PlanResult): { summary: string; detail: string; file?: string; line?: number; address?: string }[] =>
  r.diagnostics.filter((d) => d.severity === "error");

export function describeFailures(results: PlanResult[]): string[] {
  return results
    .filter((r) => r.errorCount > 0)
    .map((r) => `${path.relative(ROOT, r.dir)}:\n${r.diagnostics.map((d) => `  ${d.summary} (${d.file}:${d.line}) ${d.detail}`).join("\n")}`);
}

export interface Diag {
  severity: "error" | "warning";
  summary: string;
  detail: string;
  file?: string;
  line?: number;
  column?: number;
}
export interface Result {
  dir: string;
  valid: boolean;
  errorCount: number;
  diagnostics: Diag[];
  durationMs: number;
}
export interface Report {
  valid: boolean;
  totalMs: number;
  results: Result[];
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runJson(args: string[]): { status: number | null; report: Report } {
  const r = runCli(["--json", ...args]);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`validate CLI did not print JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, report };
}

/**
 * A suite's independent Terraform runs, started together by `startAll()` (from a beforeAll) instead
 * of one test after another; each test awaits its own run. A run not started there starts when
 * first awaited.
 */
export class Runs {
  private readonly starters: (() => void)[] = [];

  define<T>(run: () => Promise<T>): () => Promise<T> {
    let promise: Promise<T> | undefined;
    const result = (): Promise<T> => (promise ??= run());
    // A failure is reported by the test that awaits it, not as an unhandled rejection meanwhile.
    this.starters.push(() => void result().catch(() => undefined));
    return result;
  }

  startAll(): void {
    for (const start of this.starters) start();
  }
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Like runCli, without blocking the worker: several CLI runs can be under way at once. */
export function runCliAsync(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
