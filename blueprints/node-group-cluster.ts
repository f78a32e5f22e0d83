import { ITerraformDependable } from "cdktf";
import { Autoscaler, BlueprintFacts } from "../modules/addons/contract";
import { EbsCsiDriver } from "../modules/addons/ebs-csi-driver";
import { Placement } from "../modules/addons/helm-release";
import { BlueprintStack } from "../modules/blueprint-stack";
import { EksManagedAddon } from "../modules/eks-addons";
import { CreatedNetwork } from "../modules/network";
import { NodeGroups, NodeGroupsProps, NodeGroupVariable } from "../modules/node-groups";
import { SelfManagedNodeGroups, SelfManagedNodeGroupVariable } from "../modules/self-managed-node-groups";
import { ComputeScope } from "./blueprint";
import { PodNetworking } from "../modules/pod-networking";
import { nodeGroupVariables } from "./compose";
import { SelfManagedNodeGroupSettings } from "./settings";

/**
 * The compute shared by the blueprints that run EC2 managed node groups (baseline,
 * spot-cost-optimized, gpu): what differs between them is passed in.
 */
export interface NodeGroupComputeOptions {
  /** See NodeGroupsProps.nodeTemplateTags. Default false. */
  readonly nodeTemplateTags?: NodeGroupsProps["nodeTemplateTags"];
  /** Whether any group uses EFA: only then does the module carry EFA support. Default false. */
  readonly efa?: boolean;
  /** Default of `self_managed_node_groups`. Default none: the module then has no self-managed group resources at all. */
  readonly selfManagedNodeGroups?: Readonly<Record<string, SelfManagedNodeGroupVariable>>;
}

/** Managed node groups (default of `node_groups`), after the add-ons nodes need to become Ready. */
export function nodeGroupCompute(
  stack: BlueprintStack,
  nodeGroups: Record<string, NodeGroupVariable>,
  { inputs, network, cluster, identity, bootstrap }: ComputeScope,
  options: NodeGroupComputeOptions = {},
): readonly ITerraformDependable[] {
  const groups = new NodeGroups(stack, "node_groups", {
    ...inputs,
    clusterName: identity.clusterName,
    kubernetesVersion: cluster.kubernetesVersion,
    subnetIds: network.privateSubnetIds,
    nodeGroups,
    dependsOn: [...bootstrap],
    nodeTemplateTags: options.nodeTemplateTags,
    efa: options.efa
      ? {
          vpcId: network.vpcId,
          clusterSecurityGroupId: cluster.cluster.vpcConfig.clusterSecurityGroupId,
          subnetAvailabilityZones: network instanceof CreatedNetwork ? network.privateSubnetAvailabilityZones : undefined,
        }
      : undefined,
  });
  const selfManaged = options.selfManagedNodeGroups ?? {};
  if (Object.keys(selfManaged).length === 0) return [groups.nodeGroups];
  const selfManagedGroups = new SelfManagedNodeGroups(stack, "self_managed_node_groups", {
    ...inputs,
    cluster: cluster.cluster,
    kubernetesVersion: cluster.kubernetesVersion,
    subnetIds: network.privateSubnetIds,
    nodeGroups: selfManaged,
    dependsOn: [...bootstrap],
  });
  return [groups.nodeGroups, selfManagedGroups.autoscalingGroups];
}

/** `self_managed_node_groups` as the module spells it: the managed groups' fields, plus `ami_id` where one is given. */
export function selfManagedNodeGroupVariables(groups: Readonly<Record<string, SelfManagedNodeGroupSettings>>): Record<string, SelfManagedNodeGroupVariable> {
  const asNodeGroups = nodeGroupVariables(Object.fromEntries(Object.entries(groups).map(([name, { amiId: _amiId, ...g }]) => [name, g])));
  return Object.fromEntries(
    Object.entries(asNodeGroups).map(([name, g]) => [name, { ...g, ...(groups[name].amiId === undefined ? {} : { ami_id: groups[name].amiId }) }]),
  );
}

/** Facts of a node-group blueprint: its node groups, Pod Identity, and where cluster-critical add-ons run. */
export function nodeGroupFacts(
  nodeGroups: Record<string, NodeGroupVariable>,
  autoscaler: Autoscaler,
  networking: PodNetworking,
  systemPlacement?: Placement,
  selfManagedNodeGroups: Readonly<Record<string, SelfManagedNodeGroupVariable>> = {},
): BlueprintFacts {
  return { compute: "nodes", nodeGroups, selfManagedNodeGroups, workloadIdentity: "podIdentity", systemPlacement, autoscaler, networking };
}

/** The EKS managed add-ons of every node-group blueprint, in the order the composition creates them. */
export const eksAddonsForNodes = [
  new EksManagedAddon("vpc_cni"),
  new EksManagedAddon("kube_proxy"),
  new EksManagedAddon("eks_pod_identity_agent"),
  new EksManagedAddon("coredns"),
  new EbsCsiDriver(),
] as const;
