import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformLocal } from "cdktf";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts, kubernetesReleases } from "../catalog";
import { NodeGroupVariable } from "../node-groups";
import { CLUSTER_AUTOSCALER_EXPANDERS } from "../rules";
import { moduleVariable } from "../terraform";
import { WorkloadRole } from "../workload-identity";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { clusterAutoscalerPolicy } from "./cluster-autoscaler-iam-policy";
import { Addon, AddonsSide, BlueprintFacts, ClusterSide } from "./contract";
import { chartRelease, Placement } from "./helm-release";

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "cluster-autoscaler";
export type ClusterAutoscalerExpander = (typeof CLUSTER_AUTOSCALER_EXPANDERS)[number];
export { CLUSTER_AUTOSCALER_EXPANDERS };

const DURATION = /^\d+[smh]$/;
/** The image tag lookup's default for a Kubernetes minor the catalog has no autoscaler for (never deployed). */
const UNPINNED = "unpinned";

export interface ClusterAutoscalerSettings {
  /** How the autoscaler picks a node group to grow (`cluster_autoscaler_expander`). */
  readonly expander: ClusterAutoscalerExpander;
  /** How long a node must be unneeded before it is removed (`cluster_autoscaler_scale_down_unneeded_time`). */
  readonly scaleDownUnneededTime: string;
}

export interface ClusterAutoscalerOptions {
  /**
   * The settings' defaults for a blueprint. Default: `least-waste` (the group that leaves the least idle
   * CPU and memory) and `10m`.
   */
  readonly defaults?: Partial<ClusterAutoscalerSettings>;
  /** Extra command-line flags for a blueprint's tuning (e.g. spot). Default none. */
  readonly extraArgs?: Readonly<Record<string, string | boolean | number>>;
  /**
   * Default of `cluster_autoscaler_expander_priorities`, from the blueprint's node groups: priority
   * (higher wins) → regular expressions matched against Auto Scaling group names (EKS names them
   * `eks-<node group>-<uuid>`). The chart renders them into the `cluster-autoscaler-priority-expander`
   * ConfigMap. Default: no such variable.
   */
  readonly expanderPriorities?: (
    nodeGroups: Readonly<Record<string, NodeGroupVariable>>,
    selfManagedNodeGroups: Readonly<Record<string, NodeGroupVariable>>,
  ) => Record<string, string[]>;
}

/** The chart values this project sets (cluster-autoscaler chart). */
export interface ClusterAutoscalerValues {
  /** The autoscaler image for the cluster's Kubernetes minor; the chart's default is its appVersion. */
  readonly image: { readonly tag: string };
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

/**
 * The Cluster Autoscaler. Cluster module: a Pod Identity role whose mutating actions only reach Auto
 * Scaling groups tagged `k8s.io/cluster-autoscaler/<cluster>=owned`, which EKS puts on this cluster's node
 * groups. Add-ons module: the Helm release, discovering node groups by cluster name, with its tuning as
 * module variables.
 */
export class ClusterAutoscaler extends Addon<"clusterAutoscaler", ClusterAutoscalerSettings> {
  readonly key = "clusterAutoscaler";
  readonly settings: z.ZodType<ClusterAutoscalerSettings>;
  readonly after = [AwsLoadBalancerController];

  constructor(private readonly options: ClusterAutoscalerOptions = {}) {
    super();
    this.settings = z
      .strictObject({
        /** Default least-waste, unless the blueprint says otherwise. */
        expander: z.enum(CLUSTER_AUTOSCALER_EXPANDERS).default(options.defaults?.expander ?? "least-waste"),
        /** Default 10m, unless the blueprint says otherwise. */
        scaleDownUnneededTime: z
          .string()
          .regex(DURATION, "must be a duration such as 10m")
          .default(options.defaults?.scaleDownUnneededTime ?? "10m"),
      })
      .prefault({});
  }

  /** Not when the blueprint's nodes are scaled by Karpenter instead. */
  isEnabled(_settings: ClusterAutoscalerSettings, facts: BlueprintFacts): boolean {
    return facts.autoscaler !== "karpenter";
  }

  buildCluster(scope: Construct, side: ClusterSide): ITerraformDependable[] {
    const holder = new Construct(scope, "cluster_autoscaler_iam");
    setModuleFile(holder, "addon_iam");
    new WorkloadRole(holder, {
      address: "cluster_autoscaler",
      roleNameSuffix: "cluster-autoscaler",
      description: "Lets the Cluster Autoscaler resize this cluster's node groups.",
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      identity: "podIdentity",
      cluster: side.identity,
      policy: clusterAutoscalerPolicy(
        side.identity.clusterName,
        `arn:${side.identity.partition}:eks:${side.identity.region}:${side.identity.accountId}:nodegroup/${side.identity.clusterName}/*`,
      ),
      outputName: "cluster_autoscaler_role_arn",
    });
    return [];
  }

  buildAddons(scope: Construct, side: AddonsSide, s: ClusterAutoscalerSettings): ITerraformDependable[] {
    const holder = new Construct(scope, "cluster_autoscaler");
    setModuleFile(holder, "cluster_autoscaler");
    const expander = moduleVariable(holder, "cluster_autoscaler_expander", {
      type: "string",
      description: "How the Cluster Autoscaler picks a node group to grow: least-waste, priority, random or most-pods.",
      default: s.expander,
      rules: [
        {
          condition: `contains(${JSON.stringify(CLUSTER_AUTOSCALER_EXPANDERS)}, var.cluster_autoscaler_expander)`,
          message: `cluster_autoscaler_expander must be one of ${CLUSTER_AUTOSCALER_EXPANDERS.join(", ")}.`,
        },
      ],
    });
    const unneeded = moduleVariable(holder, "cluster_autoscaler_scale_down_unneeded_time", {
      type: "string",
      description: "How long a node must be unneeded before the Cluster Autoscaler removes it, e.g. 10m.",
      default: s.scaleDownUnneededTime,
      rules: [
        {
          condition: `can(regex("${DURATION.source.replace(/\\d/g, "[0-9]")}", var.cluster_autoscaler_scale_down_unneeded_time))`,
          message: "cluster_autoscaler_scale_down_unneeded_time must be a duration such as 10m.",
        },
      ],
    });
    const priorities =
      this.options.expanderPriorities &&
      moduleVariable(holder, "cluster_autoscaler_expander_priorities", {
        type: "map(list(string))",
        description:
          "Priority expander configuration: priority (a number; higher wins) to regular expressions over Auto Scaling group names (eks-<node group>-<uuid>). Used when cluster_autoscaler_expander is priority.",
        default: this.options.expanderPriorities(side.nodeGroups, side.selfManagedNodeGroups ?? {}),
        rules: [
          {
            condition: "alltrue([for p, _ in var.cluster_autoscaler_expander_priorities : can(tonumber(p))])",
            message: "cluster_autoscaler_expander_priorities keys must be numbers (priorities; higher wins).",
          },
        ],
      });
    // Upstream: run the autoscaler minor that matches the cluster's. The tag follows the cluster's actual
    // version (looked up), not a variable, so a control-plane upgrade moves the autoscaler with it.
    const imageTags = new TerraformLocal(
      holder,
      "cluster_autoscaler_image_tags",
      Object.fromEntries(Object.entries(kubernetesReleases).map(([minor, release]) => [minor, release.clusterAutoscaler])),
    );
    const clusterVersion = side.cluster.kubernetesVersion;
    const values: ClusterAutoscalerValues = {
      // A minor without a tag is stopped by the precondition below, with a message; the default only keeps
      // this lookup from failing first with a bare "Invalid index".
      image: { tag: Fn.lookup(imageTags.expression, clusterVersion, UNPINNED) },
      cloudProvider: "aws",
      awsRegion: side.cluster.region,
      autoDiscovery: { clusterName: side.cluster.clusterName },
      rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT } },
      extraArgs: {
        expander: expander.stringValue,
        "scale-down-unneeded-time": unneeded.stringValue,
        // Node groups of one shape spread across zones should grow together.
        "balance-similar-node-groups": true,
        // Pods with emptyDir (most controllers) would otherwise pin nodes forever.
        "skip-nodes-with-local-storage": false,
        ...this.options.extraArgs,
      },
      podDisruptionBudget: { maxUnavailable: 1 },
      ...(priorities ? { expanderPriorities: priorities.value as Record<string, string[]> } : {}),
      ...side.systemPlacement,
    };
    const release = chartRelease(holder, {
      address: "cluster_autoscaler",
      releaseName: "cluster-autoscaler",
      chart: helmCharts.clusterAutoscaler,
      namespace: NAMESPACE,
      values,
      dependsOn: side.prerequisites,
      title: "the Cluster Autoscaler",
    });
    const pinned = Fn.join(", ", Fn.keys(imageTags.expression));
    release.lifecycle = {
      precondition: [
        {
          condition: Fn.contains(Fn.keys(imageTags.expression), clusterVersion),
          errorMessage: `The cluster runs Kubernetes ${clusterVersion}, but this module pins Cluster Autoscaler images only for Kubernetes ${pinned} (the autoscaler's minor must match the cluster's). Regenerate the add-ons module with a release of cdktf-eks-blueprints that supports this Kubernetes version.`,
        },
      ],
    };
    return [release];
  }
}
