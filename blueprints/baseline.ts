import { z } from "zod";
import { AwsLoadBalancerControllerChart, AwsLoadBalancerControllerIam } from "../modules/addons/aws-load-balancer-controller";
import { AddonContext } from "../modules/addons/context";
import { ClusterAutoscalerChart, ClusterAutoscalerIam } from "../modules/addons/cluster-autoscaler";
import { Gp3StorageClass } from "../modules/addons/gp3-storage-class";
import { MetricsServer } from "../modules/addons/metrics-server";
import { NodeBootstrapAddons, WorkloadAddons } from "../modules/eks-addons";
import { NodeGroups } from "../modules/node-groups";
import { Blueprint } from "./blueprint";
import { networkAndControlPlane, nodeGroupVariables } from "./compose";
import { addonSettingsShape, checkNetworkRules, commonSettingsShape, nodeGroups } from "./settings";

export const baselineSettings = z
  .strictObject({
    ...commonSettingsShape,
    clusterName: commonSettingsShape.clusterName.default("baseline"),
    /** Default: one on-demand group "general" of 2–6 two-vCPU nodes across three instance families. */
    nodeGroups: nodeGroups.prefault({
      general: { instanceTypes: ["m6i.large", "m6a.large", "m7i.large"], minSize: 2, desiredSize: 3, maxSize: 6 },
    }),
    addons: z.strictObject(addonSettingsShape).prefault({}),
  })
  .superRefine(checkNetworkRules);

export type BaselineSettings = z.output<typeof baselineSettings>;

export const baseline: Blueprint<typeof baselineSettings> = {
  name: "baseline",
  summary: "General-purpose production cluster: managed on-demand nodes, load balancing, autoscaling, gp3 storage.",
  composes: [
    "VPC (3 AZs, public/private/intra subnets, NAT, flow logs)",
    "EKS control plane (private endpoint, KMS secrets encryption, access entries, all control-plane logs)",
    "managed node groups (AL2023, IMDSv2, encrypted gp3)",
    "EKS add-ons: vpc-cni (network policy), kube-proxy, CoreDNS, Pod Identity agent, EBS CSI",
    "Helm: AWS Load Balancer Controller, Cluster Autoscaler, metrics-server; default gp3 StorageClass",
  ],
  whenToUse:
    "Start here for most workloads. Pick spot-cost-optimized when interruptible capacity is acceptable, fargate-only to run no nodes, gpu for NVIDIA workloads.",
  settings: baselineSettings,

  buildCluster(stack, settings, inputs) {
    const { cluster, network, identity } = networkAndControlPlane(stack, settings, inputs);
    const bootstrap = new NodeBootstrapAddons(stack, "node_bootstrap_addons", {
      clusterName: identity.clusterName,
      kubernetesVersion: cluster.kubernetesVersion,
      identity,
    });
    const groups = new NodeGroups(stack, "node_groups", {
      ...inputs,
      clusterName: identity.clusterName,
      kubernetesVersion: cluster.kubernetesVersion,
      subnetIds: network.privateSubnetIds,
      nodeGroups: nodeGroupVariables(settings.nodeGroups),
      dependsOn: bootstrap.addons,
    });
    new WorkloadAddons(stack, "workload_addons", {
      clusterName: identity.clusterName,
      kubernetesVersion: cluster.kubernetesVersion,
      identity,
      versionsForCluster: bootstrap.versionsForCluster,
      compute: [groups.nodeGroups],
    });
    new AwsLoadBalancerControllerIam(stack, "aws_load_balancer_controller_iam", { cluster: identity, identity: "podIdentity" });
    new ClusterAutoscalerIam(stack, "cluster_autoscaler_iam", { cluster: identity });
    return {};
  },

  buildAddons(stack, settings, inputs) {
    const context = new AddonContext(stack, "context", { clusterName: inputs.clusterName });
    const where = { clusterName: context.clusterName, region: context.region };
    const lbc = new AwsLoadBalancerControllerChart(stack, "aws_load_balancer_controller", {
      ...where,
      vpcId: context.vpcId,
      replicas: settings.addons.awsLoadBalancerController.replicas,
    });
    new ClusterAutoscalerChart(stack, "cluster_autoscaler", {
      ...where,
      ...settings.addons.clusterAutoscaler,
      dependsOn: [lbc.release],
    });
    new MetricsServer(stack, "metrics_server", { dependsOn: [lbc.release] });
    new Gp3StorageClass(stack, "storage");
  },
};
