/**
 * Runs real `terraform plan` against a Terraform JSON module as a root module,
 * offline, through the same stub providers as `terraform validate`
 * (runner.ts). Variable defaults, count / for_each, functions and data source
 * values (placeholders, see plan-values.ts) are evaluated by Terraform itself.
 */
import * as fs from "fs";
import * as path from "path";
import {
  convertDiagnostic,
  findModules,
  findTerraform,
  finishResult,
  concurrencyOf,
  mapConcurrent,
  prepareSchemas,
  runProcess,
  withWorkspace,
  type Diagnostic,
  type TfJsonDiagnostic,
  type ValidateOptions,
  type ValidationResult,
} from "./runner";
import { moduleVariables, variablePlaceholder } from "./variables";

export interface PlanOptions extends ValidateOptions {
  /**
   * Values for root-module variables, as in a `*.tfvars.json` file / `-var`
   * (e.g. `{ aws_load_balancer_controller_role_arn: "arn:aws:iam::123456789012:role/example" }`).
   * They override defaults.
   */
  vars?: { [name: string]: unknown };
  /**
   * Derive a placeholder from the type of every variable that has neither a
   * default nor a value in `vars` (default true; see variables.ts). With false,
   * such variables make Terraform report "No value for required variable".
   */
  placeholders?: boolean;
  /** Also return the full JSON plan (`terraform show -json`), at the cost of a second terraform run. */
  showPlan?: boolean;
}

export interface PlanAllOptions extends PlanOptions {
  /** Modules planned at once (default: number of CPUs, at most 4). */
  concurrency?: number;
}

/** One resource instance change in the plan. */
export interface PlannedChange {
  /** Full instance address, e.g. `aws_subnet.private[0]`, `module.x.aws_iam_role.this`. */
  address: string;
  /** Address without the instance key, e.g. `aws_subnet.private`. */
  resource: string;
  /** Module address ("" for the root module). */
  module: string;
  type: string;
  name: string;
  /** count index or for_each key; undefined for single instances. */
  key?: string | number;
  /** Terraform's action: "create" for every managed instance of a fresh plan, "read" for data sources deferred to apply. */
  action: string;
  mode: "managed" | "data";
}

export interface PlanResult extends ValidationResult {
  /** Planned changes, ordered by address. */
  changes: PlannedChange[];
  /**
   * Managed resource instances that exist after applying the plan, by resource
   * address (`aws_subnet.private` -> 3, `aws_eks_node_group.this` -> 1), ordered by address.
   */
  resourceCounts: { [resource: string]: number };
  /** Total of resourceCounts. */
  instanceCount: number;
  /** Values passed for variables: the caller's `vars` and derived placeholders. */
  variables: { [name: string]: { value: unknown; source: "input" | "placeholder" } };
  /** The JSON plan (`terraform show -json` format), when `showPlan` was set. */
  plan?: JsonPlan;
}

/** The parts of Terraform's JSON plan representation this module types; the rest is passed through. */
export interface JsonPlan {
  format_version: string;
  terraform_version: string;
  planned_values?: { root_module?: JsonPlanModule; outputs?: { [name: string]: { sensitive: boolean; value?: unknown } } };
  resource_changes?: {
    address: string;
    module_address?: string;
    mode: "managed" | "data";
    type: string;
    name: string;
    index?: string | number;
    change: { actions: string[]; before: unknown; after: unknown; after_unknown: unknown };
  }[];
  [k: string]: unknown;
}
export interface JsonPlanModule {
  address?: string;
  resources?: { address: string; mode: string; type: string; name: string; index?: string | number; values: { [k: string]: unknown } }[];
  child_modules?: JsonPlanModule[];
}

interface StreamMessage {
  type?: string;
  diagnostic?: TfJsonDiagnostic;
  change?: {
    action: string;
    resource: { addr: string; module: string; resource: string; resource_type: string; resource_name: string; resource_key?: string | number };
  };
}

function parseStream(stdout: string): StreamMessage[] {
  const out: StreamMessage[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line) as StreamMessage);
    } catch {
      // not a message line
    }
  }
  return out;
}

function stripKey(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

/** Plans one module directory as a root module with `terraform plan`. */
export async function planModule(dir: string, options: PlanOptions = {}): Promise<PlanResult> {
  const started = Date.now();
  const result: PlanResult = {
    dir,
    valid: false,
    errorCount: 0,
    warningCount: 0,
    diagnostics: [],
    providers: [],
    durationMs: 0,
    changes: [],
    resourceCounts: {},
    instanceCount: 0,
    variables: {},
  };
  await withWorkspace(dir, options, result, async ({ terraform, moduleDir, tmp, env }) => {
    // Variable values: the caller's, then placeholders for the rest without a default.
    const values: { [name: string]: unknown } = { ...(options.vars ?? {}) };
    for (const [name, value] of Object.entries(values)) result.variables[name] = { value, source: "input" };
    if (options.placeholders !== false) {
      for (const v of moduleVariables(moduleDir)) {
        if (v.hasDefault || v.name in values) continue;
        const value = variablePlaceholder(v);
        values[v.name] = value;
        result.variables[v.name] = { value, source: "placeholder" };
      }
    }
    const args = ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-json"];
    // One variable per line, so a diagnostic about a value maps back to its variable.
    const varNames = Object.keys(values);
    const varFile = path.join(tmp, "plan.tfvars.json");
    if (varNames.length > 0) {
      fs.writeFileSync(varFile, `{\n${varNames.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(values[n])}`).join(",\n")}\n}\n`);
      args.push(`-var-file=${varFile}`);
    }
    const fromVarFile = (diag: Diagnostic): Diagnostic => {
      if (diag.file !== varFile) return diag;
      const name = diag.line !== undefined ? varNames[diag.line - 2] : undefined;
      const out: Diagnostic = { ...diag };
      delete out.file;
      delete out.line;
      delete out.column;
      if (name !== undefined) {
        out.address = `var.${name}`;
        const how = result.variables[name]?.source === "placeholder" ? "a placeholder derived from its type" : "PlanOptions.vars";
        out.detail = `${out.detail}\n\nThe value of var.${name} came from ${how}: ${JSON.stringify(values[name])}`;
      }
      return out;
    };
    const planFile = path.join(tmp, "tfplan");
    if (options.showPlan) args.push(`-out=${planFile}`);

    const run = await runProcess(terraform, args, moduleDir, env);
    const messages = parseStream(run.stdout);
    for (const m of messages) {
      if (m.type === "diagnostic" && m.diagnostic) {
        const diag = convertDiagnostic(m.diagnostic, dir);
        if (diag) result.diagnostics.push(fromVarFile(diag));
      } else if (m.type === "planned_change" && m.change) {
        const r = m.change.resource;
        const mode = r.resource.startsWith("data.") ? "data" : "managed";
        const change: PlannedChange = {
          address: r.addr,
          resource: stripKey(r.addr),
          module: r.module,
          type: r.resource_type,
          name: r.resource_name,
          action: m.change.action,
          mode,
        };
        if (r.resource_key !== undefined && r.resource_key !== null) change.key = r.resource_key;
        result.changes.push(change);
        if (mode === "managed" && change.action !== "delete" && change.action !== "remove") {
          result.resourceCounts[change.resource] = (result.resourceCounts[change.resource] ?? 0) + 1;
          result.instanceCount++;
        }
      }
    }
    // Terraform walks the graph concurrently: order changes and counts by address.
    const byAddress = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });
    result.changes.sort((a, b) => byAddress(a.address, b.address));
    result.resourceCounts = Object.fromEntries(Object.entries(result.resourceCounts).sort(([a], [b]) => byAddress(a, b)));
    if (run.code !== 0 && !result.diagnostics.some((d) => d.severity === "error")) {
      result.diagnostics.push({
        severity: "error",
        summary: "terraform plan failed",
        detail: `exit code ${run.code}\n${(run.stderr.trim() || run.stdout.trim()).split(moduleDir).join(dir)}`,
      });
    }
    if (options.showPlan && run.code === 0) {
      const show = await runProcess(terraform, ["show", "-json", "-no-color", planFile], moduleDir, env);
      try {
        result.plan = JSON.parse(show.stdout) as JsonPlan;
      } catch {
        result.diagnostics.push({ severity: "error", summary: "terraform show failed", detail: `exit code ${show.code}\n${show.stderr.trim()}` });
      }
    }
  });
  return finishResult(result, started);
}

/** Plans the given module directories concurrently. */
export async function planModules(dirs: string[], options: PlanAllOptions = {}): Promise<PlanResult[]> {
  const terraformBinary = findTerraform(options.terraformBinary);
  prepareSchemas(dirs);
  return mapConcurrent(dirs, concurrencyOf(options), (dir) => planModule(dir, { ...options, terraformBinary }));
}

/** Plans every module found under `root` (see findModules), concurrently. */
export async function planAll(root: string, options: PlanAllOptions = {}): Promise<PlanResult[]> {
  return planModules(findModules(root), options);
}

