import { loadResults, ModuleScan, ScanResults, scanOf } from "../security/results";
import { ModuleFiles, renderJson } from "./emit-module";

/** A module as a README names it (e.g. `cluster/`) and its files as emitted. */
export type ReadmeModule = readonly [label: string, files: ModuleFiles];

/**
 * The "Security checks" section of a generated README, from the committed checkov results
 * (security/checkov-results.json, written by `npm run scan -- --update`). A module's results are
 * found by the hash of its content, so modules generated from other settings than the scanned
 * ones are said to be unscanned rather than credited with someone else's results.
 */
export function securitySection(modules: readonly ReadmeModule[], results: ScanResults | undefined = loadResults()): string {
  const scans = modules.map(([label, files]) => [label, scanOf(results, sourcesOf(files))] as const);
  const heading = "## Security checks";
  if (!results || scans.some(([, scan]) => scan === undefined)) {
    const unscanned = scans.filter(([, scan]) => scan === undefined).map(([label]) => `\`${label}\``);
    return `${heading}\n\nNot scanned: ${unscanned.join(", ")} differ from the modules this release scanned with checkov (other settings, or a release without scan results). Run \`checkov -f plan.json --framework terraform_plan\` on a \`terraform show -json\` plan of them.`;
  }
  const rows = scans.map(([label, scan]) => `| \`${label}\` | ${scan?.passed} | ${scan?.failed} | ${scan?.skipped} |`);
  const skipRows = scans.flatMap(([label, scan]) => skipsOf(scan).map((c) => `| \`${c.id}\` ${cell(results.checkNames[c.id] ?? "")} | \`${label}\` \`${c.resource}\` | ${cell(c.reason ?? "")} |`));
  return [
    heading,
    "",
    `[checkov](https://www.checkov.io) ${results.checkov} (framework \`${results.framework}\`: the offline \`terraform plan\` of each module with its default inputs, so \`for_each\` instances and \`jsonencode\`d policies are checked as Terraform resolves them). Reproduce with \`npm run scan:install && npm run scan\`.`,
    "",
    "| module | passed | failed | skipped |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    skipRows.length === 0
      ? "No check is skipped."
      : ["Skipped checks, each reviewed (security/checkov-skips.yaml):", "", "| check | resource | reason |", "| --- | --- | --- |", ...skipRows].join("\n"),
  ].join("\n");
}

function sourcesOf(files: ModuleFiles): Map<string, string> {
  return new Map([...files].map(([name, doc]) => [name, renderJson(doc)]));
}

function skipsOf(scan: ModuleScan | undefined): ModuleScan["checks"] {
  return (scan?.checks ?? []).filter((c) => c.result === "skipped");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
