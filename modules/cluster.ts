import { Construct } from "constructs";
import { Fn, TerraformCount, TerraformIterator, TerraformLocal, TerraformOutput, Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { blueprintStackOf, setModuleFile } from "./blueprint-stack";
import { kubernetesReleases, kubernetesVersions } from "./catalog";
import { ServiceRole } from "./iam";
import { accountAdministration, logGroupKey } from "./log-encryption";
import { NetworkRefs } from "./network";
import { derivedName } from "./names";
import { logRetentionRule, oneOfRule, SUPPORT_TYPES, SupportType, supportTypeRule } from "./rules";
import { moduleVariable, ofType } from "./terraform";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface ClusterProps {
  readonly clusterName: string;
  /** `local.name_prefix`, for the cluster role's name. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** ARN of whoever runs Terraform, for the creator's access entry. */
  readonly callerArn: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  readonly network: NetworkRefs;
  /** Default of `kubernetes_version`; must be one the catalog pins add-ons for. */
  readonly kubernetesVersion: string;
  /** Default of `support_type`. */
  readonly supportType: SupportType;
  /** Default of `endpoint_public_access`. The private endpoint is always on. */
  readonly endpointPublicAccess: boolean;
  /** Default of `endpoint_public_access_cidrs`: who may reach the public endpoint. */
  readonly endpointPublicAccessCidrs: readonly string[];
  /** Default of `admin_principal_arns`: IAM roles or users given cluster-admin by access entries. */
  readonly adminPrincipalArns: readonly string[];
  /** Default of `cluster_creator_admin`: also make the identity running Terraform an admin. */
  readonly clusterCreatorAdmin: boolean;
  /** Default of `control_plane_log_retention_days`. */
  readonly logRetentionDays: number;
}

/**
 * The EKS control plane: cluster role, KMS envelope encryption of secrets, control-plane logs,
 * access entries (authentication mode API, no aws-auth ConfigMap) and the IAM OIDC provider for IRSA.
 */
export class Cluster extends Construct {
  readonly cluster: EksCluster;
  readonly oidcProvider: IamOpenidConnectProvider;
  /** The OIDC issuer without its https:// scheme, as IAM condition keys spell it. */
  readonly oidcIssuer: string;
  /** Attached policies the cluster needs before it can be created (and must outlive it on destroy). */
  readonly clusterRole: ServiceRole;
  readonly kubernetesVersion: string;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    setModuleFile(this, "cluster");

    const version = moduleVariable(this, "kubernetes_version", {
      type: "string",
      description: `Kubernetes minor version of the control plane and nodes. Supported by this release: ${kubernetesVersions.join(", ")}.`,
      default: props.kubernetesVersion,
      rules: [
        {
          condition: `contains(${JSON.stringify(kubernetesVersions)}, var.kubernetes_version)`,
          message: `kubernetes_version must be one of ${kubernetesVersions.join(", ")}: the versions this release pins EKS add-ons for.`,
        },
        supportTypeRule("kubernetes_version", "support_type"),
      ],
    });
    this.kubernetesVersion = version.stringValue;
    const supportType = moduleVariable(this, "support_type", {
      type: "string",
      description:
        "EKS support type. STANDARD: at the end of standard support EKS upgrades the control plane by itself (bump kubernetes_version before then). EXTENDED: the cluster stays on its version for up to 12 more months, at a higher hourly price.",
      default: props.supportType,
      rules: [oneOfRule("support_type", SUPPORT_TYPES)],
    });
    const supportEnds = new TerraformLocal(
      this,
      "standard_support_ends",
      Object.fromEntries(Object.entries(kubernetesReleases).map(([v, r]) => [v, r.standardSupportUntil])),
    );
    // Plan-time, not synth-time: the module outlives the day it was generated.
    blueprintStackOf(this).addCheck("kubernetes_version_standard_support", [
      {
        condition: `\${var.support_type == "EXTENDED" || timecmp(plantimestamp(), format("%sT00:00:00Z", local.${supportEnds.friendlyUniqueId}[var.kubernetes_version])) < 0}`,
        message: `\${format("Kubernetes %s left EKS standard support on %s. With support_type STANDARD, EKS upgrades the control plane by itself: set kubernetes_version to the next minor (node groups follow), or support_type to EXTENDED.", var.kubernetes_version, local.${supportEnds.friendlyUniqueId}[var.kubernetes_version])}`,
      },
    ]);
    const publicAccess = moduleVariable(this, "endpoint_public_access", {
      type: "bool",
      description: "Expose the Kubernetes API on a public endpoint as well as the private one. Whoever applies the add-ons module must reach the API.",
      default: props.endpointPublicAccess,
    });
    const publicCidrs = moduleVariable(this, "endpoint_public_access_cidrs", {
      type: "list(string)",
      description: "CIDR blocks allowed to reach the public endpoint. Required when endpoint_public_access is true.",
      default: props.endpointPublicAccessCidrs,
      rules: [
        {
          condition: "alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0))])",
          message: "endpoint_public_access_cidrs must contain only IPv4 CIDR blocks.",
        },
        {
          condition: "!var.endpoint_public_access || length(var.endpoint_public_access_cidrs) > 0",
          message: "endpoint_public_access_cidrs must list at least one CIDR when endpoint_public_access is true (write 0.0.0.0/0 explicitly to allow everyone).",
        },
      ],
    });
    const admins = moduleVariable(this, "admin_principal_arns", {
      type: "list(string)",
      description: "IAM role or user ARNs granted cluster-admin (AmazonEKSClusterAdminPolicy) through EKS access entries.",
      default: props.adminPrincipalArns,
      rules: [
        {
          condition: `alltrue([for a in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", a))])`,
          message: "admin_principal_arns must contain IAM role or user ARNs (arn:aws:iam::123456789012:role/name).",
        },
      ],
    });
    const creatorAdmin = moduleVariable(this, "cluster_creator_admin", {
      type: "bool",
      description: "Also grant cluster-admin to the IAM identity that applies this module, so the same identity can install the add-ons.",
      default: props.clusterCreatorAdmin,
    });
    const logRetention = moduleVariable(this, "control_plane_log_retention_days", {
      type: "number",
      description: "Days to keep control-plane logs (all five log types) in CloudWatch Logs.",
      default: props.logRetentionDays,
      rules: [logRetentionRule("control_plane_log_retention_days")],
    });

    this.clusterRole = new ServiceRole(this, {
      address: "cluster",
      name: derivedName(props.namePrefix, "-cluster", "iamRole"),
      description: "Assumed by the EKS control plane.",
      trust: { kind: "service", service: "eks.amazonaws.com" },
      managedPolicies: ["AmazonEKSClusterPolicy"],
      tags: props.tags,
      partition: props.partition,
    });

    const key = new KmsKey(ofType(this, "kms_key"), "cluster", {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${props.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: Fn.jsonencode({ Version: "2012-10-17", Statement: [accountAdministration(props.partition, props.accountId)] }),
      tags: props.tags,
    });
    new KmsAlias(ofType(this, "kms_alias"), "cluster", {
      name: `alias/eks/${props.clusterName}`,
      targetKeyId: key.keyId,
    });
    // The key policy delegates to IAM (as the default one would), so this role policy is what lets EKS use the key.
    const encryptionPolicy = new IamRolePolicy(this, "cluster_encryption", {
      name: "secrets-encryption",
      role: this.clusterRole.role.id,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: key.arn,
          },
        ],
      }),
    });

    // Created before the cluster so EKS does not create it first without a retention period.
    const logGroupName = `/aws/eks/${props.clusterName}/cluster`;
    const logGroup = new CloudwatchLogGroup(ofType(this, "log_group"), "cluster", {
      name: logGroupName,
      retentionInDays: logRetention.numberValue,
      kmsKeyId: logGroupKey(this, "cluster_logs", {
        logGroupName,
        description: `Encryption of the control-plane logs of EKS cluster ${props.clusterName}`,
        partition: props.partition,
        tags: props.tags,
      }).arn,
      tags: props.tags,
    });

    this.cluster = new EksCluster(this, "this", {
      name: props.clusterName,
      version: version.stringValue,
      roleArn: this.clusterRole.role.arn,
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // vpc-cni, kube-proxy and CoreDNS come as managed add-ons with pinned versions instead.
      bootstrapSelfManagedAddons: false,
      accessConfig: {
        authenticationMode: "API",
        // Admins are explicit access entries below, so the creator is visible in Terraform state.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      vpcConfig: {
        subnetIds: props.network.controlPlaneSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess.booleanValue,
        publicAccessCidrs: Token.asList(
          `\${var.${publicAccess.friendlyUniqueId} ? var.${publicCidrs.friendlyUniqueId} : null}`,
        ),
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
      // STANDARD by default: a cluster left behind is upgraded rather than billed for extended support.
      upgradePolicy: { supportType: supportType.stringValue },
      tags: props.tags,
      lifecycle: props.network.controlPlaneSubnetZones
        ? {
            precondition: [
              {
                condition: `\${length(distinct(${props.network.controlPlaneSubnetZones})) >= 2}`,
                errorMessage: "The control-plane subnets must be in at least two availability zones (an EKS requirement).",
              },
            ],
          }
        : undefined,
      dependsOn: [logGroup, encryptionPolicy, ...this.clusterRole.attachments],
    });

    this.oidcProvider = new IamOpenidConnectProvider(this, "oidc", {
      url: this.cluster.identity.get(0).oidc.get(0).issuer,
      clientIdList: ["sts.amazonaws.com"],
      tags: props.tags,
    });
    this.oidcIssuer = Fn.replace(this.oidcProvider.url, "https://", "");

    // Whoever runs Terraform needs cluster-admin to install the add-ons; the session context turns an
    // assumed-role session ARN into the role's ARN, which is what an access entry must name.
    const session = new DataAwsIamSessionContext(ofType(this, "session_context"), "current", { arn: props.callerArn });
    const adminPolicyArn = `arn:${props.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;

    // The creator is recorded once: a later apply by another identity (CI after a laptop) changes nothing,
    // so nobody loses access silently. Everyone else who needs admin is listed in admin_principal_arns.
    const creatorCount = TerraformCount.of(Token.asNumber(`\${var.${creatorAdmin.friendlyUniqueId} ? 1 : 0}`));
    const creator = new EksAccessEntry(ofType(this, "creator_access_entry"), "cluster_creator", {
      count: creatorCount,
      clusterName: this.cluster.name,
      principalArn: session.issuerArn,
      type: "STANDARD",
      tags: props.tags,
      lifecycle: { ignoreChanges: ["principal_arn"] },
    });
    new EksAccessPolicyAssociation(ofType(this, "access_policy_association"), "cluster_creator", {
      count: TerraformCount.of(Token.asNumber(`\${var.${creatorAdmin.friendlyUniqueId} ? 1 : 0}`)),
      clusterName: this.cluster.name,
      principalArn: `\${${creator.fqn}[count.index].principal_arn}`,
      policyArn: adminPolicyArn,
      accessScope: { type: "cluster" },
      lifecycle: { ignoreChanges: ["principal_arn"] },
    });
    const creatorArns = `${creator.fqn}[*].principal_arn`;
    const recordedCreator = `try(${creator.fqn}[0].principal_arn, "none")`;

    // Explicit admins, keyed by ARN; the recorded creator is left out (EKS allows one entry per principal).
    const adminPrincipals = new TerraformLocal(
      this,
      "cluster_admin_principal_arns",
      `\${setsubtract(toset(var.${admins.friendlyUniqueId}), ${creatorArns})}`,
    );
    const eachAdmin = TerraformIterator.fromList(adminPrincipals.asList);
    const entry = new EksAccessEntry(this, "admin", {
      forEach: eachAdmin,
      clusterName: this.cluster.name,
      principalArn: eachAdmin.value,
      type: "STANDARD",
      tags: props.tags,
    });
    const eachAssociation = TerraformIterator.fromList(adminPrincipals.asList);
    new EksAccessPolicyAssociation(ofType(this, "access_policy_association"), "admin", {
      forEach: eachAssociation,
      clusterName: this.cluster.name,
      principalArn: eachAssociation.value,
      policyArn: adminPolicyArn,
      accessScope: { type: "cluster" },
      dependsOn: [entry],
    });

    // A warning, not an error: the cluster module itself applies fine; the add-ons module would not.
    const applierHasAccess = new TerraformLocal(
      this,
      "applier_is_cluster_admin",
      `\${contains(concat(var.${admins.friendlyUniqueId}, ${creatorArns}), ${session.issuerArn})}`,
    );
    blueprintStackOf(this).addCheck("applier_has_cluster_access", [
      {
        condition: applierHasAccess.asString,
        message: `\${format("%s, which runs this apply, is not a cluster admin: the recorded creator is %s. Add it to admin_principal_arns, or the add-ons module cannot reach the cluster.", ${session.issuerArn}, ${recordedCreator})}`,
      },
    ]);

    const outputs: Array<[string, string, string]> = [
      ["cluster_name", this.cluster.name, "Name of the EKS cluster."],
      ["cluster_arn", this.cluster.arn, "ARN of the EKS cluster."],
      ["cluster_endpoint", this.cluster.endpoint, "Endpoint of the Kubernetes API server."],
      [
        "cluster_certificate_authority_data",
        this.cluster.certificateAuthority.get(0).data,
        "Base64-encoded certificate authority data of the cluster, for provider configuration.",
      ],
      ["cluster_version", this.cluster.version, "Kubernetes version of the control plane."],
      ["cluster_security_group_id", this.cluster.vpcConfig.clusterSecurityGroupId, "Security group EKS created for the control plane and managed nodes."],
      ["oidc_provider_arn", this.oidcProvider.arn, "ARN of the IAM OIDC provider, for IRSA roles."],
      ["oidc_issuer_url", this.cluster.identity.get(0).oidc.get(0).issuer, "OIDC issuer URL of the cluster."],
      ["kms_key_arn", key.arn, "ARN of the KMS key encrypting Kubernetes secrets."],
    ];
    for (const [name, value, description] of outputs) {
      new TerraformOutput(this, name, { value, description });
    }
  }
}
