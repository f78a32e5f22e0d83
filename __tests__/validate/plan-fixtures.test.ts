/**
 * `terraform plan` through the stub providers on fixtures: what plan catches that validate cannot,
 * variables without defaults, and the CLI's --plan mode. Split from plan.test.ts so that jest runs
 * the two in parallel.
 */
import * as path from "path";
import { ROOT, Runs, describeFailures, errors, loadApi, runCliAsync, type Api, type PlanResult } from "./helpers";

const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "plan");

let api: Api;
const runs = new Runs();
beforeAll(() => {
  api = loadApi();
  runs.startAll();
});

describe("fixtures: plan catches what validate cannot", () => {
  const names = ["cidrsubnet-overflow", "validation-fails-on-default", "unknown-for-each-keys", "index-out-of-range"];
  let planned: Map<string, PlanResult>;

  beforeAll(async () => {
    const dirs = names.map((n) => path.join(FIXTURES, n));
    const [validated, plans] = await Promise.all([api.validateModules(dirs), api.planModules(dirs)]);
    // The premise: terraform validate accepts every one of them.
    expect(validated.flatMap((v) => v.diagnostics)).toEqual([]);
    planned = new Map(plans.map((p) => [path.basename(p.dir), p]));
  }, 120_000);

  test("cidrsubnet overflow of a variable default", () => {
    const e = errors(planned.get("cidrsubnet-overflow")!);
    expect(e.length).toBeGreaterThan(0);
    expect(e[0].summary).toBe("Error in function call");
    expect(e[0].detail).toContain('Call to function "cidrsubnet" failed: insufficient address space to extend prefix of 30 by 8.');
    expect(e[0].file).toBe(path.join(FIXTURES, "cidrsubnet-overflow", "main.tf.json"));
    expect(e[0].line).toBe(18);
  });

  test("variable validation failing on the variable's own default", () => {
    const e = errors(planned.get("validation-fails-on-default")!);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid value for variable");
    expect(e[0].detail).toContain("EKS needs at least 2 availability zones.");
    expect(e[0].line).toBe(8);
  });

  test("for_each keys that are only known after apply", () => {
    const e = errors(planned.get("unknown-for-each-keys")!);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid for_each argument");
    expect(e[0].detail).toContain("cannot be determined until apply");
    expect(e[0].line).toBe(16);
  });

  test("count beyond the zones a data source returns (3 placeholder zones)", () => {
    const e = errors(planned.get("index-out-of-range")!);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid index");
    expect(e[0].line).toBe(23);
  });
});

describe("variables without defaults", () => {
  const dir = path.join(FIXTURES, "needs-inputs");
  const plans = {
    placeholders: runs.define(() => api.planModule(dir)),
    overridden: runs.define(() =>
      api.planModule(dir, {
        showPlan: true,
        vars: { controller_role_arn: "arn:aws:iam::210987654321:role/lbc", namespaces: { apps: {}, tools: { labels: { team: "platform" } } } },
      }),
    ),
    invalidInput: runs.define(() => api.planModule(dir, { vars: { controller_role_arn: "not-an-arn" } })),
    unset: runs.define(() => api.planModule(dir, { placeholders: false })),
  };

  test("placeholders are derived from each variable's type", async () => {
    const r = await plans.placeholders();
    expect(describeFailures([r])).toEqual([]);
    expect(r.variables).toEqual({
      controller_role_arn: { value: "arn:aws:iam::123456789012:role/example", source: "placeholder" },
      cluster_name: { value: "placeholder", source: "placeholder" },
      subnet_ids: { value: ["subnet-0123456789abcdef0"], source: "placeholder" },
      controller: { value: { replicas: 1 }, source: "placeholder" }, // optional attributes left to their defaults
      namespaces: { value: { example: {} }, source: "placeholder" },
    });
    expect(r.resourceCounts).toEqual({ "helm_release.controller": 1, "kubernetes_namespace_v1.this": 1 });
  });

  test("vars override placeholders and reach the planned values", async () => {
    const r = await plans.overridden();
    expect(describeFailures([r])).toEqual([]);
    expect(r.variables.controller_role_arn).toEqual({ value: "arn:aws:iam::210987654321:role/lbc", source: "input" });
    expect(r.variables.cluster_name.source).toBe("placeholder");
    expect(r.changes.filter((c) => c.resource === "kubernetes_namespace_v1.this").map((c) => c.key)).toEqual(["apps", "tools"]);
    const helm = r.plan?.resource_changes?.find((c) => c.address === "helm_release.controller");
    const values = JSON.parse((helm?.change.after as { values: string[] }).values[0]) as { [k: string]: unknown };
    expect(values).toEqual({
      clusterName: "placeholder",
      region: "us-east-1",
      vpcId: "vpc-0123456789abcdef0",
      replicaCount: 1,
      podLabels: {},
      subnets: "subnet-0123456789abcdef0",
      serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::210987654321:role/lbc" } },
    });
    expect(r.plan?.planned_values?.outputs?.oidc_issuer.value).toBe("https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE");
  });

  test("an invalid input is reported against its variable", async () => {
    const r = await plans.invalidInput();
    const e = errors(r);
    expect(e).toHaveLength(1);
    expect(e[0].summary).toBe("Invalid value for variable");
    expect(e[0].address).toBe("var.controller_role_arn");
    expect(e[0].detail).toContain("controller_role_arn must be an IAM role ARN.");
    expect(e[0].detail).toContain('came from PlanOptions.vars: "not-an-arn"');
    expect(e[0].file).toBeUndefined();
  });

  test("placeholders: false leaves them unset, as terraform plan would", async () => {
    const r = await plans.unset();
    const e = errors(r);
    expect(e.map((d) => d.summary)).toEqual(Array(5).fill("No value for required variable"));
    expect(e.map((d) => d.line).sort((a, b) => a! - b!)).toEqual([10, 19, 20, 21, 24]);
  });
});

describe("CLI --plan", () => {
  const cli = {
    text: runs.define(() => runCliAsync(["--plan", "--var", "cluster_name=demo", path.join(FIXTURES, "needs-inputs"), path.join(FIXTURES, "cidrsubnet-overflow")])),
    json: runs.define(() => runCliAsync(["--plan", "--json", "--var", 'namespaces={"a":{},"b":{}}', path.join(FIXTURES, "needs-inputs")])),
    usage: runs.define(() => runCliAsync(["--var", "a=b", path.join(FIXTURES, "needs-inputs")])),
  };

  test("text output: counts, placeholders, errors with file and line, exit status", async () => {
    const r = await cli.text();
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ok +.*needs-inputs \(\d+ ms, 2 resource instance\(s\) planned, 0 error\(s\), 0 warning\(s\)\)/);
    expect(r.stdout).toContain('placeholder: var.subnet_ids = ["subnet-0123456789abcdef0"]');
    expect(r.stdout).not.toContain("placeholder: var.cluster_name");
    expect(r.stdout).toMatch(/FAIL .*cidrsubnet-overflow/);
    expect(r.stdout).toMatch(/error: Error in function call \(.*cidrsubnet-overflow\/main\.tf\.json:18:\d+\)/);
    expect(r.stdout).toMatch(/planned 2 module\(s\) in \d+ ms: 1 valid, 1 invalid/);
  });

  test("--json carries the plan results; --var values are JSON when they parse", async () => {
    const r = await cli.json();
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { mode: string; valid: boolean; results: PlanResult[] };
    expect(report.mode).toBe("plan");
    expect(report.results[0].resourceCounts["kubernetes_namespace_v1.this"]).toBe(2);
  });

  test("--var without --plan is a usage error", async () => {
    const r = await cli.usage();
    expect(r.status).toBe(64);
  });
});
