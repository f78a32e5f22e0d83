import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { CLUSTER_AUTOSCALER_EXPANDERS } from "../rules";
import { moduleVariable } from "../terraform";
import { ClusterIdentityRefs, WorkloadRole } from "../workload-identity";
import { AwsContext } from "../aws-context";
import { clusterAutoscalerPolicy } from "./cluster-autoscaler-iam-policy";
import { chartRelease, Placement } from "./helm-release";

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "cluster-autoscaler";
export type ClusterAutoscalerExpander = (typeof CLUSTER_AUTOSCALER_EXPANDERS)[number];
export { CLUSTER_AUTOSCALER_EXPANDERS };

/**
 * Cluster-module side: a Pod Identity role whose mutating actions only reach Auto Scaling groups
 * tagged `k8s.io/cluster-autoscaler/<cluster>=owned`, which EKS puts on this cluster's node groups.
 */
export class ClusterAutoscalerIam extends Construct {
  constructor(scope: Construct, id: string, props: { readonly cluster: ClusterIdentityRefs }) {
    super(scope, id);
    setModuleFile(this, "addon_iam");
    new WorkloadRole(this, {
      address: "cluster_autoscaler",
      roleNameSuffix: "cluster-autoscaler",
      description: "Lets the Cluster Autoscaler resize this cluster's node groups.",
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      identity: "podIdentity",
      cluster: props.cluster,
      policy: clusterAutoscalerPolicy(
        props.cluster.clusterName,
        `arn:${props.cluster.partition}:eks:${AwsContext.of(this).region}:${AwsContext.of(this).accountId}:nodegroup/${props.cluster.clusterName}/*`,
      ),
      outputName: "cluster_autoscaler_role_arn",
    });
  }
}

/** The chart values this project sets (cluster-autoscaler chart). */
export interface ClusterAutoscalerValues {
  readonly cloudProvider: "aws";
  readonly awsRegion: string;
  readonly autoDiscovery: { readonly clusterName: string };
  readonly rbac: { readonly serviceAccount: { readonly create: true; readonly name: string } };
  readonly extraArgs: Readonly<Record<string, string | boolean | number>>;
  readonly podDisruptionBudget: { readonly maxUnavailable: number };
  /** Priority → regular expressions over Auto Scaling group names; read when the expander includes `priority`. */
  readonly expanderPriorities?: Readonly<Record<string, readonly string[]>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: Placement["tolerations"];
}

export interface ClusterAutoscalerChartProps {
  /** Releases that must be ready first (the Load Balancer Controller\'s webhook intercepts Services). Default none. */
  readonly dependsOn?: ITerraformDependable[];
  readonly clusterName: string;
  readonly region: string;
  /** Default of the `cluster_autoscaler_expander` variable. */
  readonly expander: ClusterAutoscalerExpander;
  /** Default of `cluster_autoscaler_scale_down_unneeded_time`. */
  readonly scaleDownUnneededTime: string;
  /**
   * Default of `cluster_autoscaler_expander_priorities`: priority (higher wins) → regular expressions
   * matched against Auto Scaling group names (EKS names them `eks-<node group>-<uuid>`). The chart
   * renders them into the `cluster-autoscaler-priority-expander` ConfigMap. Default: no variable.
   */
  readonly expanderPriorities?: Readonly<Record<string, readonly string[]>>;
  /** Extra command-line flags for a blueprint's tuning (e.g. spot). Default none. */
  readonly extraArgs?: Readonly<Record<string, string | boolean | number>>;
  readonly placement?: Placement;
}

/** Add-ons-module side: the Helm release, discovering node groups by cluster name. */
export class ClusterAutoscalerChart extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerChartProps) {
    super(scope, id);
    setModuleFile(this, "cluster_autoscaler");
    const expander = moduleVariable(this, "cluster_autoscaler_expander", {
      type: "string",
      description: "How the Cluster Autoscaler picks a node group to grow: least-waste, priority, random or most-pods.",
      default: props.expander,
      rules: [
        {
          condition: `contains(${JSON.stringify(CLUSTER_AUTOSCALER_EXPANDERS)}, var.cluster_autoscaler_expander)`,
          message: `cluster_autoscaler_expander must be one of ${CLUSTER_AUTOSCALER_EXPANDERS.join(", ")}.`,
        },
      ],
    });
    const unneeded = moduleVariable(this, "cluster_autoscaler_scale_down_unneeded_time", {
      type: "string",
      description: "How long a node must be unneeded before the Cluster Autoscaler removes it, e.g. 10m.",
      default: props.scaleDownUnneededTime,
      rules: [
        {
          condition: `can(regex("^[0-9]+[smh]$", var.cluster_autoscaler_scale_down_unneeded_time))`,
          message: "cluster_autoscaler_scale_down_unneeded_time must be a duration such as 10m.",
        },
      ],
    });
    const priorities =
      props.expanderPriorities &&
      moduleVariable(this, "cluster_autoscaler_expander_priorities", {
        type: "map(list(string))",
        description:
          "Priority expander configuration: priority (a number; higher wins) to regular expressions over Auto Scaling group names (eks-<node group>-<uuid>). Used when cluster_autoscaler_expander is priority.",
        default: props.expanderPriorities,
        rules: [
          {
            condition: "alltrue([for p, _ in var.cluster_autoscaler_expander_priorities : can(tonumber(p))])",
            message: "cluster_autoscaler_expander_priorities keys must be numbers (priorities; higher wins).",
          },
        ],
      });
    const values: ClusterAutoscalerValues = {
      cloudProvider: "aws",
      awsRegion: props.region,
      autoDiscovery: { clusterName: props.clusterName },
      rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT } },
      extraArgs: {
        expander: expander.stringValue,
        "scale-down-unneeded-time": unneeded.stringValue,
        // Node groups of one shape spread across zones should grow together.
        "balance-similar-node-groups": true,
        // Pods with emptyDir (most controllers) would otherwise pin nodes forever.
        "skip-nodes-with-local-storage": false,
        ...props.extraArgs,
      },
      podDisruptionBudget: { maxUnavailable: 1 },
      ...(priorities ? { expanderPriorities: priorities.value as Record<string, string[]> } : {}),
      ...props.placement,
    };
    this.release = chartRelease(this, {
      address: "cluster_autoscaler",
      releaseName: "cluster-autoscaler",
      chart: helmCharts.clusterAutoscaler,
      namespace: NAMESPACE,
      values,
      dependsOn: props.dependsOn,
    });
  }
}
