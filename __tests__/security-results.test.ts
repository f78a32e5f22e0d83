import * as fs from "fs";
import * as path from "path";
import { blueprints } from "../blueprints/registry";
import { generateModules } from "../emitter/generate";
import { securitySection } from "../emitter/security-section";
import { classify, RawCheck } from "../security/classify";
import { loadResults, moduleHash, readModuleSources, ScanResults, sha256 } from "../security/results";
import { loadSkips, parseSkips, Skip } from "../security/skips";
import { findModules } from "../validate/runner";
import { moduleOf } from "./helpers";

const REPO = path.resolve(__dirname, "..");
const SECURITY = path.join(REPO, "security");
const GENERATED = path.join(REPO, "generated");
const REFRESH = "run `npm run scan -- --update` and commit security/checkov-results.json and generated/";

describe("security/checkov-results.json (no Python needed)", () => {
  const results = loadResults(SECURITY) as ScanResults;
  const { skips, text } = loadSkips(SECURITY);

  test("exists and was made by the pinned checkov", () => {
    expect(results).toBeDefined();
    expect(results.checkov).toBe(fs.readFileSync(path.join(SECURITY, "checkov-version"), "utf8").trim());
  });

  test(`covers exactly the modules in generated/ (${REFRESH})`, () => {
    const onDisk = findModules(GENERATED).map((d) => path.relative(GENERATED, d).split(path.sep).join("/"));
    expect(Object.keys(results.modules)).toEqual(onDisk);
  });

  test(`is not stale: every module's content hash matches what was scanned (${REFRESH})`, () => {
    const stale = Object.entries(results.modules)
      .filter(([key, m]) => !fs.existsSync(path.join(GENERATED, key)) || moduleHash(readModuleSources(path.join(GENERATED, key))) !== m.sha256)
      .map(([key]) => key);
    expect(stale).toEqual([]);
  });

  test(`was classified with the committed skip list (${REFRESH})`, () => {
    expect(results.skipsSha256).toBe(sha256(text));
  });

  test("records no failed check, and counts that add up", () => {
    for (const [key, m] of Object.entries(results.modules)) {
      expect([key, m.failed]).toEqual([key, 0]);
      expect(m.passed).toBe(m.checks.filter((c) => c.result === "passed").length);
      expect(m.skipped).toBe(m.checks.filter((c) => c.result === "skipped").length);
      expect(m.checks.length).toBe(m.passed + m.failed + m.skipped);
    }
  });

  test("every skipped check carries the reason of its entry in checkov-skips.yaml, and every entry is used", () => {
    const used = new Set<string>();
    for (const m of Object.values(results.modules)) {
      for (const c of m.checks.filter((c) => c.result === "skipped")) {
        const entry = skips.find((s) => s.check === c.id && (s.resource === c.resource || s.resource === c.resource.replace(/\[[^\]]*\]$/, "")));
        expect(entry?.reason).toBe(c.reason);
        used.add(`${entry?.check} ${entry?.resource}`);
      }
    }
    expect(skips.map((s) => `${s.check} ${s.resource}`).filter((s) => !used.has(s))).toEqual([]);
  });

  test("each generated README shows the scan of its own two modules", () => {
    for (const { name } of blueprints) {
      const readme = fs.readFileSync(path.join(GENERATED, name, "README.md"), "utf8");
      const cluster = results.modules[`${name}/cluster`];
      const addons = results.modules[`${name}/addons`];
      expect(readme).toContain(`## Security checks\n\n[checkov](https://www.checkov.io) ${results.checkov} `);
      expect(readme).toContain(`| \`cluster/\` | ${cluster.passed} | 0 | ${cluster.skipped} |`);
      expect(readme).toContain(`| \`addons/\` | ${addons.passed} | 0 | ${addons.skipped} |`);
      for (const c of cluster.checks.filter((c) => c.result === "skipped")) {
        expect(readme).toContain(`| \`cluster/\` \`${c.resource}\` | ${c.reason} |`);
      }
    }
  });
});

describe("moduleHash", () => {
  const base = new Map([["main.tf.json", "{}\n"], ["variables.tf.json", '{"variable": {}}\n']]);

  test("counts Terraform files only, whatever their order", () => {
    const reordered = new Map([...base].reverse());
    expect(moduleHash(reordered)).toBe(moduleHash(base));
    expect(moduleHash(new Map([...base, ["README.md", "# x"]]))).toBe(moduleHash(base));
  });

  test("changes with any Terraform file's content or name", () => {
    expect(moduleHash(new Map([...base, ["main.tf.json", "{ }\n"]]))).not.toBe(moduleHash(base));
    expect(moduleHash(new Map([["main2.tf.json", "{}\n"], ["variables.tf.json", '{"variable": {}}\n']]))).not.toBe(moduleHash(base));
    expect(moduleHash(new Map([...base, ["child/main.tf.json", "{}\n"]]))).not.toBe(moduleHash(base));
  });
});

describe("classify", () => {
  const raw = (id: string, resource: string, result: RawCheck["check_result"]["result"]): RawCheck => ({
    check_id: id,
    check_name: `name of ${id}`,
    resource,
    check_result: { result },
  });
  const skips: Skip[] = [
    { check: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.cluster", reason: "retention is an input of the module" },
    { check: "CKV_AWS_1", resource: "aws_route.private", reason: "applies to every instance of the route" },
    { check: "CKV_AWS_9", resource: "aws_kms_key.nowhere", reason: "matches no failure at all any more" },
  ];
  const meta = { checkov: "3.3.30", skipsSha256: "x" };
  const { results, failures, unusedSkips } = classify(
    [
      {
        key: "bp/cluster",
        sha256: "h",
        checks: [
          raw("CKV_AWS_338", "aws_cloudwatch_log_group.flow_logs", "FAILED"),
          raw("CKV_AWS_338", "aws_cloudwatch_log_group.cluster", "FAILED"),
          raw("CKV_AWS_1", "aws_route.private[1]", "FAILED"),
          raw("CKV_AWS_7", "aws_kms_key.cluster", "PASSED"),
          raw("CKV_AWS_8", "aws_kms_key.cluster", "SKIPPED"),
        ],
      },
    ],
    skips,
    meta,
  );

  test("a failure covered by a skip (by address, or by the address of its instances) is skipped with the reason", () => {
    expect(results.modules["bp/cluster"].checks).toEqual([
      { id: "CKV_AWS_1", resource: "aws_route.private[1]", result: "skipped", reason: "applies to every instance of the route" },
      { id: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.cluster", result: "skipped", reason: "retention is an input of the module" },
      { id: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.flow_logs", result: "failed" },
      { id: "CKV_AWS_7", resource: "aws_kms_key.cluster", result: "passed" },
      { id: "CKV_AWS_8", resource: "aws_kms_key.cluster", result: "failed" },
    ]);
    expect(results.modules["bp/cluster"]).toMatchObject({ passed: 1, failed: 2, skipped: 2 });
  });

  test("an uncovered failure, and a skip checkov made on its own, are failures", () => {
    expect(failures).toEqual([
      "bp/cluster: CKV_AWS_338 on aws_cloudwatch_log_group.flow_logs (name of CKV_AWS_338)",
      "bp/cluster: CKV_AWS_8 on aws_kms_key.cluster was skipped by checkov itself (no reason)",
    ]);
  });

  test("a skip that matches nothing is reported as unused", () => {
    expect(unusedSkips).toEqual([skips[2]]);
  });

  test("is deterministic: input order does not matter", () => {
    const again = classify(
      [{ key: "bp/cluster", sha256: "h", checks: [...(results.modules["bp/cluster"].checks.map((c) => raw(c.id, c.resource, c.result === "passed" ? "PASSED" : c.id === "CKV_AWS_8" ? "SKIPPED" : "FAILED")))].reverse() }],
      skips,
      meta,
    );
    expect(JSON.stringify(again.results)).toBe(JSON.stringify(results));
  });
});

describe("checkov-skips.yaml entries", () => {
  const entry = (fields: Record<string, string>) => `- ${Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n  ")}\n`;
  const reason = "a reason a security reviewer can accept";

  test("the committed list parses", () => {
    expect(loadSkips(SECURITY).skips.length).toBeGreaterThan(0);
  });

  test.each([
    [{ check: "CKV_AWS_*", resource: "aws_kms_key.cluster", reason }, "check: must be one checkov check id"],
    [{ check: "CKV_AWS_338", resource: "*", reason }, "resource: must be one resource address"],
    [{ check: "CKV_AWS_338", resource: "aws_cloudwatch_log_group", reason }, "resource: must be one resource address"],
    [{ check: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.cluster", reason: "because" }, "reason: must say why"],
    [{ check: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.cluster", reason: `${reason}\nand more` }, "reason: must be one line"],
    [{ check: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.cluster", reason, severity: "LOW" }, "Unrecognized key"],
  ])("rejects %j", (fields, message) => {
    expect(() => parseSkips(entry(fields))).toThrow(message);
  });

  test("rejects the same check on the same resource twice", () => {
    const one = entry({ check: "CKV_AWS_338", resource: "aws_cloudwatch_log_group.cluster", reason });
    expect(() => parseSkips(one + one)).toThrow("CKV_AWS_338 aws_cloudwatch_log_group.cluster is listed twice");
  });
});

describe("securitySection", () => {
  const results = loadResults(SECURITY) as ScanResults;

  test("says a module is not scanned when its content is not what was scanned (other settings)", () => {
    const tree = generateModules([{ blueprint: blueprints[0], settings: { clusterName: "other-name" } }]);
    const cluster = moduleOf(tree, `${blueprints[0].name}/cluster/`).files;
    const section = securitySection([["cluster/", cluster]], results);
    expect(section).toMatch(/^## Security checks\n\nNot scanned: `cluster\/` differ/);
    expect(section).not.toContain("| module | passed |");
  });

  test("says so when there are no results at all", () => {
    const tree = generateModules([{ blueprint: blueprints[0] }]);
    const addons = moduleOf(tree, `${blueprints[0].name}/addons/`).files;
    expect(securitySection([["addons/", addons]], undefined)).toContain("Not scanned: `addons/`");
  });
});
