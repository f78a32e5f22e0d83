import { Construct } from "constructs";
import { Fn, TerraformIterator, TerraformLocal } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { blueprintStackOf } from "./blueprint-stack";
import { IamPolicyDocument } from "./iam-policy-document";
import { ofType } from "./terraform";

/** Who may assume a role. */
export type RoleTrust =
  | {
      readonly kind: "service";
      readonly service: string;
      /** Confused-deputy guard: only requests on behalf of resources whose ARN matches (aws:SourceArn, ArnLike). */
      readonly sourceArnLike?: string;
      /** Confused-deputy guard: only requests on behalf of this account's resources (aws:SourceAccount). */
      readonly sourceAccount?: string;
    }
  /**
   * EKS Pod Identity: the agent assumes the role on behalf of a pod of this cluster and tags the session.
   * aws:SourceAccount and aws:SourceArn keep another account's cluster from using the role (EKS user guide,
   * "Create the IAM role for EKS Pod Identity").
   */
  | { readonly kind: "podIdentity"; readonly sourceAccount: string; readonly clusterArn: string }
  /** IRSA: a service account's projected token, exchanged through the cluster's OIDC provider. */
  | {
      readonly kind: "irsa";
      readonly oidcProviderArn: string;
      /** The issuer URL without https://, e.g. oidc.eks.us-east-1.amazonaws.com/id/ABC. */
      readonly oidcIssuer: string;
      readonly namespace: string;
      readonly serviceAccount: string;
    };

export function trustPolicy(trust: RoleTrust): IamPolicyDocument {
  switch (trust.kind) {
    case "service":
      return {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: trust.service },
            Action: "sts:AssumeRole",
            ...(trust.sourceArnLike === undefined && trust.sourceAccount === undefined
              ? {}
              : {
                  Condition: {
                    ...(trust.sourceAccount === undefined ? {} : { StringEquals: { "aws:SourceAccount": trust.sourceAccount } }),
                    ...(trust.sourceArnLike === undefined ? {} : { ArnLike: { "aws:SourceArn": trust.sourceArnLike } }),
                  },
                }),
          },
        ],
      };
    case "podIdentity":
      return {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
              StringEquals: { "aws:SourceAccount": trust.sourceAccount },
              ArnEquals: { "aws:SourceArn": trust.clusterArn },
            },
          },
        ],
      };
    case "irsa":
      return {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: trust.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${trust.oidcIssuer}:sub`]: `system:serviceaccount:${trust.namespace}:${trust.serviceAccount}`,
                [`${trust.oidcIssuer}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      };
  }
}

export interface ServiceRoleProps {
  /** The IAM role name; also its Terraform address, e.g. `aws_iam_role.node`. */
  readonly address: string;
  /** The role's name in IAM, usually derived from the cluster name. */
  readonly name: string;
  readonly description: string;
  readonly trust: RoleTrust;
  /**
   * AWS managed policies to attach, by name (with their path where they have one):
   * `["AmazonEKSWorkerNodePolicy"]` → `aws_iam_role_policy_attachment.node["AmazonEKSWorkerNodePolicy"]`.
   * Default none.
   */
  readonly managedPolicies?: readonly string[];
  readonly tags: Record<string, string>;
  /** The ARN partition as a token, from `data.aws_partition.current`. */
  readonly partition: string;
}

/**
 * Addresses managed-policy attachments had before they were keyed by policy name (one resource per
 * attachment, named `<role>_<short name>`), with the role and policy each now is: each becomes a `moved`
 * block, so upgrading renames them in state instead of detaching and re-attaching a policy.
 */
const PREVIOUS_ATTACHMENT_ADDRESSES: Readonly<Record<string, readonly [role: string, policy: string]>> = {
  cluster_eks: ["cluster", "AmazonEKSClusterPolicy"],
  node_worker_node: ["node", "AmazonEKSWorkerNodePolicy"],
  node_ecr_read_only: ["node", "AmazonEC2ContainerRegistryReadOnly"],
  node_ssm: ["node", "AmazonSSMManagedInstanceCore"],
  vpc_cni_cni: ["vpc_cni", "AmazonEKS_CNI_Policy"],
  ebs_csi_driver_ebs_csi: ["ebs_csi_driver", "AmazonEBSCSIDriverPolicy"],
  fargate_pod_execution_fargate: ["fargate_pod_execution", "AmazonEKSFargatePodExecutionRolePolicy"],
};

/** An IAM role with its trust policy and AWS managed policy attachments (one for_each resource, keyed by policy name). */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly attachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, props: ServiceRoleProps) {
    super(scope, `${props.address}_role`);
    this.role = new IamRole(this, props.address, {
      name: props.name,
      description: props.description,
      assumeRolePolicy: Fn.jsonencode(
        // IRSA conditions are keyed by the issuer, an expression: only a local (an HCL object) can hold such keys.
        props.trust.kind === "irsa"
          ? new TerraformLocal(this, `${props.address}_trust_policy`, trustPolicy(props.trust)).expression
          : trustPolicy(props.trust),
      ),
      tags: props.tags,
    });
    const policies = props.managedPolicies ?? [];
    if (policies.length === 0) {
      this.attachments = [];
      return;
    }
    const byName = Object.fromEntries(policies.map((p) => [p.slice(p.lastIndexOf("/") + 1), p]));
    const each = TerraformIterator.fromMap(byName);
    const attachment = new IamRolePolicyAttachment(ofType(this, "managed_policy"), props.address, {
      forEach: each,
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/${each.value}`,
    });
    this.attachments = [attachment];
    const stack = blueprintStackOf(this);
    for (const [previous, [role, policy]] of Object.entries(PREVIOUS_ATTACHMENT_ADDRESSES)) {
      if (role === props.address && policy in byName) {
        stack.recordMove(`aws_iam_role_policy_attachment.${previous}`, `aws_iam_role_policy_attachment.${props.address}["${policy}"]`);
      }
    }
  }
}

/**
 * The AWS managed policies of an EC2 node role: join the cluster, pull images, be reachable by SSM. Not the
 * CNI policy: vpc-cni has its own role, so no pod on the node inherits the right to manage ENIs.
 */
export function nodeRolePolicies(ecr: "AmazonEC2ContainerRegistryReadOnly" | "AmazonEC2ContainerRegistryPullOnly" = "AmazonEC2ContainerRegistryReadOnly"): string[] {
  return ["AmazonEKSWorkerNodePolicy", ecr, "AmazonSSMManagedInstanceCore"];
}
