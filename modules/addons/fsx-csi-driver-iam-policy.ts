/**
 * IAM policy of the FSx for Lustre CSI driver's controller.
 *
 * Source: kubernetes-sigs/aws-fsx-csi-driver docs/install.md at tag v1.9.0 (commit
 * 0267bab6c628903ebe08d8eaedc444df1f3785d9, unchanged on master in the 2026-04 snapshot), "Set up driver
 * permissions": the policy upstream publishes for the driver (its instance-profile method). Used instead of the
 * AWS managed AmazonFSxFullAccess the EKS guide suggests, which also grants every other FSx action (backups,
 * volumes, file caches, directory lookups) to a pod. Only change: the partition is a parameter, not `aws`.
 */
import { IamPolicyDocument } from "../iam-policy-document";

export function fsxCsiDriverPolicy(partition: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
        Resource: `arn:${partition}:iam::*:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*`,
      },
      {
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: "*",
        Condition: { StringLike: { "iam:AWSServiceName": ["fsx.amazonaws.com"] } },
      },
      {
        Effect: "Allow",
        Action: [
          "s3:ListBucket",
          "fsx:CreateFileSystem",
          "fsx:DeleteFileSystem",
          "fsx:DescribeFileSystems",
          "fsx:TagResource",
          "fsx:UpdateFileSystem",
        ],
        Resource: ["*"],
      },
    ],
  };
}
