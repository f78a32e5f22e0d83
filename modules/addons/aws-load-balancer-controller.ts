import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { WorkloadRole } from "../workload-identity";
import { awsLoadBalancerControllerPolicy } from "./aws-load-balancer-controller-iam-policy";
import { Addon, AddonsSide, ClusterSide, Handoff } from "./contract";
import { FargateLogging } from "./fargate-logging";
import { chartRelease, Placement } from "./helm-release";

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "aws-load-balancer-controller";

/** With IRSA (Fargate), the add-ons module annotates the service account with the role the cluster module made. */
export const LOAD_BALANCER_CONTROLLER_ROLE_ARN = new Handoff(
  "aws_load_balancer_controller_role_arn",
  "ARN of the AWS Load Balancer Controller's IAM role (IRSA: EKS Pod Identity does not support Fargate pods).",
);

const settings = z
  .strictObject({
    /** Default 2 replicas, so the webhook survives a node drain. */
    replicas: z.number().int().min(1).max(10).default(2),
  })
  .prefault({});
export type AwsLoadBalancerControllerSettings = z.output<typeof settings>;

/** The chart values this project sets (aws-load-balancer-controller chart). */
export interface AwsLoadBalancerControllerValues {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly serviceAccount: {
    readonly create: true;
    readonly name: string;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly podDisruptionBudget: { readonly maxUnavailable: number };
  /** On Fargate `ip`: Fargate pods can only be IP targets; `instance` targets never become healthy. */
  readonly defaultTargetType?: "ip";
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: Placement["tolerations"];
}

/**
 * The AWS Load Balancer Controller: ALBs for Ingresses, NLBs for Services of type LoadBalancer.
 * Cluster module: its IAM role with the upstream policy (Pod Identity, or IRSA on Fargate).
 * Add-ons module: the Helm release, with region and VPC set explicitly (pods have no IMDS access).
 * Its Service webhook intercepts every Service, so other charts name it in `after`.
 */
export class AwsLoadBalancerController extends Addon<"awsLoadBalancerController", AwsLoadBalancerControllerSettings> {
  readonly key = "awsLoadBalancerController";
  readonly settings = settings;
  /** On Fargate, pods must start with log shipping configured. */
  readonly after = [FargateLogging];

  buildCluster(scope: Construct, side: ClusterSide): ITerraformDependable[] {
    const holder = new Construct(scope, "aws_load_balancer_controller_iam");
    setModuleFile(holder, "addon_iam");
    const irsa = side.workloadIdentity === "irsa";
    const role = new WorkloadRole(holder, {
      address: "aws_load_balancer_controller",
      roleNameSuffix: "aws-load-balancer-controller",
      description: "Lets the AWS Load Balancer Controller manage ALBs, NLBs and target groups for the cluster.",
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      identity: side.workloadIdentity,
      cluster: side.identity,
      policy: awsLoadBalancerControllerPolicy(side.identity.partition),
      // Handed off under the same name, and the handoff is itself an output.
      outputName: irsa ? undefined : "aws_load_balancer_controller_role_arn",
    });
    if (irsa) side.handOff(LOAD_BALANCER_CONTROLLER_ROLE_ARN, role.arn);
    return [];
  }

  buildAddons(scope: Construct, side: AddonsSide, s: AwsLoadBalancerControllerSettings): ITerraformDependable[] {
    const holder = new Construct(scope, "aws_load_balancer_controller");
    setModuleFile(holder, "aws_load_balancer_controller");
    const irsaRoleArn = side.workloadIdentity === "irsa" ? side.input(LOAD_BALANCER_CONTROLLER_ROLE_ARN) : undefined;
    const values: AwsLoadBalancerControllerValues = {
      clusterName: side.cluster.clusterName,
      region: side.cluster.region,
      vpcId: side.cluster.vpcId,
      replicaCount: s.replicas,
      serviceAccount: {
        create: true,
        name: SERVICE_ACCOUNT,
        annotations: irsaRoleArn ? { "eks.amazonaws.com/role-arn": irsaRoleArn } : {},
      },
      podDisruptionBudget: { maxUnavailable: 1 },
      ...(side.compute === "fargate" ? { defaultTargetType: "ip" as const } : {}),
      ...side.systemPlacement,
    };
    const release = chartRelease(holder, {
      address: "aws_load_balancer_controller",
      releaseName: "aws-load-balancer-controller",
      chart: helmCharts.awsLoadBalancerController,
      namespace: NAMESPACE,
      values,
      dependsOn: side.prerequisites,
      title: "the AWS Load Balancer Controller",
    });
    return [release];
  }
}
