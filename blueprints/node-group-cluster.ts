import { AwsLoadBalancerControllerChart, AwsLoadBalancerControllerIam } from "../modules/addons/aws-load-balancer-controller";
import { AddonContext } from "../modules/addons/context";
import { ClusterAutoscalerChart, ClusterAutoscalerChartProps, ClusterAutoscalerIam } from "../modules/addons/cluster-autoscaler";
import { Gp3StorageClass } from "../modules/addons/gp3-storage-class";
import { Placement } from "../modules/addons/helm-release";
import { MetricsServer } from "../modules/addons/metrics-server";
import { BlueprintStack } from "../modules/blueprint-stack";
import { NodeBootstrapAddons, WorkloadAddons } from "../modules/eks-addons";
import { CreatedNetwork } from "../modules/network";
import { NodeGroups, NodeGroupsProps, NodeGroupVariable } from "../modules/node-groups";
import { AddonInputs, ClusterHandoff } from "./blueprint";
import { ClusterInputs, networkAndControlPlane } from "./compose";
import { CommonSettings, addonSettingsShape } from "./settings";
import { z } from "zod";

/**
 * The composition shared by the blueprints that run EC2 managed node groups (baseline,
 * spot-cost-optimized, gpu): what differs between them is passed in, the order is fixed here —
 * networking add-ons, then nodes, then the add-ons that need nodes.
 */

export interface NodeGroupClusterOptions {
  /** Default of the `node_groups` variable. */
  readonly nodeGroups: Record<string, NodeGroupVariable>;
  /** See NodeGroupsProps.nodeTemplateTags. Default false. */
  readonly nodeTemplateTags?: NodeGroupsProps["nodeTemplateTags"];
  /** CoreDNS add-on configuration, e.g. placement on system nodes. Default none. */
  readonly corednsConfiguration?: Record<string, unknown>;
  /** Whether any group uses EFA: only then does the module carry EFA support. Default false. */
  readonly efa?: boolean;
}

export function nodeGroupCluster(
  stack: BlueprintStack,
  settings: CommonSettings,
  inputs: ClusterInputs,
  options: NodeGroupClusterOptions,
): { handoff: ClusterHandoff; nodeGroups: NodeGroups } {
  const { cluster, network, identity } = networkAndControlPlane(stack, settings, inputs);
  const bootstrap = new NodeBootstrapAddons(stack, "node_bootstrap_addons", {
    clusterName: identity.clusterName,
    kubernetesVersion: cluster.kubernetesVersion,
    identity,
  });
  const nodeGroups = new NodeGroups(stack, "node_groups", {
    ...inputs,
    clusterName: identity.clusterName,
    kubernetesVersion: cluster.kubernetesVersion,
    subnetIds: network.privateSubnetIds,
    nodeGroups: options.nodeGroups,
    dependsOn: bootstrap.addons,
    nodeTemplateTags: options.nodeTemplateTags,
    efa: options.efa
      ? {
          vpcId: network.vpcId,
          clusterSecurityGroupId: cluster.cluster.vpcConfig.clusterSecurityGroupId,
          subnetAvailabilityZones: network instanceof CreatedNetwork ? network.privateSubnetAvailabilityZones : undefined,
        }
      : undefined,
  });
  new WorkloadAddons(stack, "workload_addons", {
    clusterName: identity.clusterName,
    kubernetesVersion: cluster.kubernetesVersion,
    identity,
    versionsForCluster: bootstrap.versionsForCluster,
    compute: [nodeGroups.nodeGroups],
    corednsConfiguration: options.corednsConfiguration,
  });
  new AwsLoadBalancerControllerIam(stack, "aws_load_balancer_controller_iam", { cluster: identity, identity: "podIdentity" });
  new ClusterAutoscalerIam(stack, "cluster_autoscaler_iam", { cluster: identity });
  return { handoff: {}, nodeGroups };
}

type AddonSettings = { readonly addons: z.output<z.ZodObject<typeof addonSettingsShape>> };

export interface NodeGroupAddonsOptions {
  /** Where the controllers run (e.g. system nodes). Default anywhere. */
  readonly placement?: Placement;
  /** Blueprint-specific autoscaler tuning. Default none. */
  readonly clusterAutoscaler?: Pick<ClusterAutoscalerChartProps, "extraArgs" | "expanderPriorities">;
}

/**
 * The add-ons module of a node-group blueprint: Load Balancer Controller first (its webhook
 * intercepts Services), then Cluster Autoscaler and metrics-server, and the gp3 StorageClass.
 */
export function nodeGroupAddons(
  stack: BlueprintStack,
  settings: AddonSettings,
  inputs: AddonInputs,
  options: NodeGroupAddonsOptions = {},
): { context: AddonContext; loadBalancerController: AwsLoadBalancerControllerChart } {
  const context = new AddonContext(stack, "context", { clusterName: inputs.clusterName });
  const where = { clusterName: context.clusterName, region: context.region };
  const placement = options.placement;
  const loadBalancerController = new AwsLoadBalancerControllerChart(stack, "aws_load_balancer_controller", {
    ...where,
    vpcId: context.vpcId,
    replicas: settings.addons.awsLoadBalancerController.replicas,
    placement,
  });
  const afterController = [loadBalancerController.release];
  new ClusterAutoscalerChart(stack, "cluster_autoscaler", {
    ...where,
    ...settings.addons.clusterAutoscaler,
    ...options.clusterAutoscaler,
    placement,
    dependsOn: afterController,
  });
  new MetricsServer(stack, "metrics_server", { dependsOn: afterController, placement });
  new Gp3StorageClass(stack, "storage");
  return { context, loadBalancerController };
}
