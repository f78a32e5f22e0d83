import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { ClusterIdentityRefs, WorkloadIdentity, WorkloadRole } from "../workload-identity";
import { awsLoadBalancerControllerPolicy } from "./aws-load-balancer-controller-iam-policy";
import { chartRelease, Placement } from "./helm-release";

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "aws-load-balancer-controller";

export interface AwsLoadBalancerControllerIamProps {
  readonly cluster: ClusterIdentityRefs;
  /** Pod Identity for pods on EC2 nodes; IRSA on Fargate. */
  readonly identity: WorkloadIdentity;
  /**
   * Whether to output `aws_load_balancer_controller_role_arn`. Default true; false when the
   * blueprint hands the ARN to the add-ons module, which outputs it under the same name.
   */
  readonly output?: boolean;
}

/** Cluster-module side: the controller's IAM role with the upstream policy, and its Pod Identity association. */
export class AwsLoadBalancerControllerIam extends Construct {
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerIamProps) {
    super(scope, id);
    setModuleFile(this, "addon_iam");
    this.roleArn = new WorkloadRole(this, {
      address: "aws_load_balancer_controller",
      roleNameSuffix: "aws-load-balancer-controller",
      description: "Lets the AWS Load Balancer Controller manage ALBs, NLBs and target groups for the cluster.",
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      identity: props.identity,
      cluster: props.cluster,
      policy: awsLoadBalancerControllerPolicy,
      outputName: props.output === false ? undefined : "aws_load_balancer_controller_role_arn",
    }).arn;
  }
}

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
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: Placement["tolerations"];
}

export interface AwsLoadBalancerControllerChartProps {
  /** Releases that must be ready first (the Load Balancer Controller\'s webhook intercepts Services). Default none. */
  readonly dependsOn?: ITerraformDependable[];
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  /** Default 2, so the webhook survives a node drain. */
  readonly replicas?: number;
  /** With IRSA, the role to annotate the service account with. Omit for Pod Identity. */
  readonly irsaRoleArn?: string;
  readonly placement?: Placement;
}

/** Add-ons-module side: the Helm release, with region and VPC set explicitly (pods have no IMDS access). */
export class AwsLoadBalancerControllerChart extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerChartProps) {
    super(scope, id);
    setModuleFile(this, "aws_load_balancer_controller");
    const values: AwsLoadBalancerControllerValues = {
      clusterName: props.clusterName,
      region: props.region,
      vpcId: props.vpcId,
      replicaCount: props.replicas ?? 2,
      serviceAccount: {
        create: true,
        name: SERVICE_ACCOUNT,
        annotations: props.irsaRoleArn ? { "eks.amazonaws.com/role-arn": props.irsaRoleArn } : {},
      },
      podDisruptionBudget: { maxUnavailable: 1 },
      ...props.placement,
    };
    this.release = chartRelease(this, {
      address: "aws_load_balancer_controller",
      releaseName: "aws-load-balancer-controller",
      chart: helmCharts.awsLoadBalancerController,
      namespace: NAMESPACE,
      values,
      dependsOn: props.dependsOn,
    });
  }
}
