import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformLocal } from "cdktf";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { Addon, BlueprintFacts, ClusterSide } from "./addons/contract";
import { setModuleFile } from "./blueprint-stack";
import { eksAddonVersions, KubernetesRelease, kubernetesReleases } from "./catalog";
import { IamPolicyDocument } from "./iam-policy-document";
import { fsxCsiDriverPolicy } from "./addons/fsx-csi-driver-iam-policy";
import { WorkloadIdentity, WorkloadRole } from "./workload-identity";

/**
 * Conflict resolution, chosen deliberately: on create, take over fields a self-managed install may
 * have set (the module owns these add-ons from the first apply); on update, Terraform's configuration
 * wins too, so a manual `kubectl edit` drifts back instead of silently surviving.
 */
const RESOLVE_CONFLICTS = { resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" } as const;

/** The IAM role of an EKS managed add-on's service account. */
export interface EksAddonRole {
  /** Terraform address of the role (`aws_iam_role.<address>`). */
  readonly address: string;
  readonly roleNameSuffix: string;
  readonly description: string;
  readonly serviceAccount: string;
  /** The service account's namespace. Default kube-system. */
  readonly namespace?: string;
  /** IRSA sets the add-on's service account role; Pod Identity adds an association to the add-on itself. */
  readonly identity: WorkloadIdentity;
  readonly managedPolicies: readonly string[];
  /** A customer-managed policy (upstream's published least-privilege policy), for the partition. Default none. */
  readonly policy?: (partition: string) => IamPolicyDocument;
  readonly outputName: string;
}

/** One EKS managed add-on: its name, version, when it is created, its role and configuration. */
export interface EksAddonDefinition {
  readonly addonName: string;
  /** A version that works on every supported Kubernetes minor, or the per-minor pin it follows (catalog). */
  readonly version: string | { readonly followsKubernetes: keyof Omit<KubernetesRelease, "standardSupportUntil"> };
  /** Before compute: nodes need it to become Ready. After: its pods need somewhere to run. */
  readonly phase: "beforeCompute" | "afterCompute";
  readonly role?: EksAddonRole;
  /** The add-on's configuration values for a blueprint. Default none. */
  readonly configuration?: (facts: BlueprintFacts) => Record<string, unknown> | undefined;
}

/**
 * Every EKS managed add-on this project installs, keyed by Terraform address (`aws_eks_addon.<key>`).
 * Blueprints pick rows with `new EksManagedAddon("<key>")`; versions come from the catalog.
 */
export const eksAddons = {
  vpc_cni: {
    addonName: "vpc-cni",
    version: eksAddonVersions.vpcCni,
    phase: "beforeCompute",
    // IRSA rather than Pod Identity: aws-node starts before anything else on a new node.
    role: {
      address: "vpc_cni",
      roleNameSuffix: "vpc-cni",
      description: "Lets the VPC CNI (aws-node) manage network interfaces and IP addresses.",
      serviceAccount: "aws-node",
      identity: "irsa",
      managedPolicies: ["AmazonEKS_CNI_Policy"],
      outputName: "vpc_cni_role_arn",
    },
    // Network policy enforcement runs in the aws-node DaemonSet, which never runs on Fargate.
    configuration: (facts) => (facts.compute === "nodes" ? { enableNetworkPolicy: "true" } : undefined),
  },
  kube_proxy: { addonName: "kube-proxy", version: { followsKubernetes: "kubeProxy" }, phase: "beforeCompute" },
  eks_pod_identity_agent: { addonName: "eks-pod-identity-agent", version: eksAddonVersions.eksPodIdentityAgent, phase: "beforeCompute" },
  coredns: {
    addonName: "coredns",
    version: { followsKubernetes: "coredns" },
    phase: "afterCompute",
    configuration: (facts) =>
      facts.compute === "fargate" ? { computeType: "Fargate" } : facts.systemPlacement ? { ...facts.systemPlacement } : undefined,
  },
  aws_ebs_csi_driver: {
    addonName: "aws-ebs-csi-driver",
    version: eksAddonVersions.awsEbsCsiDriver,
    phase: "afterCompute",
    role: {
      address: "ebs_csi_driver",
      roleNameSuffix: "ebs-csi-driver",
      description: "Lets the EBS CSI driver create, attach and delete EBS volumes.",
      serviceAccount: "ebs-csi-controller-sa",
      identity: "podIdentity",
      managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
      outputName: "ebs_csi_driver_role_arn",
    },
  },
  // The add-on accepts a Pod Identity association for the controller only (aws-efs-csi-driver#1759);
  // the node DaemonSet mounts without AWS credentials unless a volume asks for the `iam` mount option.
  aws_efs_csi_driver: {
    addonName: "aws-efs-csi-driver",
    version: eksAddonVersions.awsEfsCsiDriver,
    phase: "afterCompute",
    role: {
      address: "efs_csi_driver",
      roleNameSuffix: "efs-csi-driver",
      description: "Lets the EFS CSI driver create and delete EFS access points for dynamically provisioned volumes.",
      serviceAccount: "efs-csi-controller-sa",
      identity: "podIdentity",
      managedPolicies: ["service-role/AmazonEFSCSIDriverPolicy"],
      outputName: "efs_csi_driver_role_arn",
    },
  },
  aws_fsx_csi_driver: {
    addonName: "aws-fsx-csi-driver",
    version: eksAddonVersions.awsFsxCsiDriver,
    phase: "afterCompute",
    role: {
      address: "fsx_csi_driver",
      roleNameSuffix: "fsx-csi-driver",
      description: "Lets the FSx for Lustre CSI driver create, resize and delete FSx for Lustre file systems.",
      serviceAccount: "fsx-csi-controller-sa",
      identity: "podIdentity",
      // Upstream's published policy rather than AmazonFSxFullAccess (all of FSx, backups, directories).
      managedPolicies: [],
      policy: fsxCsiDriverPolicy,
      outputName: "fsx_csi_driver_role_arn",
    },
  },
  amazon_cloudwatch_observability: {
    addonName: "amazon-cloudwatch-observability",
    version: eksAddonVersions.amazonCloudwatchObservability,
    phase: "afterCompute",
    // The CloudWatch agent and Fluent Bit both run as amazon-cloudwatch/cloudwatch-agent.
    role: {
      address: "cloudwatch_observability",
      roleNameSuffix: "cloudwatch-observability",
      description: "Lets the CloudWatch agent and Fluent Bit publish Container Insights metrics and container logs.",
      serviceAccount: "cloudwatch-agent",
      namespace: "amazon-cloudwatch",
      identity: "podIdentity",
      managedPolicies: ["CloudWatchAgentServerPolicy"],
      outputName: "cloudwatch_observability_role_arn",
    },
  },
} as const satisfies Record<string, EksAddonDefinition>;

export type EksAddonKey = keyof typeof eksAddons;

/** Keys of `local.eks_addon_versions[<minor>]`: the add-ons whose versions follow the control plane. */
export function versionsByKubernetesMinor(): Record<string, Record<string, string>> {
  const following = Object.entries(eksAddons as Record<string, EksAddonDefinition>).flatMap(([key, d]) =>
    typeof d.version === "string" ? [] : [[key, d.version.followsKubernetes] as const],
  );
  return Object.fromEntries(
    Object.entries(kubernetesReleases).map(([minor, release]) => [minor, Object.fromEntries(following.map(([key, pin]) => [key, release[pin]]))]),
  );
}

/** `local.eks_addon_versions`, created once per cluster module by the composition. */
export function eksAddonVersionsLocal(scope: Construct): TerraformLocal {
  const holder = new Construct(scope, "eks_addon_versions");
  setModuleFile(holder, "eks_addons");
  return new TerraformLocal(holder, "eks_addon_versions", versionsByKubernetesMinor());
}

/**
 * An EKS managed add-on from the table, with its role. Its version is the catalog's. Subclasses with settings
 * (opt-in add-ons) override `configurationValues` and `beforeAddon` and add their own resources.
 */
export class EksManagedAddon<Row extends EksAddonKey = EksAddonKey, Settings = undefined, Key extends string = Row> extends Addon<Key, Settings> {
  readonly key: Key;
  /** The table row: its key is the add-on's Terraform address (`aws_eks_addon.<row>`). */
  readonly row: Row;
  readonly clusterPhase: EksAddonDefinition["phase"];
  readonly definition: EksAddonDefinition;

  /** `key`: where its settings sit under `addons`, when it has settings; default the row's key. */
  constructor(row: Row, key?: Key) {
    super();
    this.row = row;
    this.key = key ?? (row as string as Key);
    this.definition = eksAddons[row];
    this.clusterPhase = this.definition.phase;
  }

  /** The add-on's configuration values. Default: the table's, for the blueprint's facts. */
  protected configurationValues(side: ClusterSide, _settings: Settings): Record<string, unknown> | undefined {
    return this.definition.configuration?.(side);
  }

  /** What the add-on must wait for besides its role (log groups it writes to). Default nothing. */
  protected beforeAddon(_scope: Construct, _side: ClusterSide, _settings: Settings, _role: WorkloadRole | undefined): ITerraformDependable[] {
    return [];
  }

  buildCluster(scope: Construct, side: ClusterSide, settings: Settings): ITerraformDependable[] {
    const d = this.definition;
    const holder = new Construct(scope, `${this.row}_eks_addon`);
    setModuleFile(holder, "eks_addons");
    const role =
      d.role &&
      new WorkloadRole(holder, {
        address: d.role.address,
        roleNameSuffix: d.role.roleNameSuffix,
        description: d.role.description,
        namespace: d.role.namespace ?? "kube-system",
        serviceAccount: d.role.serviceAccount,
        identity: d.role.identity,
        cluster: side.identity,
        managedPolicies: d.role.managedPolicies,
        policy: d.role.policy?.(side.identity.partition),
        // The add-on declares its own association.
        associate: false,
        outputName: d.role.outputName,
      });
    const configuration = this.configurationValues(side, settings);
    const before = this.beforeAddon(holder, side, settings, role);
    const addon = new EksAddon(holder, this.row, {
      clusterName: side.identity.clusterName,
      addonName: d.addonName,
      addonVersion: typeof d.version === "string" ? d.version : side.versionForCluster(this.row),
      serviceAccountRoleArn: role && d.role?.identity === "irsa" ? role.arn : undefined,
      podIdentityAssociation:
        role && d.role?.identity === "podIdentity" ? [{ roleArn: role.arn, serviceAccount: d.role.serviceAccount }] : undefined,
      configurationValues: configuration ? Fn.jsonencode(configuration) : undefined,
      ...RESOLVE_CONFLICTS,
      tags: side.identity.tags,
      // The role's policies must be attached before the add-on's pods first call AWS.
      dependsOn: nonEmpty([
        ...(role?.serviceRole.attachments ?? []),
        ...(role?.policyAttachment ? [role.policyAttachment] : []),
        ...before,
        ...(d.phase === "afterCompute" ? side.computeResources : []),
      ]),
    });
    return [addon];
  }
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
