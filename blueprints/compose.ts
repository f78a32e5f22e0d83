import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { setModuleFile } from "../modules/blueprint-stack";
import { Cluster } from "../modules/cluster";
import { CreatedNetwork, ExistingNetwork, NetworkRefs } from "../modules/network";
import { NodeGroupVariable } from "../modules/node-groups";
import { clusterNameRule } from "../modules/rules";
import { tagRules } from "../modules/aws-input-rules";
import { moduleVariable } from "../modules/terraform";
import { ClusterIdentityRefs } from "../modules/workload-identity";
import { CommonSettings, NodeGroupSettings } from "./settings";

/** The inputs every cluster module starts from: its name, tags and the ARN partition. */
export interface ClusterInputs {
  readonly clusterName: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
}

export class ClusterInputsConstruct extends Construct implements ClusterInputs {
  readonly clusterName: string;
  readonly tags: Record<string, string>;
  readonly partition: string;

  constructor(scope: Construct, settings: Pick<CommonSettings, "clusterName" | "tags">) {
    super(scope, "inputs");
    setModuleFile(this, "main");
    this.clusterName = clusterNameVariable(this, settings.clusterName);
    this.tags = moduleVariable(this, "tags", {
      type: "map(string)",
      description: "Tags added to every AWS resource the module creates.",
      default: settings.tags,
      rules: tagRules("tags"),
    }).value as Record<string, string>;
    this.partition = new DataAwsPartition(this, "current", {}).partition;
  }
}

export function clusterNameVariable(scope: Construct, defaultName: string): string {
  return moduleVariable(scope, "cluster_name", {
    type: "string",
    description: "Name of the EKS cluster. Also prefixes the names of its IAM roles, log groups and KMS alias.",
    default: defaultName,
    rules: [clusterNameRule("cluster_name")],
  }).stringValue;
}

/** The network and the control plane: what every blueprint starts with. */
export function networkAndControlPlane(
  scope: Construct,
  settings: CommonSettings,
  inputs: ClusterInputs,
): { network: NetworkRefs; cluster: Cluster; identity: ClusterIdentityRefs } {
  const network: NetworkRefs =
    settings.network.mode === "create"
      ? new CreatedNetwork(scope, "network", { ...inputs, ...settings.network })
      : new ExistingNetwork(scope, "network", settings.network);

  const cluster = new Cluster(scope, "control_plane", {
    ...inputs,
    network,
    kubernetesVersion: settings.kubernetesVersion,
    endpointPublicAccess: settings.endpoint.publicAccess,
    endpointPublicAccessCidrs: settings.endpoint.publicAccessCidrs,
    adminPrincipalArns: settings.adminPrincipalArns,
    clusterCreatorAdmin: settings.clusterCreatorAdmin,
    logRetentionDays: settings.controlPlaneLogRetentionDays,
  });

  const outputs: Array<[string, unknown, string]> = [
    ["vpc_id", network.vpcId, "ID of the VPC the cluster runs in."],
    ["private_subnet_ids", network.privateSubnetIds, "IDs of the private subnets (nodes, internal load balancers)."],
    ["public_subnet_ids", network.publicSubnetIds, "IDs of the public subnets (internet-facing load balancers)."],
    ["control_plane_subnet_ids", network.controlPlaneSubnetIds, "IDs of the subnets holding the control-plane network interfaces."],
  ];
  const networkOutputs = new Construct(scope, "network_outputs");
  for (const [name, value, description] of outputs) new TerraformOutput(networkOutputs, name, { value, description });

  return {
    network,
    cluster,
    identity: {
      // The cluster resource's name, not the variable: roles and associations then wait for the cluster.
      clusterName: cluster.cluster.name,
      oidcProviderArn: cluster.oidcProvider.arn,
      oidcIssuer: cluster.oidcIssuer,
      partition: inputs.partition,
      tags: inputs.tags,
    },
  };
}

const TAINT_EFFECT_API: Record<NodeGroupSettings["taints"][number]["effect"], string> = {
  NoSchedule: "NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
};

/** Settings (Kubernetes spelling) → the `node_groups` variable's default (EKS API spelling). */
export function nodeGroupVariables(groups: Record<string, NodeGroupSettings>): Record<string, NodeGroupVariable> {
  return Object.fromEntries(
    Object.entries(groups).map(([name, g]) => [
      name,
      {
        instance_types: g.instanceTypes,
        capacity_type: g.capacityType,
        ami_type: g.amiType,
        min_size: g.minSize,
        desired_size: g.desiredSize,
        max_size: g.maxSize,
        disk_size_gib: g.diskSizeGiB,
        labels: g.labels,
        taints: g.taints.map((t) => ({ key: t.key, ...(t.value === undefined ? {} : { value: t.value }), effect: TAINT_EFFECT_API[t.effect] })),
        max_unavailable_percentage: g.maxUnavailablePercentage,
      },
    ]),
  );
}
