/**
 * `terraform plan` (stub providers) of the modules synthesized from examples/*.yaml, in a suite of its
 * own so that jest runs it beside the other Terraform-backed suites.
 */
import * as fs from "fs";
import * as path from "path";
import { GENERATED, ROOT, describeFailures, exampleModules, loadApi, type Api, type PlanResult } from "./helpers";

let api: Api;
let results: PlanResult[];

beforeAll(async () => {
  api = loadApi();
  results = await api.planModules(exampleModules());
}, 180_000);

const planned = (example: string): PlanResult => results.find((x) => x.dir === path.join(GENERATED, "examples", example, "cluster"))!;
const keysOf = (r: PlanResult, resource: string): unknown[] => r.changes.filter((c) => c.resource === resource).map((c) => c.key);

describe("example modules (examples/*.yaml)", () => {
  test("every example's cluster and add-ons modules plan with zero errors", () => {
    const names = fs.readdirSync(path.join(ROOT, "examples")).map((f) => f.replace(/\.yaml$/, ""));
    expect(names.length).toBeGreaterThan(0);
    expect(results.map((r) => path.relative(GENERATED, r.dir)).sort()).toEqual(names.flatMap((n) => [`examples/${n}/addons`, `examples/${n}/cluster`]).sort());
    expect(describeFailures(results)).toEqual([]);
    for (const r of results) expect(r.instanceCount).toBeGreaterThan(0);
  });

  test("existing-vpc/cluster plans no network, only the cluster and its node group", () => {
    const vpc = planned("existing-vpc");
    expect(Object.keys(vpc.resourceCounts).filter((r) => /^aws_(vpc|subnet|nat_gateway|internet_gateway|eip)\./.test(r))).toEqual([]);
    expect(keysOf(vpc, "aws_eks_node_group.this")).toEqual(["general"]);
  });

  test("gpu-efa-training/cluster: one placement group, for the EFA group only", () => {
    const efa = planned("gpu-efa-training");
    expect(keysOf(efa, "aws_placement_group.efa")).toEqual(["training"]);
    expect(keysOf(efa, "aws_eks_node_group.this").sort()).toEqual(["gpu", "system", "training"]);
  });

  test("self-managed-nodes/cluster: an Auto Scaling group and launch template per group, one EC2_LINUX access entry", () => {
    const sm = planned("self-managed-nodes");
    expect(keysOf(sm, "aws_autoscaling_group.self_managed").sort()).toEqual(["batch", "spot-workers"]);
    expect(keysOf(sm, "aws_launch_template.self_managed").sort()).toEqual(["batch", "spot-workers"]);
    expect(sm.resourceCounts["aws_eks_access_entry.self_managed_node"]).toBe(1);
    expect(sm.resourceCounts["aws_iam_instance_profile.self_managed_node"]).toBe(1);
  });
});
