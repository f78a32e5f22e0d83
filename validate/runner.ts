/**
 * Runs real `terraform validate` against Terraform JSON modules, offline, with
 * stub providers (stub-provider.ts) serving schemas reconstructed from the
 * cdktf binding packages (schema-extract.ts).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scanHcl } from "./hcl-scan";
import { ensureSchema, resolveProviderSource, type CachedSchema, type KnownProvider } from "./schema-cache";

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  summary: string;
  detail: string;
  /** File the diagnostic points at (path as given for the module directory + file name). */
  file?: string;
  line?: number;
  column?: number;
  /** Resource / module address when Terraform reports one. */
  address?: string;
}

export interface ValidationResult {
  /** Module directory as given. */
  dir: string;
  valid: boolean;
  errorCount: number;
  warningCount: number;
  diagnostics: Diagnostic[];
  /** Provider sources the module requires, e.g. ["registry.terraform.io/hashicorp/aws"]. */
  providers: string[];
  /** Wall time of this module's `terraform validate` run (ms). */
  durationMs: number;
}

export interface ValidateOptions {
  /** Terraform binary; defaults to $TERRAFORM_BINARY, then `terraform` on $PATH. */
  terraformBinary?: string;
  /** Keep the temporary working directory (for debugging). */
  keepTemp?: boolean;
}

export interface ValidateAllOptions extends ValidateOptions {
  /** Modules validated at once (default: number of CPUs, at most 4). */
  concurrency?: number;
}

export class TerraformNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TerraformNotFoundError";
  }
}

/** Schema extraction timings observed by this process (cold extractions only). */
export const schemaExtractions: { provider: string; ms: number }[] = [];

const DEV_OVERRIDE_WARNING = "Provider development overrides are in effect";

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The environment for running terraform without noise: no checkpoint (update/telemetry) call, and a
 * TF_CLI_CONFIG_FILE that names a missing file cleared, since terraform would otherwise print
 * "There are some problems with the CLI configuration" on every run.
 */
export function quietTerraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CHECKPOINT_DISABLE: "1" };
  // Empty is unset for terraform, and survives being merged over an environment that still names the file.
  if (env.TF_CLI_CONFIG_FILE && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) env.TF_CLI_CONFIG_FILE = "";
  return env;
}

/** Locates the terraform binary or throws TerraformNotFoundError. */
export function findTerraform(explicit?: string): string {
  const override = explicit ?? process.env.TERRAFORM_BINARY;
  if (override) {
    if (isExecutable(override)) return override;
    throw new TerraformNotFoundError(`terraform binary not found or not executable: ${override} (from TERRAFORM_BINARY)`);
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, "terraform");
    if (isExecutable(candidate)) return candidate;
  }
  throw new TerraformNotFoundError(
    "terraform binary not found on PATH. Install Terraform >= 1.9 (what the generated modules require) or set TERRAFORM_BINARY to its path.",
  );
}

export function listTfJson(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".tf.json"))
    .map((e) => e.name)
    .sort();
}

/** Terraform files of a directory, JSON (`*.tf.json`) and native syntax (`*.tf`): what makes it a module. */
export function listTerraformFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && (e.name.endsWith(".tf.json") || e.name.endsWith(".tf")))
    .map((e) => e.name)
    .sort();
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function asObjects(v: Json | undefined): { [k: string]: Json }[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(asObjects);
  return typeof v === "object" ? [v] : [];
}

export interface RequiredProvider {
  localName: string;
  source: string;
  file: string;
}

function listTerraformFilesRecursive(dir: string): string[] {
  const out = listTerraformFiles(dir).map((f) => path.join(dir, f));
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") out.push(...listTerraformFilesRecursive(path.join(dir, e.name)));
  }
  return out;
}

/** What a file says about providers and modules, whichever syntax it is written in. */
function providerFacts(file: string): { required: { localName: string; source: string }[]; types: string[]; providerBlocks: string[]; callsModules: boolean } | undefined {
  if (file.endsWith(".tf")) {
    const scan = scanHcl(fs.readFileSync(file, "utf8"));
    return { required: [...scan.requiredProviders], types: [...scan.types], providerBlocks: [...scan.providerBlocks], callsModules: scan.callsModules };
  }
  const doc = readJson(file);
  if (!doc) return undefined;
  const required = asObjects(doc.terraform).flatMap((tf) =>
    asObjects(tf.required_providers).flatMap((rp) =>
      Object.entries(rp).map(([localName, req]) => ({
        localName,
        source: req && typeof req === "object" && !Array.isArray(req) && typeof req.source === "string" ? req.source : `hashicorp/${localName}`,
      })),
    ),
  );
  const types = ["resource", "data"].flatMap((kind) => asObjects(doc[kind]).flatMap((block) => Object.keys(block)));
  const providerBlocks = asObjects(doc.provider).flatMap((block) => Object.keys(block));
  return { required, types, providerBlocks, callsModules: doc.module !== undefined };
}

export function readJson(file: string): { [k: string]: Json } | undefined {
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Json;
    return doc && typeof doc === "object" && !Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined; // Terraform reports syntax errors itself, with positions.
  }
}

/**
 * Providers a module (and local child modules inside its directory) needs:
 * every `terraform.required_providers` entry of its *.tf.json files, plus the
 * provider Terraform implies (hashicorp/<prefix>) for resource and data types
 * whose prefix has no required_providers entry.
 */
export function requiredProviders(dir: string): RequiredProvider[] {
  const providers: RequiredProvider[] = [];
  const implied = new Map<string, string>();
  for (const file of listTerraformFilesRecursive(dir)) {
    const facts = providerFacts(file);
    if (!facts) continue;
    for (const { localName, source } of facts.required) providers.push({ localName, source, file });
    for (const prefix of [...facts.types.map((type) => type.split("_")[0]), ...facts.providerBlocks]) {
      // terraform_remote_state and terraform_data belong to Terraform's built-in provider: nothing to serve.
      if (prefix && prefix !== "terraform" && !implied.has(prefix)) implied.set(prefix, file);
    }
  }
  for (const [prefix, file] of implied) {
    if (!providers.some((p) => p.localName === prefix)) providers.push({ localName: prefix, source: `hashicorp/${prefix}`, file });
  }
  return providers;
}

function callsModules(dir: string): boolean {
  return listTerraformFiles(dir).some((f) => providerFacts(path.join(dir, f))?.callsModules === true);
}

function copyDir(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (e.name === ".terraform" || e.name === "node_modules" || e.name === ".terraform.lock.hcl") continue;
    const s = path.join(src, e.name);
    const d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d);
    else if (e.isFile()) fs.copyFileSync(s, d);
  }
}

function stubScript(): string {
  const candidates = [path.join(__dirname, "stub-provider.js"), path.join(__dirname, "..", "dist", "validate", "stub-provider.js")];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`compiled stub provider not found (run npm run build): ${candidates.join(", ")}`);
  return found;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const schemaMemo = new Map<string, CachedSchema>();

/** Ensures (extracting on first use) and returns the cached schema for a provider. */
export function schemaFor(provider: KnownProvider): CachedSchema {
  const memo = schemaMemo.get(provider.source);
  if (memo) return memo;
  const cached = ensureSchema(provider);
  if (cached.extracted) schemaExtractions.push({ provider: provider.source, ms: cached.extractMs });
  schemaMemo.set(provider.source, cached);
  return cached;
}

export interface TfJsonDiagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number; column: number } };
}

export function runProcess(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Converts one of Terraform's JSON diagnostics, mapping file names back to the module directory. */
export function convertDiagnostic(d: TfJsonDiagnostic, dir: string): Diagnostic | undefined {
  if (d.summary === DEV_OVERRIDE_WARNING) return undefined;
  const diag: Diagnostic = {
    severity: d.severity === "warning" ? "warning" : "error",
    summary: d.summary,
    detail: d.detail ?? "",
  };
  if (d.range) {
    diag.file = path.isAbsolute(d.range.filename) ? d.range.filename : path.join(dir, d.range.filename);
    diag.line = d.range.start.line;
    diag.column = d.range.start.column;
  }
  if (d.address) diag.address = d.address;
  return diag;
}

/** Sets the counts, `valid` and `durationMs` of a result from its diagnostics. */
export function finishResult<R extends ValidationResult>(result: R, started: number): R {
  result.errorCount = result.diagnostics.filter((d) => d.severity === "error").length;
  result.warningCount = result.diagnostics.filter((d) => d.severity === "warning").length;
  result.valid = result.errorCount === 0;
  result.durationMs = Date.now() - started;
  return result;
}

/** A temporary copy of a module, wired to the stub providers. */
export interface Workspace {
  terraform: string;
  /** The module's copy (working directory for terraform). */
  moduleDir: string;
  /** The temporary directory holding moduleDir; free for other files. */
  tmp: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Checks a module directory, resolves its providers, copies it to a temporary
 * directory with a CLI configuration whose dev_overrides point at stub
 * providers, installs local child modules, then runs `body` there. Problems
 * found on the way are added to `result.diagnostics` and `body` is skipped.
 * The temporary directory is removed afterwards unless `options.keepTemp`.
 */
export async function withWorkspace<R extends ValidationResult>(
  dir: string,
  options: ValidateOptions,
  result: R,
  body: (ws: Workspace) => Promise<void>,
): Promise<void> {
  const terraform = findTerraform(options.terraformBinary);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    result.diagnostics.push({ severity: "error", summary: "Module directory not found", detail: `${dir} is not a directory.` });
    return;
  }
  if (listTerraformFiles(dir).length === 0) {
    result.diagnostics.push({ severity: "error", summary: "No Terraform files", detail: `${dir} contains no *.tf or *.tf.json files.` });
    return;
  }

  const providers = requiredProviders(dir);
  const known = new Map<string, KnownProvider>();
  for (const rp of providers) {
    const kp = resolveProviderSource(rp.source);
    if (!kp) {
      result.diagnostics.push({
        severity: "error",
        summary: "Unsupported provider source",
        detail:
          `Provider "${rp.localName}" (source "${rp.source}") has no schema available offline. ` +
          `Supported sources: hashicorp/aws, hashicorp/kubernetes, hashicorp/helm.`,
        file: rp.file,
      });
      continue;
    }
    known.set(kp.source, kp);
  }
  result.providers = [...known.keys()].sort();
  if (result.diagnostics.some((d) => d.severity === "error")) return;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tfvalidate-"));
  try {
    const moduleDir = path.join(tmp, "module");
    const binDir = path.join(tmp, "providers");
    copyDir(dir, moduleDir);
    fs.mkdirSync(binDir);
    const stub = stubScript();
    const overrides: string[] = [];
    for (const kp of known.values()) {
      const cached = schemaFor(kp);
      const launcher = path.join(binDir, `terraform-provider-${kp.name}`);
      // The JSON schema is only read by the plan-time RPCs.
      const args = [process.execPath, stub, cached.responseFile, cached.file].map(shellQuote).join(" ");
      fs.writeFileSync(launcher, `#!/bin/sh\nexec ${args}\n`, { mode: 0o755 });
      overrides.push(`    "${kp.source}" = ${JSON.stringify(binDir)}`);
    }
    const cliConfig = path.join(tmp, "terraformrc");
    fs.writeFileSync(cliConfig, `provider_installation {\n  dev_overrides {\n${overrides.join("\n")}\n  }\n  direct {}\n}\n`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      TF_DATA_DIR: path.join(tmp, "data"),
      TF_PLUGIN_CACHE_DIR: "",
    };
    delete env.TF_LOG;
    for (const k of Object.keys(env)) if (k.startsWith("TF_VAR_")) delete env[k]; // only the caller's inputs count
    if (callsModules(moduleDir)) {
      // Install (local) child modules; `terraform get` needs no provider registry.
      const get = await runProcess(terraform, ["get", "-no-color"], moduleDir, env);
      if (get.code !== 0) {
        const detail = (get.stderr.trim() || get.stdout.trim()).split(moduleDir).join(dir);
        result.diagnostics.push({ severity: "error", summary: "terraform get failed", detail });
        return;
      }
    }
    await body({ terraform, moduleDir, tmp, env });
  } finally {
    if (!options.keepTemp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Validates one module directory with `terraform validate`. */
export async function validateModule(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const started = Date.now();
  const result: ValidationResult = { dir, valid: false, errorCount: 0, warningCount: 0, diagnostics: [], providers: [], durationMs: 0 };
  await withWorkspace(dir, options, result, async ({ terraform, moduleDir, env }) => {
    const run = await runProcess(terraform, ["validate", "-json", "-no-color"], moduleDir, env);
    let parsed: { diagnostics?: TfJsonDiagnostic[] } | undefined;
    try {
      parsed = JSON.parse(run.stdout) as { diagnostics?: TfJsonDiagnostic[] };
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      result.diagnostics.push({
        severity: "error",
        summary: "terraform validate failed",
        detail: `exit code ${run.code}\n${run.stderr.trim() || run.stdout.trim()}`,
      });
      return;
    }
    for (const d of parsed.diagnostics ?? []) {
      const diag = convertDiagnostic(d, dir);
      if (diag) result.diagnostics.push(diag);
    }
    if (run.code !== 0 && !result.diagnostics.some((d) => d.severity === "error")) {
      result.diagnostics.push({ severity: "error", summary: "terraform validate failed", detail: `exit code ${run.code}\n${run.stderr.trim()}` });
    }
  });
  return finishResult(result, started);
}

/**
 * Module directories under `root`: `root` itself when it holds *.tf or *.tf.json files,
 * otherwise every directory beneath it that does (not descending into modules).
 */
export function findModules(root: string): string[] {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return [];
  if (listTerraformFiles(root).length > 0) return [root];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === "node_modules" || e.name.startsWith(".")) continue;
      const sub = path.join(d, e.name);
      // A module's subdirectories are its local child modules, not separate modules.
      if (listTerraformFiles(sub).length > 0) out.push(sub);
      else walk(sub);
    }
  };
  walk(root);
  return out.sort();
}

export async function mapConcurrent<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Validates every module found under `root` (see findModules), concurrently. */
export async function validateAll(root: string, options: ValidateAllOptions = {}): Promise<ValidationResult[]> {
  return validateModules(findModules(root), options);
}

/** Validates the given module directories concurrently. */
export async function validateModules(dirs: string[], options: ValidateAllOptions = {}): Promise<ValidationResult[]> {
  const terraformBinary = findTerraform(options.terraformBinary);
  prepareSchemas(dirs);
  return mapConcurrent(dirs, concurrencyOf(options), (dir) => validateModule(dir, { ...options, terraformBinary }));
}

/** Extract the schemas the modules need up front (once), rather than racing inside concurrent runs. */
export function prepareSchemas(dirs: string[]): void {
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const rp of requiredProviders(dir)) {
      const kp = resolveProviderSource(rp.source);
      if (kp) schemaFor(kp);
    }
  }
}

export function concurrencyOf(options: { readonly concurrency?: number }): number {
  return options.concurrency ?? Math.min(4, Math.max(1, os.cpus().length));
}
