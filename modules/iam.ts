import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamPolicyDocument } from "./iam-policy-document";

/** Who may assume a role. */
export type RoleTrust =
  | {
      readonly kind: "service";
      readonly service: string;
      /** Confused-deputy guard: only requests on behalf of resources whose ARN matches (aws:SourceArn, ArnLike). */
      readonly sourceArnLike?: string;
    }
  /** EKS Pod Identity: the agent assumes the role on behalf of the pod and tags the session. */
  | { readonly kind: "podIdentity" }
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
            ...(trust.sourceArnLike === undefined ? {} : { Condition: { ArnLike: { "aws:SourceArn": trust.sourceArnLike } } }),
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
   * AWS managed policies to attach, keyed by a short name that becomes part of the attachment's
   * address: `{ worker_node: "AmazonEKSWorkerNodePolicy" }` → `aws_iam_role_policy_attachment.node_worker_node`.
   */
  readonly managedPolicies?: Readonly<Record<string, string>>;
  readonly tags: Record<string, string>;
  /** The ARN partition as a token, from `data.aws_partition.current`. */
  readonly partition: string;
}

/**
 * An IAM role with its trust policy and AWS managed policy attachments.
 */
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
    this.attachments = Object.entries(props.managedPolicies ?? {}).map(
      ([key, policy]) =>
        new IamRolePolicyAttachment(this, `${props.address}_${key}`, {
          role: this.role.name,
          policyArn: `arn:${props.partition}:iam::aws:policy/${policy}`,
        }),
    );
  }
}
