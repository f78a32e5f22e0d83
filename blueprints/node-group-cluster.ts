import { ITerraformDependable } from "cdktf";
import { Autoscaler, BlueprintFacts } from "../modules/addons/contract";
import { EbsCsiDriver } from "../modules/addons/ebs-csi-driver";
import { Placement } from "../modules/addons/helm-release";
import { BlueprintStack } from "../modules/blueprint-stack";
import { EksManagedAddon } from "../modules/eks-addons";
import { CreatedNetwork } from "../modules/network";
import { NodeGroups, NodeGroupsProps, NodeGroupVariable } from "../modules/node-groups";
import { ComputeScope } from "./blueprint";

/**
 * The compute shared by the blueprints that run EC2 managed node groups (baseline,
 * spot-cost-optimized, gpu): what differs between them is passed in.
 */
export interface NodeGroupComputeOptions {
  /** See NodeGroupsProps.nodeTemplateTags. Default false. */
  readonly nodeTemplateTags?: NodeGroupsProps["nodeTemplateTags"];
  /** Whether any group uses EFA: only then does the module carry EFA support. Default false. */
  readonly efa?: boolean;
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
  return [groups.nodeGroups];
}

/** Facts of a node-group blueprint: its node groups, Pod Identity, and where cluster-critical add-ons run. */
export function nodeGroupFacts(nodeGroups: Record<string, NodeGroupVariable>, autoscaler: Autoscaler, systemPlacement?: Placement): BlueprintFacts {
  return { compute: "nodes", nodeGroups, workloadIdentity: "podIdentity", systemPlacement, autoscaler };
}

/** The EKS managed add-ons of every node-group blueprint, in the order the composition creates them. */
export const eksAddonsForNodes = [
  new EksManagedAddon("vpc_cni"),
  new EksManagedAddon("kube_proxy"),
  new EksManagedAddon("eks_pod_identity_agent"),
  new EksManagedAddon("coredns"),
  new EbsCsiDriver(),
] as const;
