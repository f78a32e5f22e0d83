import { fargatePodNetworking } from "../../modules/pod-networking";
import { ITerraformDependable, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Addon, AddonsSide, addonSettingsSchema, Handoff } from "../../modules/addons/contract";
import { AwsLoadBalancerController, LOAD_BALANCER_CONTROLLER_ROLE_ARN } from "../../modules/addons/aws-load-balancer-controller";
import { MetricsServer } from "../../modules/addons/metrics-server";
import { emitModule } from "../../emitter/emit-module";
import { findBlueprint } from "../../blueprints/registry";
import { Blueprint } from "../../blueprints/blueprint";
import { generateModules } from "../../emitter/generate";
import { clusterSide, emitted, minimalStack } from "./fixture";

describe("the add-on contract", () => {
  test("an add-on's settings sit under its key with its defaults; rejected keys say why", () => {
    const schema = addonSettingsSchema([new AwsLoadBalancerController(), new MetricsServer()], { clusterAutoscaler: "no nodes here" });
    expect(schema.parse(undefined)).toEqual({ awsLoadBalancerController: { replicas: 2 } });
    const result = schema.safeParse({ clusterAutoscaler: {} });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toBe("unknown setting: no nodes here");
    expect(schema.safeParse({ metricsServer: {} }).success).toBe(false);
  });

  test("with IRSA the Load Balancer Controller hands its role ARN off through the typed constant, and outputs nothing itself", () => {
    const stack = minimalStack();
    const side = clusterSide({ compute: "fargate", nodeGroups: {}, workloadIdentity: "irsa", networking: fargatePodNetworking("ipv4") });
    new AwsLoadBalancerController().buildCluster(stack, side);
    new TerraformOutput(stack, "probe", { value: side.handoffs.get(LOAD_BALANCER_CONTROLLER_ROLE_ARN) });
    const outputs = emitted(stack).merged.output;
    expect(outputs).toEqual({ probe: { value: "${aws_iam_role.aws_load_balancer_controller.arn}" } });
  });

  test("with Pod Identity it hands nothing off and outputs its role ARN", () => {
    const stack = minimalStack();
    const side = clusterSide();
    new AwsLoadBalancerController().buildCluster(stack, side);
    expect(side.handoffs.size).toBe(0);
    expect(emitted(stack).output("aws_load_balancer_controller_role_arn").value).toBe("${aws_iam_role.aws_load_balancer_controller.arn}");
  });

  test("a prerequisite listed after the add-on that needs it is a synth error naming both", () => {
    const baseline = findBlueprint("baseline");
    const reversed: Blueprint = { ...baseline, addons: [...baseline.addons].reverse() };
    expect(() => generateModules([{ blueprint: reversed }])).toThrow(
      /blueprint baseline: list awsLoadBalancerController before destroyCleanup, which must come after it/,
    );
  });

  test("add-ons wait only for the prerequisites the blueprint has", () => {
    class Marker extends Addon<"marker"> {
      readonly key = "marker";
      readonly after = [AwsLoadBalancerController];
      seen: ITerraformDependable[] | undefined;
      buildAddons(_scope: Construct, side: AddonsSide): ITerraformDependable[] {
        this.seen = side.prerequisites;
        return [];
      }
    }
    const baseline = findBlueprint("baseline");
    const withController = new Marker();
    generateModules([{ blueprint: { ...baseline, addons: [...baseline.addons, withController] } }]);
    expect(withController.seen).toHaveLength(1);
    const without = new Marker();
    generateModules([{ blueprint: { ...baseline, addons: baseline.addons.filter((a) => !(a instanceof AwsLoadBalancerController)).concat(without) } }]);
    expect(without.seen).toEqual([]);
  });

  test("a handoff the cluster module does not make is a synth error naming it", () => {
    const orphan = new Handoff("orphan_value", "never handed off");
    class NeedsOrphan extends Addon<"needsOrphan"> {
      readonly key = "needsOrphan";
      buildAddons(_scope: Construct, side: AddonsSide): ITerraformDependable[] {
        side.input(orphan);
        return [];
      }
    }
    const baseline = findBlueprint("baseline");
    expect(() => generateModules([{ blueprint: { ...baseline, addons: [...baseline.addons, new NeedsOrphan()] } }])).toThrow(
      /blueprint baseline: the cluster module hands off no orphan_value/,
    );
  });
});

describe("moved blocks", () => {
  test("recordMove writes migrations.tf.json, sorted by the old address", () => {
    const stack = minimalStack();
    new IamRole(stack, "node", { assumeRolePolicy: "{}" });
    new IamRole(stack, "cluster", { assumeRolePolicy: "{}" });
    stack.recordMove("aws_iam_role.workers", "aws_iam_role.node");
    stack.recordMove("aws_iam_role.control_plane", "aws_iam_role.cluster");
    expect(emitModule(stack).get("migrations.tf.json")).toEqual({
      moved: [
        { from: "aws_iam_role.control_plane", to: "aws_iam_role.cluster" },
        { from: "aws_iam_role.workers", to: "aws_iam_role.node" },
      ],
    });
  });

  test("a move to an address the module lacks, or from one it still has, is a synth error", () => {
    const lost = minimalStack();
    new IamRole(lost, "node", { assumeRolePolicy: "{}" });
    lost.recordMove("aws_iam_role.workers", "aws_iam_role.nodes");
    expect(() => emitModule(lost)).toThrow(/moved block to aws_iam_role.nodes, which the module does not have/);

    const live = minimalStack();
    new IamRole(live, "node", { assumeRolePolicy: "{}" });
    new IamRole(live, "workers", { assumeRolePolicy: "{}" });
    live.recordMove("aws_iam_role.workers", "aws_iam_role.node");
    expect(() => emitModule(live)).toThrow(/moved block from aws_iam_role.workers, which the module still has/);
  });

  test("a module without moves has no migrations file", () => {
    const stack = minimalStack();
    new IamRole(stack, "node", { assumeRolePolicy: "{}" });
    expect(emitModule(stack).has("migrations.tf.json")).toBe(false);
  });
});
