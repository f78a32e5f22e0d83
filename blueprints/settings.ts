import { z } from "zod";
export { rejectedSetting as rejected } from "../modules/addons/contract";
import { AUTOSCALERS } from "../modules/addons/contract";
import { defaultKubernetesVersion, kubernetesVersions } from "../modules/catalog";
import { cidrsOverlap, parseIpv4Cidr } from "../modules/cidr";
import { AMI_TYPES, SUPPORT_TYPES, supportTypeRuleText, VERSIONS_NEEDING_EXTENDED_SUPPORT, CLUSTER_NAME_PATTERN, CLUSTER_NAME_RULE_TEXT } from "../modules/rules";
import { awsTags, checkSubnets, checkTaints, ec2InstanceType, nodeLabels, taintKey, taintValue } from "./aws-input-settings";
import { iamPrincipalArn, teams } from "./teams-settings";
import { IP_FAMILIES, lacksTrunking, NETWORK_POLICY_ENGINES, PodNetworking } from "../modules/pod-networking";
import { numberForStringHint, unknownKeyHint } from "./settings-hints";
import { settingsErrorMap } from "./settings-messages";

/**
 * The settings every blueprint shares, validated once before any construct is built.
 * Each rule's message names the rule; the field path is added by `formatSettingsError`.
 */

const clusterName = z.string().regex(new RegExp(CLUSTER_NAME_PATTERN), CLUSTER_NAME_RULE_TEXT);

import { logRetentionDays } from "../modules/addons/log-retention";
export { logRetentionDays };

const ipv4Cidr = z.string().refine((c) => parseIpv4Cidr(c) !== undefined, {
  message: "must be an IPv4 CIDR block such as 10.0.0.0/16 (address bits beyond the prefix must be zero)",
});

const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, "must be an AWS region code such as us-east-1");


const vpcCidr = ipv4Cidr.refine(
  (c) => {
    const prefix = parseIpv4Cidr(c)?.prefix;
    return prefix === undefined || (prefix >= 16 && prefix <= 20);
  },
  { message: "must have a prefix between /16 and /20, so that every availability zone gets room for pods" },
);

const createdNetwork = z.strictObject({
  /** Build a new VPC. */
  mode: z.literal("create"),
  /** Default 10.0.0.0/16. Subnets are carved from it; a /16 gives each private subnet a /19. */
  vpcCidr: vpcCidr.default("10.0.0.0/16"),
  /** Default 3; at least 2 because EKS requires control-plane subnets in two zones. */
  availabilityZoneCount: z
    .number()
    .int()
    .min(2, "must be at least 2: EKS requires subnets in at least two availability zones")
    .max(6, "must be at most 6: the subnet plan has room for six zones")
    .default(3),
  /** Default "single" (one NAT gateway, cheapest); "onePerAz" survives the loss of a zone. */
  natGateways: z.enum(["single", "onePerAz"]).default("single"),
  /** Default true: small dedicated subnets for the control-plane network interfaces. */
  intraSubnets: z.boolean().default(true),
  /** Default 90 days of VPC flow logs in CloudWatch Logs. */
  flowLogRetentionDays: logRetentionDays.default(90),
  /**
   * Default "ipv4". "ipv6": the VPC also gets an Amazon-provided IPv6 /56 (a /64 per subnet), private subnets
   * an egress-only internet gateway, and pods and services IPv6 addresses (EKS fixes the family at creation).
   */
  ipFamily: z.enum(IP_FAMILIES).default("ipv4"),
});

const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id such as subnet-0123456789abcdef0");
const existingNetwork = z.strictObject({
  /** Use a VPC you already have; nothing of the network is created. */
  mode: z.literal("existing"),
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id such as vpc-0123456789abcdef0"),
  /** Subnets for nodes and, unless controlPlaneSubnetIds is given, the control plane. At least two. */
  privateSubnetIds: z.array(subnetId).min(2, "must list at least 2 subnets in different availability zones"),
  /** Subnets for internet-facing load balancers. Default none. */
  publicSubnetIds: z.array(subnetId).default([]),
  /** Subnets for the control-plane network interfaces. Default: the private subnets. */
  controlPlaneSubnetIds: z.array(subnetId).min(2, "must list at least 2 subnets").optional(),
}).superRefine(checkSubnets);

const network = z
  .discriminatedUnion("mode", [createdNetwork, existingNetwork])
  .prefault({ mode: "create" });

const endpoint = z
  .strictObject({
    /** Default false: the API server is reachable only from inside the VPC. */
    publicAccess: z.boolean().default(false),
    /** CIDR blocks allowed to reach the public endpoint; required when publicAccess is true. */
    publicAccessCidrs: z.array(ipv4Cidr).default([]),
  })
  .superRefine((e, ctx) => {
    if (e.publicAccess && e.publicAccessCidrs.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        message: "must list at least one CIDR when publicAccess is true (write 0.0.0.0/0 explicitly to allow everyone)",
      });
    }
    if (!e.publicAccess && e.publicAccessCidrs.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        message: "has no effect while publicAccess is false; remove it or set publicAccess to true",
      });
    }
  })
  .prefault({});

export const TAINT_EFFECTS = ["NoSchedule", "NoExecute", "PreferNoSchedule"] as const;

export const instanceType = ec2InstanceType;

/** Graviton families carry a "g" right after the generation digit: m7g, c7gn, r8g, t4g, g5g. */
export function isArmInstanceType(type: string): boolean {
  return /^[a-z]+\d+g[a-z]*\./.test(type);
}

const nodeCount = z.number().int().min(0, "must be 0 or more");
const diskSizeGiB = z.number().int().min(20, "must be at least 20 GiB").max(16384, "must be at most 16384 GiB");

/** The fields every managed node group has; GPU groups override some defaults (blueprints/gpu.ts). */
export const nodeGroupShape = {
  /** At least one. Several of the same size give spot capacity more pools to choose from. */
  instanceTypes: z.array(instanceType).min(1, "must list at least one instance type"),
  /** Default ON_DEMAND. */
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
  /** Default AL2023_x86_64_STANDARD (Amazon Linux 2023). */
  amiType: z.enum(AMI_TYPES).default("AL2023_x86_64_STANDARD"),
  minSize: nodeCount,
  desiredSize: nodeCount,
  maxSize: z.number().int().min(1, "must be 1 or more").max(1000, "must be at most 1000 (EKS quota)"),
  /** Default 50 GiB encrypted gp3 root volume. */
  diskSizeGiB: diskSizeGiB.default(50),
  /** Kubernetes labels on every node. Default none. */
  labels: nodeLabels.default({}),
  /** Kubernetes taints on every node. Default none. */
  taints: z
    .array(
      z.strictObject({
        key: taintKey,
        value: taintValue.optional(),
        effect: z.enum(TAINT_EFFECTS),
      }),
    )
    .default([]),
  /** Default 33: a third of the group is replaced at a time during updates. */
  maxUnavailablePercentage: z.number().int().min(1).max(100).default(33),
} as const;

/** Default sizes for groups that scale from zero (GPU groups): no node, and no bill, until a pod asks. */
export const scaleFromZero = { minSize: nodeCount.default(0), desiredSize: nodeCount.default(0) } as const;
export const nodeDiskSizeGiB = diskSizeGiB;

/** min_size <= desired_size <= max_size, as EKS requires. */
export function checkNodeGroupSizes(g: { minSize: number; desiredSize: number; maxSize: number }, ctx: z.RefinementCtx): void {
  if (g.minSize > g.maxSize) {
    ctx.addIssue({ code: "custom", message: `minSize ${g.minSize} is greater than maxSize ${g.maxSize}` });
  }
  if (g.desiredSize < g.minSize) {
    ctx.addIssue({ code: "custom", message: `desiredSize ${g.desiredSize} is less than minSize ${g.minSize}` });
  }
  if (g.desiredSize > g.maxSize) {
    ctx.addIssue({ code: "custom", message: `desiredSize ${g.desiredSize} is greater than maxSize ${g.maxSize}` });
  }
}

export const nodeGroupSettings = z.strictObject(nodeGroupShape).superRefine(checkNodeGroup);
export type NodeGroupSettings = z.output<typeof nodeGroupSettings>;

/** Sizes, taints, and instance types that match the AMI's architecture: managed and self-managed groups alike. */
export function checkNodeGroup(g: z.output<z.ZodObject<typeof nodeGroupShape>>, ctx: z.RefinementCtx): void {
  checkNodeGroupSizes(g, ctx);
  checkTaints(g.taints, ctx);
  const arm = g.amiType.includes("ARM_64");
  const mismatched = g.instanceTypes.filter((t) => isArmInstanceType(t) !== arm);
  if (mismatched.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["instanceTypes"],
      message: `${mismatched.join(", ")} ${mismatched.length === 1 ? "does" : "do"} not match amiType ${g.amiType} (${arm ? "arm64 needs Graviton types" : "x86_64 needs non-Graviton types"})`,
    });
  }
}

const NODE_GROUP_NAME = /^[a-z][a-z0-9-]{0,29}$/;

/** Node group names (the map keys) must suit EKS and the names derived from them. */
export function checkNodeGroupNames(names: readonly string[], ctx: z.RefinementCtx, path: readonly string[] = []): void {
  for (const name of names) {
    if (!NODE_GROUP_NAME.test(name)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, name],
        message: "node group names must be 1-30 characters: lower-case letters, digits and hyphens, starting with a letter",
      });
    }
  }
}

export const nodeGroups = z.record(z.string(), nodeGroupSettings).superRefine((groups, ctx) => {
  const names = Object.keys(groups);
  if (names.length === 0) ctx.addIssue({ code: "custom", message: "must define at least one node group" });
  checkNodeGroupNames(names, ctx);
});

/**
 * A self-managed node group (an EC2 Auto Scaling group the module runs itself): the managed group's
 * fields and rules, plus an optional custom AMI. capacityType SPOT makes the group all Spot
 * (price-capacity-optimized, capacity rebalancing); maxUnavailablePercentage bounds its instance refresh.
 */
export const selfManagedNodeGroupSettings = z
  .strictObject({
    ...nodeGroupShape,
    /**
     * Default: the EKS-optimized AMI (or Bottlerocket's) that SSM publishes for the Kubernetes version and
     * amiType, read on every plan, so a newer AMI rolls the nodes on the next apply. An id pins the AMI; it
     * must be of amiType's family, since the bootstrap user data follows amiType.
     */
    amiId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, "must be an AMI id such as ami-0123456789abcdef0").optional(),
  })
  .superRefine(checkNodeGroup);
export type SelfManagedNodeGroupSettings = z.output<typeof selfManagedNodeGroupSettings>;

/** Default none: self-managed groups are for what managed groups cannot do (custom AMIs, own bootstrap, mixed Spot policies). */
export const selfManagedNodeGroups = z
  .record(z.string(), selfManagedNodeGroupSettings)
  .superRefine((groups, ctx) => checkNodeGroupNames(Object.keys(groups), ctx))
  .default({});

/** Self-managed group names must differ from managed ones: both name nodes, launch templates and autoscaler tags. */
export function checkSelfManagedNames(managed: readonly string[], selfManaged: readonly string[], ctx: z.RefinementCtx): void {
  for (const name of selfManaged.filter((n) => managed.includes(n))) {
    ctx.addIssue({ code: "custom", path: ["selfManagedNodeGroups", name], message: `${name} is also a managed node group; node group names must be unique` });
  }
}

/** Settings every blueprint shares. */
/**
 * What scales the nodes of a node-group blueprint. Default cluster-autoscaler (resizes the managed node groups).
 * karpenter: Karpenter launches nodes for pending pods from its NodePools instead; the managed node groups
 * keep their sizes and run the controllers, Karpenter included.
 */
export const autoscalerSetting = z.enum(AUTOSCALERS).default("cluster-autoscaler");

export const commonSettingsShape = {
  /** Default: the blueprint's name. */
  clusterName,
  /** Default us-east-1. Used by `cdktf deploy` stacks only; generated modules take the region from their provider. */
  region: awsRegion.default("us-east-1"),
  /** Default: the catalog's default, a version in EKS standard support. */
  kubernetesVersion: z
    .enum(kubernetesVersions as [string, ...string[]], {
      error: () => `must be one of the supported Kubernetes versions: ${kubernetesVersions.join(", ")}`,
    })
    .default(defaultKubernetesVersion),
  /**
   * Default STANDARD: at the end of standard support EKS upgrades the cluster itself. EXTENDED keeps a version
   * up to 12 more months at a higher price, and is required for versions that leave standard support within
   * 30 days of this release's catalog review.
   */
  supportType: z.enum(SUPPORT_TYPES).default("STANDARD"),
  network,
  endpoint,
  /** IAM roles or users granted cluster-admin through EKS access entries. Default none. */
  adminPrincipalArns: z.array(iamPrincipalArn).default([]),
  /** Default true: the identity that applies the module also gets cluster-admin (needed to install add-ons). */
  clusterCreatorAdmin: z.boolean().default(true),
  /** Default 90 days of control-plane logs. */
  controlPlaneLogRetentionDays: logRetentionDays.default(90),
  /** Tags on every AWS resource. Default none. */
  tags: awsTags.default({}),
  /** Platform team (cluster admins) and application teams (a namespace each, scoped access). Default none. */
  teams,
} as const;

/** Settings of the blueprints whose pods run on EC2 nodes through the VPC CNI. */
export const podNetworkingShape = {
  /** Default "vpc-cni" (the VPC CNI's own agent enforces NetworkPolicies); "calico": Calico in policy-only mode; "none". */
  networkPolicy: z.enum(NETWORK_POLICY_ENGINES).default("vpc-cni"),
  vpcCni: z
    .strictObject({
      /** Default false. True: nodes take /28 prefixes per ENI slot, so far more pods fit on a node (IPv4 only; IPv6 always does). */
      prefixDelegation: z.boolean().default(false),
      /** Default 1: free /28 prefixes kept attached per node with prefix delegation. */
      warmPrefixTarget: z.number().int().min(0).max(16).default(1),
      /** Default false. True: security groups for pods (ENI trunking; the cluster role gets AmazonEKSVPCResourceController). */
      podSecurityGroups: z.boolean().default(false),
    })
    .prefault({}),
} as const;

/** Pod networking of a node blueprint from its settings. */
export function nodePodNetworking(s: { network: z.output<typeof network>; networkPolicy: PodNetworking["networkPolicy"]; vpcCni: z.output<typeof podNetworkingShape.vpcCni> }): PodNetworking {
  return { ipFamily: ipFamilyOf(s.network), networkPolicy: s.networkPolicy, ...s.vpcCni };
}

export function ipFamilyOf(n: z.output<typeof network>): PodNetworking["ipFamily"] {
  return n.mode === "create" ? n.ipFamily : "ipv4";
}

/** Cross-field rules of pod networking: trunking needs instance types that have it. */
export function checkPodNetworking(
  s: { vpcCni: { podSecurityGroups: boolean; prefixDelegation: boolean }; network: z.output<typeof network>; nodeGroups: Record<string, { instanceTypes: readonly string[] }> },
  ctx: z.RefinementCtx,
): void {
  if (s.vpcCni.podSecurityGroups) {
    for (const [name, g] of Object.entries(s.nodeGroups)) {
      const without = g.instanceTypes.filter(lacksTrunking);
      if (without.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["nodeGroups", name, "instanceTypes"],
          message: `${without.join(", ")}: the t family has no ENI trunking, which vpcCni.podSecurityGroups needs; choose e.g. m6i/m7i/c6i types`,
        });
      }
    }
  }
  if (s.vpcCni.prefixDelegation && ipFamilyOf(s.network) === "ipv6") {
    ctx.addIssue({ code: "custom", path: ["vpcCni", "prefixDelegation"], message: "has no effect with network.ipFamily ipv6: IPv6 clusters always assign prefixes; remove it" });
  }
}

const commonSettings = z.strictObject({ ...commonSettingsShape, clusterName: z.string() });
/** The parsed settings every blueprint has (its own schema adds node groups, add-on tuning, …). */
export type CommonSettings = z.output<typeof commonSettings>;

/**
 * Rules that span fields: the Kubernetes version against the support type, overlaps within the public
 * endpoint allow-list, and with the VPC it would be reached from.
 */
export function checkNetworkRules(
  s: {
    network: z.output<typeof network>;
    endpoint: z.output<typeof endpoint>;
    kubernetesVersion: string;
    supportType: string;
    adminPrincipalArns: readonly string[];
    teams: z.output<typeof teams>;
  },
  ctx: z.RefinementCtx,
): void {
  for (const [name, team] of Object.entries(s.teams.applications)) {
    team.principalArns.forEach((arn, i) => {
      if (s.adminPrincipalArns.includes(arn)) {
        ctx.addIssue({
          code: "custom",
          path: ["teams", "applications", name, "principalArns", i],
          message: `${arn} is in adminPrincipalArns, so already a cluster admin; EKS allows one access entry per principal`,
        });
      }
    });
  }
  if (s.supportType === "STANDARD" && (VERSIONS_NEEDING_EXTENDED_SUPPORT as readonly string[]).includes(s.kubernetesVersion)) {
    ctx.addIssue({ code: "custom", path: ["kubernetesVersion"], message: supportTypeRuleText(s.kubernetesVersion) });
  }
  const cidrs = s.endpoint.publicAccessCidrs;
  for (let i = 0; i < cidrs.length; i++) {
    for (let j = i + 1; j < cidrs.length; j++) {
      if (cidrsOverlap(cidrs[i], cidrs[j])) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint", "publicAccessCidrs", j],
          message: `${cidrs[j]} overlaps ${cidrs[i]}; list each range once`,
        });
      }
    }
  }
  // Addresses inside the VPC reach the API server through the private endpoint, never the public one.
  const vpcCidr = s.network.mode === "create" ? s.network.vpcCidr : undefined;
  cidrs.forEach((cidr, i) => {
    if (vpcCidr && cidrsOverlap(cidr, vpcCidr)) {
      ctx.addIssue({
        code: "custom",
        path: ["endpoint", "publicAccessCidrs", i],
        message: `${cidr} overlaps the VPC CIDR ${vpcCidr}; traffic from inside the VPC uses the private endpoint, so list only public ranges`,
      });
    }
  });
}

/**
 * One line per problem: `field.path: rule`. Given the schema and the input, an unknown key names
 * the closest known one (`nodeGroup: unknown setting (did you mean nodeGroups?)`).
 */
export function formatSettingsError(error: z.ZodError, prefix = "", source?: { schema: z.ZodType; input: unknown }): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
      if (issue.code === "unrecognized_keys") {
        const hint = (k: string) => (source ? unknownKeyHint(source.schema, issue.path, k, source.input) : "");
        return issue.keys.map((k) => `${[path, k].filter(Boolean).join(".")}: unknown setting${hint(k)}`).join("\n");
      }
      return `${path || "(settings)"}: ${issue.message}${source ? numberForStringHint(issue, source.input) : ""}`;
    })
    .join("\n");
}

export class SettingsError extends Error {
  constructor(readonly blueprint: string, readonly details: string) {
    super(`invalid settings for blueprint "${blueprint}":\n${details}`);
    this.name = "SettingsError";
  }
}

/** Parse settings with a blueprint's schema, or throw a SettingsError naming every bad field. */
export function parseSettings<S extends z.ZodType>(blueprint: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { error: settingsErrorMap });
  if (!result.success) throw new SettingsError(blueprint, formatSettingsError(result.error, "", { schema, input }));
  return result.data;
}
