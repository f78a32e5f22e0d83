/**
 * IAM policy for Cluster Autoscaler on AWS, scoped to one cluster's node groups.
 *
 * Source: kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md, section
 * "Full Cluster Autoscaler Features Policy (Recommended)", as on master in 2025-2026 (read
 * 2026-11-21 from a stored copy of the README; the copy at commit
 * 062f28a624a2cbedcdc13b152845ac8074853219 is older and still lists autoscaling:DescribeTags).
 *   https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
 *
 * The README puts the read-only actions on "*" and says that only the second block (the mutating
 * actions) should be narrowed, either by ASG ARN or by tag-based conditions. Here it is narrowed by
 * tag: `aws:ResourceTag/k8s.io/cluster-autoscaler/<clusterName>` must equal `owned`. EKS managed node
 * groups tag their Auto Scaling groups with `k8s.io/cluster-autoscaler/<cluster>=owned` and
 * `k8s.io/cluster-autoscaler/enabled=true`. The README gives no condition block of its own, so the
 * `enabled` tag is not also required.
 *
 * The current README list has no autoscaling:DescribeTags, because auto-discovery now filters
 * DescribeAutoScalingGroups by tag. eks:DescribeNodegroup lets CA read labels and taints of a
 * managed node group that has zero nodes. It is the one read action that supports resource-level
 * permissions (node group ARNs), so it is narrowed to this cluster's node groups, where the README
 * puts it on "*" (checkov CKV_AWS_355).
 */
import { IamPolicyDocument } from "../iam-policy-document";

/**
 * @param clusterName the EKS cluster name. It may be a Terraform token string, such as
 *   `${aws_eks_cluster.x.name}`; it is interpolated into the condition key as given.
 * @param nodegroupArns ARN pattern of the cluster's node groups,
 *   `arn:<partition>:eks:<region>:<account>:nodegroup/<cluster>/*`.
 */
export function clusterAutoscalerPolicy(clusterName: string, nodegroupArns: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
        ],
        Resource: ["*"],
      },
      {
        Effect: "Allow",
        Action: ["eks:DescribeNodegroup"],
        Resource: [nodegroupArns],
      },
      {
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: ["*"],
        Condition: {
          StringEquals: {
            [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
          },
        },
      },
    ],
  };
}
