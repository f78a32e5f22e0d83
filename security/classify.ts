import { CheckOutcome, ModuleScan, ScanResults } from "./results";
import { Skip, skipFor } from "./skips";

/** One check result as checkov reports it (`-o json`, results.*_checks[]), reduced to what we keep. */
export interface RawCheck {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly check_result: { readonly result: "PASSED" | "FAILED" | "SKIPPED"; readonly suppress_comment?: string };
}

export interface ScannedModule {
  /** Path under generated/, e.g. `baseline/cluster`. */
  readonly key: string;
  readonly sha256: string;
  readonly checks: readonly RawCheck[];
}

export interface Classification {
  readonly results: ScanResults;
  /** `module: check on resource`, for every failed check that no skip covers. */
  readonly failures: string[];
  /** Skips that matched no failed check in any module: stale entries, to be removed. */
  readonly unusedSkips: Skip[];
}

/**
 * Apply the reviewed skips to checkov's results: a failed check covered by a skip becomes skipped,
 * with the skip's reason. Output is sorted throughout, so the same scan gives the same bytes.
 */
export function classify(
  scanned: readonly ScannedModule[],
  skips: readonly Skip[],
  meta: { readonly checkov: string; readonly skipsSha256: string },
): Classification {
  const used = new Set<Skip>();
  const failures: string[] = [];
  const names = new Map<string, string>();
  const modules: Record<string, ModuleScan> = {};
  for (const module of [...scanned].sort((a, b) => compare(a.key, b.key))) {
    const checks: CheckOutcome[] = module.checks.map((raw) => {
      names.set(raw.check_id, raw.check_name);
      const outcome = { id: raw.check_id, resource: raw.resource };
      if (raw.check_result.result === "PASSED") return { ...outcome, result: "passed" };
      if (raw.check_result.result === "SKIPPED") {
        // Only the skip list may skip; checkov-side suppressions would bypass its review.
        failures.push(`${module.key}: ${raw.check_id} on ${raw.resource} was skipped by checkov itself (${raw.check_result.suppress_comment ?? "no reason"})`);
        return { ...outcome, result: "failed" };
      }
      const skip = skipFor(skips, raw.check_id, raw.resource);
      if (!skip) {
        failures.push(`${module.key}: ${raw.check_id} on ${raw.resource} (${raw.check_name})`);
        return { ...outcome, result: "failed" };
      }
      used.add(skip);
      return { ...outcome, result: "skipped", reason: skip.reason };
    });
    checks.sort((a, b) => compare(a.id, b.id) || compare(a.resource, b.resource) || compare(a.result, b.result));
    modules[module.key] = {
      sha256: module.sha256,
      passed: checks.filter((c) => c.result === "passed").length,
      failed: checks.filter((c) => c.result === "failed").length,
      skipped: checks.filter((c) => c.result === "skipped").length,
      checks,
    };
  }
  const checkNames: Record<string, string> = {};
  for (const id of [...names.keys()].sort(compare)) checkNames[id] = names.get(id) ?? "";
  return {
    results: { checkov: meta.checkov, framework: "terraform_plan", skipsSha256: meta.skipsSha256, checkNames, modules },
    failures: failures.sort(compare),
    unusedSkips: skips.filter((s) => !used.has(s)),
  };
}

/** Locale-independent ordering, so results sort the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
