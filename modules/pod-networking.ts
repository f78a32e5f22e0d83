import { IamPolicyDocument } from "./iam-policy-document";

/**
 * How pods get addresses and which engine enforces Kubernetes NetworkPolicies. Decided at synth time:
 * EKS fixes the IP family when the cluster is created, and the policy engine and VPC CNI modes change
 * what runs on every node (a change reaches existing nodes only when they are replaced).
 */

/** `vpc-cni`: the VPC CNI's own eBPF agent. `calico`: Calico (Tigera operator) in policy-only mode on top of the VPC CNI. `none`: NetworkPolicies are stored but not enforced. */
export const NETWORK_POLICY_ENGINES = ["vpc-cni", "calico", "none"] as const;
export type NetworkPolicyEngine = (typeof NETWORK_POLICY_ENGINES)[number];

export const IP_FAMILIES = ["ipv4", "ipv6"] as const;
export type IpFamily = (typeof IP_FAMILIES)[number];

export interface PodNetworking {
  /** Address family of pods and services (the cluster's `kubernetes_network_config.ip_family`). */
  readonly ipFamily: IpFamily;
  readonly networkPolicy: NetworkPolicyEngine;
  /** VPC CNI `ENABLE_PREFIX_DELEGATION`: /28 IPv4 prefixes per ENI slot instead of single addresses. */
  readonly prefixDelegation: boolean;
  /** VPC CNI `WARM_PREFIX_TARGET` (with prefix delegation): free prefixes kept attached per node. */
  readonly warmPrefixTarget: number;
  /** VPC CNI `ENABLE_POD_ENI`: security groups for pods through trunk and branch ENIs. */
  readonly podSecurityGroups: boolean;
}

/** Fargate: the VPC CNI and its policy agent do not run there, and Fargate has no CNI modes to choose. */
export function fargatePodNetworking(ipFamily: IpFamily): PodNetworking {
  return { ipFamily, networkPolicy: "none", prefixDelegation: false, warmPrefixTarget: 1, podSecurityGroups: false };
}

/**
 * Configuration values of the vpc-cni EKS add-on (keys of its configuration schema,
 * `aws eks describe-addon-configuration --addon-name vpc-cni`). Undefined: the add-on's defaults.
 * An IPv6 cluster needs no `env` of its own: EKS configures the add-on for the cluster's IP family, and
 * prefix assignment is how IPv6 works anyway (EKS user guide, "Learn about IPv6 addresses").
 */
export function vpcCniConfiguration(net: PodNetworking, compute: "nodes" | "fargate"): Record<string, unknown> | undefined {
  // Network policy enforcement runs in the aws-node DaemonSet, which never runs on Fargate.
  if (compute === "fargate") return undefined;
  const env: Record<string, string> = {};
  if (net.prefixDelegation && net.ipFamily === "ipv4") {
    env.ENABLE_PREFIX_DELEGATION = "true";
    env.WARM_PREFIX_TARGET = String(net.warmPrefixTarget);
  }
  if (net.podSecurityGroups) env.ENABLE_POD_ENI = "true";
  return {
    // Two engines must not both program the node: with Calico, the VPC CNI's agent stays off.
    enableNetworkPolicy: net.networkPolicy === "vpc-cni" ? "true" : "false",
    ...(Object.keys(env).length > 0 ? { env } : {}),
    // Security groups for pods: kubelet probes reach branch-ENI pods only with TCP early demux off
    // (EKS user guide, "Configure the Amazon VPC CNI plugin for Kubernetes for security groups for Amazon EKS Pods").
    ...(net.podSecurityGroups ? { init: { env: { DISABLE_TCP_EARLY_DEMUX: "true" } } } : {}),
  };
}

/**
 * The IPv6 permissions of the VPC CNI: the statements of the policy the EKS user guide calls
 * `AmazonEKS_CNI_IPv6_Policy` ("Configuring the Amazon VPC CNI plugin to use IAM roles for service accounts",
 * step "Create an IAM policy" for the IPv6 family; identical to amazon-vpc-cni-k8s docs/iam-policy.md, "IPv6 mode").
 * AWS publishes no managed policy for it, so each cluster gets it as a customer-managed policy.
 */
export function vpcCniIpv6Policy(partition: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["ec2:AssignIpv6Addresses", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes"],
        Resource: "*",
      },
      { Effect: "Allow", Action: ["ec2:CreateTags"], Resource: [`arn:${partition}:ec2:*:*:network-interface/*`] },
    ],
  };
}

/**
 * Instance families without ENI trunking, so without security groups for pods: the burstable `t` family
 * (EKS user guide, "Security groups for Pods": "No instance types in the t family are supported"). The full
 * list of trunking-capable types is `IsTrunkingCompatible` in aws/amazon-vpc-resource-controller-k8s
 * pkg/aws/vpc/limits.go; this project checks only the rule the user guide states.
 */
export function lacksTrunking(instanceType: string): boolean {
  return /^t\d/.test(instanceType);
}
