import { fargatePodNetworking } from "../../modules/pod-networking";
import { TerraformOutput } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsLoadBalancerController, LOAD_BALANCER_CONTROLLER_ROLE_ARN } from "../../modules/addons/aws-load-balancer-controller";
import { awsLoadBalancerControllerPolicy } from "../../modules/addons/aws-load-balancer-controller-iam-policy";
import { BlueprintFacts } from "../../modules/addons/contract";
import { FargateLogging } from "../../modules/addons/fargate-logging";
import { helmCharts } from "../../modules/catalog";
import { trustPolicy } from "../../modules/iam";
import { addonsSide, clusterSide, minimalStack, NODE_FACTS } from "./fixture";
import { jsonencoded, withProbes } from "./hcl";

const FARGATE: BlueprintFacts = { compute: "fargate", nodeGroups: {}, workloadIdentity: "irsa", networking: fargatePodNetworking("ipv4") };
const addon = new AwsLoadBalancerController();

function addonsModule(facts: BlueprintFacts, replicas = 2) {
  const stack = minimalStack("addons");
  const before = new IamRole(stack, "before", { assumeRolePolicy: "{}" });
  const inputs = new Map([[LOAD_BALANCER_CONTROLLER_ROLE_ARN, "${var.aws_load_balancer_controller_role_arn}"]]);
  const returned = addon.buildAddons(stack, addonsSide(stack, facts, inputs, [before]), addon.settings.parse({ replicas }));
  const { module } = withProbes(stack, {});
  return { returned, module, release: module.resource("helm_release", "aws_load_balancer_controller") };
}

describe("AwsLoadBalancerController", () => {
  test("settings: 2 replicas by default, 1 to 10, nothing else", () => {
    expect(addon.settings.parse(undefined)).toEqual({ replicas: 2 });
    expect(addon.settings.safeParse({ replicas: 0 }).success).toBe(false);
    expect(addon.settings.safeParse({ replicas: 11 }).success).toBe(false);
    expect(addon.settings.safeParse({ replicas: 1.5 }).success).toBe(false);
    expect(addon.settings.safeParse({ replica: 2 }).success).toBe(false);
    expect(addon.after).toEqual([FargateLogging]);
    expect(addon.clusterPhase).toBe("afterCompute");
  });

  test("cluster side: the upstream policy as a customer-managed policy, on a Pod Identity role for its service account", () => {
    const stack = minimalStack();
    const side = clusterSide();
    expect(addon.buildCluster(stack, side)).toEqual([]);
    const module = withProbes(stack, {}).module;
    expect(module.local("aws_load_balancer_controller_policy")).toEqual(awsLoadBalancerControllerPolicy("aws"));
    expect(module.resource("aws_iam_policy", "aws_load_balancer_controller").name).toBe("demo-aws-load-balancer-controller");
    expect(jsonencoded(module.resource("aws_iam_role", "aws_load_balancer_controller").assume_role_policy)).toEqual(
      trustPolicy({ kind: "podIdentity", sourceAccount: "123456789012", clusterArn: side.identity.clusterArn }),
    );
    expect(module.resource("aws_eks_pod_identity_association", "aws_load_balancer_controller")).toMatchObject({
      namespace: "kube-system",
      service_account: "aws-load-balancer-controller",
    });
    expect(Object.keys(module.files.get("addon_iam.tf.json")!.resource).sort()).toEqual([
      "aws_eks_pod_identity_association",
      "aws_iam_policy",
      "aws_iam_role",
      "aws_iam_role_policy_attachment",
    ]);
  });

  test("cluster side on Fargate: an IRSA role, no association, its ARN handed off (the handoff is the output)", () => {
    const stack = minimalStack();
    const side = clusterSide(FARGATE);
    addon.buildCluster(stack, side);
    new TerraformOutput(stack, "handed_off", { value: side.handoffs.get(LOAD_BALANCER_CONTROLLER_ROLE_ARN) });
    const module = withProbes(stack, {}).module;
    expect(module.local("aws_load_balancer_controller_trust_policy")).toEqual(
      trustPolicy({
        kind: "irsa",
        oidcProviderArn: side.identity.oidcProviderArn,
        oidcIssuer: side.identity.oidcIssuer,
        namespace: "kube-system",
        serviceAccount: "aws-load-balancer-controller",
      }),
    );
    expect(module.resources("aws_eks_pod_identity_association")).toEqual({});
    expect(module.merged.output).toEqual({ handed_off: { value: "${aws_iam_role.aws_load_balancer_controller.arn}" } });
  });

  test("add-ons side: the pinned chart; region, VPC and cluster explicit; a disruption budget; after its prerequisites", () => {
    const { returned, module, release } = addonsModule(NODE_FACTS, 3);
    expect(returned).toHaveLength(1);
    expect(release).toMatchObject({
      name: "aws-load-balancer-controller",
      chart: helmCharts.awsLoadBalancerController.chart,
      version: helmCharts.awsLoadBalancerController.version,
      namespace: "kube-system",
      depends_on: ["aws_iam_role.before"],
    });
    expect(module.local("aws_load_balancer_controller_values")).toEqual({
      clusterName: "${data.aws_eks_cluster.this.name}",
      region: "${data.aws_region.current.region}",
      vpcId: "${data.aws_eks_cluster.this.vpc_config[0].vpc_id}",
      replicaCount: 3,
      serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: {} },
      podDisruptionBudget: { maxUnavailable: 1 },
    });
    expect(Object.keys(module.files.get("aws_load_balancer_controller.tf.json")!.resource)).toEqual(["helm_release"]);
  });

  test("add-ons side on Fargate: IP targets, and the service account annotated with the handed-off role", () => {
    const values = addonsModule(FARGATE).module.local("aws_load_balancer_controller_values");
    expect(values.defaultTargetType).toBe("ip");
    expect(values.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": "${var.aws_load_balancer_controller_role_arn}" });
  });

  test("add-ons side with system placement: on the system nodes", () => {
    const placement = { nodeSelector: { "node-role": "system" }, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] } as const;
    const values = addonsModule({ ...NODE_FACTS, systemPlacement: placement }).module.local("aws_load_balancer_controller_values");
    expect(values.nodeSelector).toEqual(placement.nodeSelector);
    expect(values.tolerations).toEqual(placement.tolerations);
  });
});
