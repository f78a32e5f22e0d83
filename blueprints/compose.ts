import { Construct } from "constructs";
import { ITerraformDependable, TerraformOutput } from "cdktf";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AddonsSide, AnyAddon, BlueprintFacts, ClusterSide, Handoff, settingsOf } from "../modules/addons/contract";
import { AddonContext } from "../modules/addons/context";
import { BlueprintStack, setModuleFile } from "../modules/blueprint-stack";
import { Cluster } from "../modules/cluster";
import { CreatedNetwork, ExistingNetwork, NetworkRefs } from "../modules/network";
import { NodeGroupVariable } from "../modules/node-groups";
import { clusterNameRule } from "../modules/rules";
import { tagRules } from "../modules/aws-input-rules";
import { AwsContext } from "../modules/aws-context";
import { namePrefixLocal } from "../modules/names";
import { moduleVariable } from "../modules/terraform";
import { eksAddonVersionsLocal, EksManagedAddon } from "../modules/eks-addons";
import { ClusterIdentityRefs } from "../modules/workload-identity";
import { karpenterDiscoveryTags } from "../modules/addons/karpenter";
import { AddonInputs, Blueprint, BlueprintSettings } from "./blueprint";
import { CommonSettings, NodeGroupSettings } from "./settings";

/** The inputs every cluster module starts from: its name, tags, and where it is (partition, account, region). */
export interface ClusterInputs {
  readonly clusterName: string;
  /** `local.name_prefix`: the cluster name, cut short (and made unique) where derived names would exceed AWS limits. */
  readonly namePrefix: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** ARN of whoever runs Terraform (an assumed-role session ARN for roles). */
  readonly callerArn: string;
}

export class ClusterInputsConstruct extends Construct implements ClusterInputs {
  readonly clusterName: string;
  readonly namePrefix: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly callerArn: string;

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
    this.namePrefix = namePrefixLocal(this, this.clusterName);
    const aws = AwsContext.of(this);
    this.accountId = aws.accountId;
    this.callerArn = aws.callerIdentity.arn;
    this.region = aws.region;
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
  privateSubnetTags: Record<string, string> = {},
): { network: NetworkRefs; cluster: Cluster; identity: ClusterIdentityRefs } {
  const network: NetworkRefs =
    settings.network.mode === "create"
      ? new CreatedNetwork(scope, "network", { ...inputs, ...settings.network, privateSubnetTags })
      : new ExistingNetwork(scope, "network", { ...settings.network, privateSubnetTags });

  const cluster = new Cluster(scope, "control_plane", {
    ...inputs,
    network,
    kubernetesVersion: settings.kubernetesVersion,
    supportType: settings.supportType,
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
      clusterArn: cluster.cluster.arn,
      namePrefix: inputs.namePrefix,
      accountId: inputs.accountId,
      region: inputs.region,
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

/** The add-ons of a blueprint that its settings and facts enable, in list order. */
function enabledAddons(blueprint: Blueprint, settings: BlueprintSettings, facts: BlueprintFacts): AnyAddon[] {
  return blueprint.addons.filter((a) => a.isEnabled(settingsOf(a, settings.addons), facts));
}

/**
 * The cluster module of a blueprint: network and control plane, the add-ons nodes need (`beforeCompute`),
 * the compute, then every other add-on's cluster side in list order. Returns the values handed off to the
 * add-ons module, by name.
 */
export function composeCluster(
  stack: BlueprintStack,
  blueprint: Blueprint,
  settings: BlueprintSettings,
  inputs: ClusterInputs,
): ReadonlyMap<Handoff, string> {
  const facts = blueprint.facts(settings);
  const { network, cluster, identity } = networkAndControlPlane(stack, settings, inputs, karpenterDiscoveryTags(facts, inputs.clusterName));
  const addons = enabledAddons(blueprint, settings, facts);
  const handoffs = new Map<Handoff, string>();
  const handOff = (handoff: Handoff, value: string) => {
    if (handoffs.has(handoff)) throw new Error(`${handoff.name} is handed off twice`);
    handoffs.set(handoff, value);
  };

  const followsKubernetes = addons.some((a) => a instanceof EksManagedAddon && typeof a.definition.version !== "string");
  const versions = followsKubernetes ? eksAddonVersionsLocal(stack) : undefined;
  const side = (computeResources: readonly ITerraformDependable[]): ClusterSide => ({
    ...facts,
    identity,
    network,
    clusterSecurityGroupId: cluster.cluster.vpcConfig.clusterSecurityGroupId,
    kubernetesVersion: cluster.kubernetesVersion,
    computeResources,
    versionForCluster: (key) => {
      if (!versions) throw new Error(`no add-on version follows the control plane, yet ${key} asked for one`);
      return `\${local.${versions.friendlyUniqueId}[${cluster.kubernetesVersion}].${key}}`;
    },
    handOff,
  });

  const beforeCompute = side([]);
  const bootstrap = addons
    .filter((a) => a.clusterPhase === "beforeCompute")
    .flatMap((a) => a.buildCluster(stack, beforeCompute, settingsOf(a, settings.addons)));
  const compute = blueprint.buildCompute(stack, settings, { inputs, network, cluster, identity, bootstrap, handOff });
  const afterCompute = side(compute);
  for (const addon of addons.filter((a) => a.clusterPhase === "afterCompute")) {
    addon.buildCluster(stack, afterCompute, settingsOf(addon, settings.addons));
  }
  return handoffs;
}

/**
 * The add-ons module of a blueprint: the cluster looked up by name, then every add-on's Kubernetes side in
 * list order, each after the add-ons it names in `after` (those this blueprint has).
 */
export function composeAddons(stack: BlueprintStack, blueprint: Blueprint, settings: BlueprintSettings, inputs: AddonInputs): void {
  const context = new AddonContext(stack, "context", { clusterName: inputs.clusterName });
  const facts = blueprint.facts(settings);
  const built = new Map<AnyAddon, ITerraformDependable[]>();
  const addons = enabledAddons(blueprint, settings, facts);
  addons.forEach((addon, i) => {
    const late = addons.slice(i + 1).find((later) => addon.after.some((c) => later instanceof c));
    if (late) throw new Error(`blueprint ${blueprint.name}: list ${late.key} before ${addon.key}, which must come after it`);
  });
  for (const addon of addons) {
    const prerequisites = [...built].filter(([a]) => addon.after.some((c) => a instanceof c)).flatMap(([, resources]) => resources);
    const side: AddonsSide = { ...facts, cluster: context, prerequisites, input: (h) => inputs.input(h) };
    built.set(addon, addon.buildAddons(stack, side, settingsOf(addon, settings.addons)));
  }
}
