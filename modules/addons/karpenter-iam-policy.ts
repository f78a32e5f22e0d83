/**
 * IAM policy of the Karpenter controller, scoped to one cluster, as upstream publishes it for the pinned version.
 *
 * Source: aws/karpenter-provider-aws, website/content/en/v1.14/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml at commit 1d927085dd81a9df9301e613f371dac5b4d16bfe (identical to
 * website/content/en/docs/... at tag v1.14.1): the managed policies NodeLifecyclePolicy, IAMIntegrationPolicy,
 * EKSIntegrationPolicy, InterruptionPolicy, ZonalShiftPolicy and ResourceDiscoveryPolicy, statement by statement
 * (same Sids, actions, resources and conditions). `${AWS::Partition}`, `${AWS::Region}`, `${AWS::AccountId}` and
 * `${ClusterName}` become the module's partition, region, account and cluster name; `${KarpenterNodeRole.Arn}` and
 * `${KarpenterInterruptionQueue.Arn}` the node role and queue of this module. Upstream's split into six policies
 * is a CloudFormation convenience; the statements are what Karpenter needs. Kept in two documents (lifecycle;
 * everything else) so that neither nears IAM's 6,144-character limit for a managed policy with a 100-character
 * cluster name.
 *
 * Everything that creates, tags or deletes carries upstream's tag conditions: instances, fleets, volumes,
 * network interfaces and launch templates must be tagged `kubernetes.io/cluster/<cluster>=owned` and
 * `karpenter.sh/nodepool`, instance profiles `karpenter.k8s.aws/ec2nodeclass` and the region; iam:PassRole
 * reaches only the node role, and only towards EC2.
 */
import { IamPolicyDocument, IamPolicyStatement } from "../iam-policy-document";

export interface KarpenterPolicyScope {
  /** The EKS cluster name; may be a Terraform token. */
  readonly clusterName: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** ARN of the role Karpenter's nodes get (iam:PassRole). */
  readonly nodeRoleArn: string;
  /** ARN of the interruption queue. */
  readonly queueArn: string;
}

function ec2(s: KarpenterPolicyScope, resource: string, account = "*"): string {
  return `arn:${s.partition}:ec2:${s.region}:${account}:${resource}`;
}

/** Upstream's tag-scoped resources that Karpenter creates for a NodeClaim. */
const launchedResources = (s: KarpenterPolicyScope) =>
  ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map((r) => ec2(s, r));

/** NodeLifecyclePolicy: launching, tagging and terminating nodes. */
export function karpenterNodeLifecyclePolicy(s: KarpenterPolicyScope): IamPolicyDocument {
  const owned = `kubernetes.io/cluster/${s.clusterName}`;
  const statements: IamPolicyStatement[] = [
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [
        ec2(s, "image/*", ""),
        ec2(s, "snapshot/*", ""),
        ec2(s, "security-group/*"),
        ec2(s, "subnet/*"),
        ec2(s, "capacity-reservation/*"),
        ec2(s, "placement-group/*"),
      ],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: ec2(s, "launch-template/*"),
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: launchedResources(s),
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: {
        StringEquals: { [`aws:RequestTag/${owned}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: launchedResources(s),
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${owned}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: ec2(s, "instance/*"),
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: [ec2(s, "instance/*"), ec2(s, "launch-template/*")],
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
  ];
  return { Version: "2012-10-17", Statement: statements };
}

/** IAMIntegration, EKSIntegration, Interruption, ZonalShift and ResourceDiscovery policies. */
export function karpenterIntegrationPolicy(s: KarpenterPolicyScope): IamPolicyDocument {
  const owned = `kubernetes.io/cluster/${s.clusterName}`;
  const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  const clusterArn = `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`;
  const statements: IamPolicyStatement[] = [
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: s.nodeRoleArn,
      Action: "iam:PassRole",
      // Upstream lists both spellings of the EC2 service principal (aws, aws-cn), so one policy fits every partition.
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${owned}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": s.region,
        },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${owned}`]: "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": s.region,
          [`aws:RequestTag/${owned}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": s.region,
        },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${owned}`]: "owned", "aws:ResourceTag/topology.kubernetes.io/region": s.region },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: clusterArn, Action: "eks:DescribeCluster" },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: s.queueArn,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    {
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Resource: "*",
      Action: ["arc-zonal-shift:GetManagedResource"],
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
    },
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Resource: "*",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
      Action: "ssm:GetParameter",
    },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
    { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
    { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: instanceProfiles, Action: "iam:GetInstanceProfile" },
  ];
  return { Version: "2012-10-17", Statement: statements };
}
