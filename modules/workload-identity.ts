import { Construct } from "constructs";
import { Fn, TerraformLocal, TerraformOutput } from "cdktf";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamPolicyDocument } from "./iam-policy-document";
import { RoleTrust, ServiceRole } from "./iam";
import { derivedName } from "./names";
import { ofType } from "./terraform";

/**
 * How a pod gets AWS credentials. EKS Pod Identity for pods on EC2 nodes (no OIDC trust to manage);
 * IRSA where Pod Identity cannot reach, which is Fargate.
 */
export type WorkloadIdentity = "podIdentity" | "irsa";

/** What a workload role needs to know about the cluster. */
export interface ClusterIdentityRefs {
  readonly clusterName: string;
  readonly clusterArn: string;
  /** `local.name_prefix`, for IAM names that must fit AWS limits. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuer: string;
  readonly partition: string;
  readonly tags: Record<string, string>;
}

export interface WorkloadRoleProps {
  /** Terraform address of the role, e.g. `aws_load_balancer_controller` → `aws_iam_role.aws_load_balancer_controller`. */
  readonly address: string;
  /** Suffix of the IAM role name after the cluster name. */
  readonly roleNameSuffix: string;
  readonly description: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly identity: WorkloadIdentity;
  readonly cluster: ClusterIdentityRefs;
  /** AWS managed policies by name (with their path, e.g. `service-role/AmazonEBSCSIDriverPolicy`). */
  readonly managedPolicies?: readonly string[];
  /** A customer-managed policy, kept readable as a local and attached to the role. */
  readonly policy?: IamPolicyDocument;
  /**
   * Whether to create the Pod Identity association here. False when an EKS managed add-on
   * declares the association itself. Default true.
   */
  readonly associate?: boolean;
  /** Output name for the role ARN; omit for no output. */
  readonly outputName?: string;
}

/** An IAM role for one Kubernetes service account, trusted through Pod Identity or IRSA. */
export class WorkloadRole extends Construct {
  readonly serviceRole: ServiceRole;
  readonly association?: EksPodIdentityAssociation;
  /** The attachment of the customer-managed policy, when there is one. */
  readonly policyAttachment?: IamRolePolicyAttachment;

  constructor(scope: Construct, props: WorkloadRoleProps) {
    super(scope, `${props.address}_workload_role`);
    const { cluster } = props;
    const trust: RoleTrust =
      props.identity === "podIdentity"
        ? { kind: "podIdentity", sourceAccount: cluster.accountId, clusterArn: cluster.clusterArn }
        : {
            kind: "irsa",
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            namespace: props.namespace,
            serviceAccount: props.serviceAccount,
          };
    this.serviceRole = new ServiceRole(this, {
      address: props.address,
      name: derivedName(cluster.namePrefix, `-${props.roleNameSuffix}`, "iamRole"),
      description: props.description,
      trust,
      managedPolicies: props.managedPolicies,
      tags: cluster.tags,
      partition: cluster.partition,
    });

    if (props.policy) {
      const document = new TerraformLocal(this, `${props.address}_policy`, props.policy);
      const policy = new IamPolicy(this, props.address, {
        name: derivedName(cluster.namePrefix, `-${props.roleNameSuffix}`, "iamPolicy"),
        description: props.description,
        policy: Fn.jsonencode(document.expression),
        tags: cluster.tags,
      });
      this.policyAttachment = new IamRolePolicyAttachment(ofType(this, "policy_attachment"), props.address, {
        role: this.serviceRole.role.name,
        policyArn: policy.arn,
      });
    }

    if (props.identity === "podIdentity" && props.associate !== false) {
      this.association = new EksPodIdentityAssociation(ofType(this, "pod_identity_association"), props.address, {
        clusterName: cluster.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: this.serviceRole.role.arn,
        tags: cluster.tags,
      });
    }

    if (props.outputName) {
      new TerraformOutput(this, props.outputName, {
        value: this.serviceRole.role.arn,
        description: `ARN of the IAM role of ${props.namespace}/${props.serviceAccount} (${props.identity === "podIdentity" ? "EKS Pod Identity" : "IRSA"}).`,
      });
    }
  }

  get arn(): string {
    return this.serviceRole.role.arn;
  }
}
