/**
 * End-to-end tests of `terraform plan` through the stub providers: the real
 * Terraform binary evaluates variable defaults, count / for_each and functions
 * of the modules, with data sources answered by placeholders. They load the
 * compiled code (dist/validate; `npm test` builds first). Fixtures, inputs and
 * the CLI are in plan-fixtures.test.ts, which jest runs in parallel with this.
 */
import * as path from "path";
import { DIST, GENERATED, Runs, describeFailures, generatedModules, loadApi, type Api, type PlanResult } from "./helpers";

let api: Api;
const runs = new Runs();
beforeAll(() => {
  api = loadApi();
  runs.startAll();
});

describe("generated modules", () => {
  const dirs = generatedModules();
  let results: PlanResult[];

  beforeAll(async () => {
    results = await api.planModules(dirs);
  }, 120_000);

  test("every module under generated/*/*/ plans with zero errors", () => {
    expect(dirs.length).toBeGreaterThan(0); // an empty generated/ must not pass vacuously
    expect(describeFailures(results)).toEqual([]);
    expect(results).toHaveLength(dirs.length);
    for (const r of results) expect(r.instanceCount).toBeGreaterThan(0);
  });

  test("baseline/cluster with defaults: 3 zones, a single NAT gateway, the general node group, the creator as admin", () => {
    const r = results.find((x) => x.dir === path.join(GENERATED, "baseline", "cluster"));
    expect(r).toBeDefined();
    const counts = r!.resourceCounts;
    expect(counts["aws_subnet.private"]).toBe(3);
    expect(counts["aws_subnet.public"]).toBe(3);
    expect(counts["aws_subnet.intra"]).toBe(3);
    expect(counts["aws_nat_gateway.this"]).toBe(1);
    expect(counts["aws_eip.nat"]).toBe(1);
    expect(counts["aws_route.private_nat"]).toBe(3);
    const keys = (resource: string): unknown[] => r!.changes.filter((c) => c.resource === resource).map((c) => c.key);
    expect(keys("aws_subnet.private")).toEqual([0, 1, 2]);
    expect(keys("aws_eks_node_group.this")).toEqual(["general"]);
    expect(keys("aws_launch_template.node")).toEqual(["general"]);
    // The creator (the session issuer: the data-source placeholder) is recorded once; the explicit admins
    // (admin_principal_arns = []) leave it out, so no principal gets two entries.
    expect(keys("aws_eks_access_entry.cluster_creator")).toEqual([0]);
    expect(keys("aws_eks_access_policy_association.cluster_creator")).toEqual([0]);
    expect(keys("aws_eks_access_entry.admin")).toEqual([]);
    expect(r!.changes.every((c) => c.action === "create")).toBe(true);
    expect(r!.variables).toEqual({}); // every variable has a default
  });
});

describe("the JSON plan (showPlan)", () => {
  const baselineCluster = runs.define(() => api.planModule(path.join(GENERATED, "baseline", "cluster"), { showPlan: true }));

  test("baseline/cluster: cidrsubnet, element and merge evaluated from the defaults", async () => {
    const r = await baselineCluster();
    expect(describeFailures([r])).toEqual([]);
    const subnets = (r.plan?.resource_changes ?? []).filter((c) => c.type === "aws_subnet" && c.name === "private");
    expect(subnets.map((s) => s.index)).toEqual([0, 1, 2]);
    const after = subnets.map((s) => s.change.after as { cidr_block: string; availability_zone: string; tags: { [k: string]: string } });
    // Three distinct CIDR blocks inside the default VPC CIDR 10.0.0.0/16.
    expect(new Set(after.map((a) => a.cidr_block)).size).toBe(3);
    for (const a of after) expect(a.cidr_block).toMatch(/^10\.0\.\d{1,3}\.\d{1,3}\/\d{2}$/);
    expect(after.map((a) => a.availability_zone)).toEqual(api.PLACEHOLDER.availabilityZones);
    expect(after.map((a) => a.tags.Name)).toEqual(["baseline-private-us-east-1a", "baseline-private-us-east-1b", "baseline-private-us-east-1c"]);
    // Computed attributes are unknown ("known after apply"), not null.
    const unknown = subnets[0].change.after_unknown as { [k: string]: unknown };
    expect(unknown.id).toBe(true);
    expect(unknown.arn).toBe(true);
  });
});

describe("cty msgpack codec", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const codec = (): typeof import("../../validate/cty-msgpack") => require(path.join(DIST, "cty-msgpack.js"));

  test("round-trips objects, collections, numbers, unknown and dynamic values", () => {
    const { encode, decode, UNKNOWN, Dynamic, isUnknown } = codec();
    const type: import("../../validate").CtyType = [
      "object",
      { s: "string", n: "number", f: "number", b: "bool", l: ["list", "string"], m: ["map", "number"], u: "string", d: "dynamic", z: "string" },
    ];
    const value = { s: "x", n: 300000, f: 1.5, b: true, l: ["a", "b"], m: { k: -7 }, u: UNKNOWN, d: new Dynamic(["list", "string"], ["q"]), z: null };
    const back = decode(encode(value, type), type) as { [k: string]: unknown };
    expect(back.s).toBe("x");
    expect(back.n).toBe(300000);
    expect(back.f).toBe(1.5);
    expect(back.b).toBe(true);
    expect(back.l).toEqual(["a", "b"]);
    expect({ ...(back.m as object) }).toEqual({ k: -7 });
    expect(isUnknown(back.u)).toBe(true);
    expect(back.d).toEqual(new Dynamic(["list", "string"], ["q"]));
    expect(back.z).toBeNull();
  });

  test("unknowns are extension type 0; refined unknowns (type 12) decode as unknown", () => {
    const { encode, decode, UNKNOWN, isUnknown } = codec();
    expect([...encode(UNKNOWN, "string")]).toEqual([0xc7, 0x00, 0x00]);
    // ext8, 3 bytes, type 12; payload: a refinement map { 1: false } (not null), as go-cty writes it.
    expect(isUnknown(decode(Buffer.from([0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2]), "string"))).toBe(true);
  });
});

describe("variable type parsing", () => {
  test("nested object types with optional attributes and defaults", () => {
    const t = api.parseType('map(object({\n  instance_types = list(string)\n  capacity_type = optional(string, "ON_DEMAND")\n  taints = optional(list(object({ key = string, effect = string })), [])\n}))');
    expect(t).toEqual({
      kind: "map",
      elem: {
        kind: "object",
        attrs: [
          { name: "instance_types", type: { kind: "list", elem: { kind: "string" } }, optional: false },
          { name: "capacity_type", type: { kind: "string" }, optional: true },
          {
            name: "taints",
            type: { kind: "list", elem: { kind: "object", attrs: [{ name: "key", type: { kind: "string" }, optional: false }, { name: "effect", type: { kind: "string" }, optional: false }] } },
            optional: true,
          },
        ],
      },
    });
  });
});
