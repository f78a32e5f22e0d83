/**
 * `terraform validate` (through the compiled CLI and the stub providers) of every generated module;
 * a suite of its own so that jest runs it beside the other Terraform-backed suites.
 */
import * as fs from "fs";
import * as path from "path";
import { CLI, exampleModules, generatedModules, ROOT, runJson } from "./helpers";

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it) first`);
});

describe("generated modules", () => {
  test("every module under generated/*/*/ and generated/examples/*/*/ validates with zero errors", () => {
    const expected = [...generatedModules(), ...exampleModules()];
    expect(expected.length).toBeGreaterThan(0); // an empty generated/ must not pass vacuously
    expect(exampleModules().length).toBeGreaterThan(0);

    const { status, report } = runJson(expected);
    const failures = report.results
      .filter((r) => r.errorCount > 0)
      .map((r) => `${path.relative(ROOT, r.dir)}:\n${r.diagnostics.map((d) => `  ${d.summary} (${d.file}:${d.line}) ${d.detail}`).join("\n")}`);
    expect(failures).toEqual([]);
    expect(report.results).toHaveLength(expected.length);
    expect(status).toBe(0);
  });
});
