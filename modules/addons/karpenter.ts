import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformIterator, TerraformLocal, TerraformOutput } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts, karpenterAmiAlias } from "../catalog";
import { nodeRolePolicies, ServiceRole } from "../iam";
import { IamPolicyDocument } from "../iam-policy-document";
import { ModuleAsset } from "../module-asset";
import { derivedName } from "../names";
import { moduleVariable, ofType } from "../terraform";
import { WorkloadRole } from "../workload-identity";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { Addon, AddonsSide, BlueprintFacts, ClusterSide, Handoff } from "./contract";
import { Container, HOOK_NAMESPACE, JOB_DEADLINE_SECONDS, PolicyRule, RELEASE_TIMEOUT_SECONDS } from "./kubectl-hook";
import { chartRelease, Placement, Toleration } from "./helm-release";
import { karpenterIntegrationPolicy, karpenterNodeLifecyclePolicy } from "./karpenter-iam-policy";
import { cleanupRules, cleanupSteps, karpenterNodePoolsChart } from "./karpenter-node-pools-chart";

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "karpenter";
/** The tag Karpenter's EC2NodeClass selects subnets and security groups by (upstream's getting-started convention). */
export const DISCOVERY_TAG = "karpenter.sh/discovery";
const AMI_ALIAS = /^al2023@(v\d{8}|latest)$/;
const AMI_ALIAS_HCL = "^al2023@(v[0-9]{8}|latest)$";

export const KARPENTER_NODE_ROLE_NAME = new Handoff("karpenter_node_role_name", "Name of the IAM role of Karpenter's nodes (the EC2NodeClasses' role).");
export const KARPENTER_INTERRUPTION_QUEUE_NAME = new Handoff(
  "karpenter_interruption_queue_name",
  "Name of the SQS queue Karpenter reads Spot interruptions, rebalance recommendations and health events from.",
);

/** The discovery tags the private subnets get when Karpenter scales the nodes; none otherwise. */
export function karpenterDiscoveryTags(facts: BlueprintFacts, clusterName: string): Record<string, string> {
  return facts.autoscaler === "karpenter" ? { [DISCOVERY_TAG]: clusterName } : {};
}

/** EventBridge rules feeding the interruption queue: upstream's five, keyed by what they report. */
export const INTERRUPTION_EVENTS: Readonly<Record<string, { readonly source: string; readonly detailType: string }>> = {
  "scheduled-change": { source: "aws.health", detailType: "AWS Health Event" },
  "spot-interruption": { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  "state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  reservation: { source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
};
const LONGEST_EVENT_KEY = Math.max(...Object.keys(INTERRUPTION_EVENTS).map((k) => k.length));

export type KarpenterCapacityType = "spot" | "on-demand";

export interface NodeRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  readonly values?: readonly string[];
}

/** A NodePool (and its EC2NodeClass, of the same name) a blueprint defines. */
export interface KarpenterPoolDefinition {
  /** Lower-case letters and digits: the NodePool's and EC2NodeClass's name. */
  readonly name: string;
  /** Capacity types in preference order; with both, Karpenter launches Spot and falls back to On-Demand. */
  readonly capacityTypes: readonly KarpenterCapacityType[];
  /** Further requirements (instance families, categories, architecture). */
  readonly requirements: readonly NodeRequirement[];
  /** Default of the pool's entry in `karpenter_node_pool_limits` (resource → quantity). */
  readonly limits: Readonly<Record<string, string>>;
  /** Root volume in GiB (encrypted gp3). */
  readonly rootVolumeGiB: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: ReadonlyArray<{ readonly key: string; readonly value?: string; readonly effect: Toleration["effect"] }>;
}

/** General-purpose x86 nodes, as upstream's getting-started NodePool (c, m, r of generation 3 and later). */
export function generalPurposePool(capacityTypes: readonly KarpenterCapacityType[]): KarpenterPoolDefinition {
  return {
    name: "default",
    capacityTypes,
    requirements: [
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
      { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["2"] },
    ],
    // A cost guard: upstream's example allows 1000 vCPUs; 100 is about 50 m*.large nodes.
    limits: { cpu: "100", memory: "400Gi" },
    rootVolumeGiB: 50,
  };
}

export interface KarpenterSettings {
  /** AMI alias of the EC2NodeClasses (`karpenter_ami_alias`); default the catalog's pinned AL2023 release. */
  readonly amiAlias: string;
  /** Limits per NodePool (`karpenter_node_pool_limits`); default the blueprint's. */
  readonly nodePoolLimits?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface KarpenterOptions {
  /** The NodePools the add-ons module creates. Default: one general-purpose on-demand pool `default`. */
  readonly pools?: readonly KarpenterPoolDefinition[];
}

/** EC2NodeClass spec (karpenter.k8s.aws/v1). */
export interface Ec2NodeClassSpec {
  readonly role: string;
  readonly amiSelectorTerms: ReadonlyArray<{ readonly alias: string }>;
  readonly subnetSelectorTerms: ReadonlyArray<{ readonly tags: Readonly<Record<string, string>> }>;
  readonly securityGroupSelectorTerms: ReadonlyArray<{ readonly tags: Readonly<Record<string, string>> }>;
  readonly metadataOptions: {
    readonly httpEndpoint: "enabled";
    readonly httpProtocolIPv6: "disabled";
    readonly httpPutResponseHopLimit: 1;
    readonly httpTokens: "required";
  };
  readonly blockDeviceMappings: ReadonlyArray<{
    readonly deviceName: "/dev/xvda";
    readonly ebs: { readonly volumeSize: string; readonly volumeType: "gp3"; readonly encrypted: true; readonly deleteOnTermination: true };
  }>;
  readonly tags: Readonly<Record<string, string>>;
}

/** NodePool spec (karpenter.sh/v1). */
export interface NodePoolSpec {
  readonly template: {
    readonly metadata: { readonly labels: Readonly<Record<string, string>> };
    readonly spec: {
      readonly nodeClassRef: { readonly group: "karpenter.k8s.aws"; readonly kind: "EC2NodeClass"; readonly name: string };
      readonly requirements: readonly NodeRequirement[];
      readonly taints: NonNullable<KarpenterPoolDefinition["taints"]>;
      readonly expireAfter: string;
    };
  };
  /** A Terraform expression (the pool's entry of `karpenter_node_pool_limits`). */
  readonly limits: string;
  readonly disruption: {
    readonly consolidationPolicy: "WhenEmptyOrUnderutilized";
    readonly consolidateAfter: string;
    readonly budgets: ReadonlyArray<{ readonly nodes: string }>;
  };
}

/** The values of the karpenter-node-pools chart (this module's own). */
export interface KarpenterNodePoolsValues {
  readonly nodePools: Readonly<Record<string, { readonly nodeClass: Ec2NodeClassSpec; readonly nodePool: NodePoolSpec }>>;
  readonly cleanup: {
    readonly activeDeadlineSeconds: number;
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: NonNullable<Placement["tolerations"]>;
    readonly rules: readonly PolicyRule[];
    readonly steps: readonly Container[];
    readonly report: readonly Container[];
  };
}

/** The chart values this project sets (karpenter chart). */
export interface KarpenterValues {
  readonly settings: { readonly clusterName: string; readonly interruptionQueue: string };
  readonly serviceAccount: { readonly create: true; readonly name: string };
  readonly replicas: number;
  readonly controller: {
    readonly resources: {
      readonly requests: { readonly cpu: string; readonly memory: string };
      readonly limits: { readonly memory: string };
    };
  };
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: NonNullable<Placement["tolerations"]>;
}

/**
 * Karpenter, instead of the Cluster Autoscaler (`autoscaler: karpenter`). Cluster module: the controller's
 * Pod Identity role with upstream's policy, the role of Karpenter's nodes with an EC2_LINUX access entry (Karpenter
 * creates the instance profile from the role's name), the interruption queue (SSE, TLS only) with its EventBridge
 * rules, and the discovery tag on the cluster security group (the private subnets get it from the network).
 * Add-ons module: the karpenter-crd chart, the controller (on the managed node groups: never on its own nodes),
 * and the EC2NodeClasses and NodePools through a local chart, so that planning needs no CRD.
 */
export class Karpenter extends Addon<"karpenter", KarpenterSettings> {
  readonly key = "karpenter";
  readonly settings: z.ZodType<KarpenterSettings>;
  readonly after = [AwsLoadBalancerController];
  readonly pools: readonly KarpenterPoolDefinition[];

  constructor(options: KarpenterOptions = {}) {
    super();
    this.pools = options.pools ?? [generalPurposePool(["on-demand"])];
    const names = this.pools.map((p) => p.name);
    this.settings = z
      .strictObject({
        /** Default: the catalog's pinned Amazon Linux 2023 release (never `latest`, which rolls nodes unreviewed). */
        amiAlias: z.string().regex(AMI_ALIAS, "must be al2023@vYYYYMMDD (an EKS AMI release) or al2023@latest").default(karpenterAmiAlias),
        /** Default: the blueprint's limits per NodePool (general purpose: 100 vCPUs, 400Gi). */
        nodePoolLimits: z
          .record(z.string(), z.record(z.string(), z.string().min(1)))
          .refine((m) => Object.keys(m).every((k) => names.includes(k)), { message: `keys must be NodePools of this blueprint: ${names.join(", ")}` })
          .optional(),
      })
      .prefault({});
  }

  isEnabled(_settings: KarpenterSettings, facts: BlueprintFacts): boolean {
    return facts.autoscaler === "karpenter";
  }

  buildCluster(scope: Construct, side: ClusterSide): ITerraformDependable[] {
    const holder = new Construct(scope, "karpenter_aws");
    setModuleFile(holder, "karpenter");
    const id = side.identity;

    // Upstream's node role, without AmazonEKS_CNI_Policy: vpc-cni has its own role, so no pod inherits ENI rights.
    const nodeRole = new ServiceRole(holder, {
      address: "karpenter_node",
      name: derivedName(id.namePrefix, "-karpenter-node", "iamRole"),
      description: "Assumed by the EC2 instances Karpenter launches for this cluster.",
      trust: { kind: "service", service: "ec2.amazonaws.com" },
      // Upstream's getting-started role uses the narrower pull-only ECR policy.
      managedPolicies: nodeRolePolicies("AmazonEC2ContainerRegistryPullOnly"),
      tags: id.tags,
      partition: id.partition,
    });
    new EksAccessEntry(ofType(holder, "access_entry"), "karpenter_node", {
      clusterName: id.clusterName,
      principalArn: nodeRole.role.arn,
      type: "EC2_LINUX",
      tags: id.tags,
    });

    const queue = new SqsQueue(ofType(holder, "sqs_queue"), "karpenter", {
      name: derivedName(id.namePrefix, "-karpenter", "sqsQueue"),
      // Upstream: interruption messages are stale after five minutes.
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
      tags: id.tags,
    });
    const queuePolicy: IamPolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgeSendMessage",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
          Action: "sqs:SendMessage",
          Resource: queue.arn,
        },
        { Sid: "DenyHTTP", Effect: "Deny", Principal: { AWS: "*" }, Action: "sqs:*", Resource: queue.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    };
    new SqsQueuePolicy(ofType(holder, "sqs_queue_policy"), "karpenter", { queueUrl: queue.url, policy: Fn.jsonencode(queuePolicy) });

    const events = new TerraformLocal(
      holder,
      "karpenter_interruption_events",
      Object.fromEntries(Object.entries(INTERRUPTION_EVENTS).map(([k, e]) => [k, { source: [e.source], "detail-type": [e.detailType] }])),
    );
    const eachRule = TerraformIterator.fromMap(events.expression as unknown as Record<string, unknown>);
    const rule = new CloudwatchEventRule(ofType(holder, "event_rule"), "karpenter", {
      forEach: eachRule,
      name: derivedName(id.namePrefix, `-karpenter-${eachRule.key}`, "eventRule", "-karpenter-".length + LONGEST_EVENT_KEY),
      description: `Karpenter interruption handling of EKS cluster ${id.clusterName}: \${each.key} events to its queue.`,
      eventPattern: Fn.jsonencode(eachRule.value),
      tags: id.tags,
    });
    const eachTarget = TerraformIterator.fromResources(rule);
    new CloudwatchEventTarget(ofType(holder, "event_target"), "karpenter", {
      forEach: eachTarget,
      rule: eachTarget.getString("name"),
      targetId: "KarpenterInterruptionQueueTarget",
      arn: queue.arn,
    });

    new Ec2Tag(ofType(holder, "ec2_tag"), "karpenter_discovery_cluster_security_group", {
      resourceId: side.clusterSecurityGroupId,
      key: DISCOVERY_TAG,
      value: id.clusterName,
    });

    const scopeOf = { clusterName: id.clusterName, partition: id.partition, region: id.region, accountId: id.accountId, nodeRoleArn: nodeRole.role.arn, queueArn: queue.arn };
    const controller = new WorkloadRole(holder, {
      address: "karpenter",
      roleNameSuffix: "karpenter",
      description: "Lets the Karpenter controller launch and terminate this cluster's nodes and read its interruption queue.",
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      identity: "podIdentity",
      cluster: id,
      policy: karpenterIntegrationPolicy(scopeOf),
      outputName: "karpenter_controller_role_arn",
    });
    const lifecycle = new TerraformLocal(holder, "karpenter_node_lifecycle_policy", karpenterNodeLifecyclePolicy(scopeOf));
    const lifecyclePolicy = new IamPolicy(holder, "karpenter_node_lifecycle", {
      name: derivedName(id.namePrefix, "-karpenter-node-lifecycle", "iamPolicy"),
      description: "Lets the Karpenter controller launch, tag and terminate instances of this cluster's NodePools.",
      policy: Fn.jsonencode(lifecycle.expression),
      tags: id.tags,
    });
    new IamRolePolicyAttachment(ofType(holder, "policy_attachment"), "karpenter_node_lifecycle", {
      role: controller.serviceRole.role.name,
      policyArn: lifecyclePolicy.arn,
    });

    new TerraformOutput(holder, "karpenter_node_role_arn", { value: nodeRole.role.arn, description: "ARN of the IAM role of Karpenter's nodes." });
    new TerraformOutput(holder, "karpenter_interruption_queue_url", { value: queue.url, description: "URL of Karpenter's interruption queue." });
    side.handOff(KARPENTER_NODE_ROLE_NAME, nodeRole.role.name);
    side.handOff(KARPENTER_INTERRUPTION_QUEUE_NAME, queue.name);
    return [];
  }

  buildAddons(scope: Construct, side: AddonsSide, s: KarpenterSettings): ITerraformDependable[] {
    const holder = new Construct(scope, "karpenter");
    setModuleFile(holder, "karpenter");
    const names = this.pools.map((p) => p.name);

    const amiAlias = moduleVariable(holder, "karpenter_ami_alias", {
      type: "string",
      description: "AMI alias of Karpenter's EC2NodeClasses: al2023@vYYYYMMDD (an EKS-optimized AMI release; changing it rolls Karpenter's nodes) or al2023@latest.",
      default: s.amiAlias,
      rules: [{ condition: `can(regex("${AMI_ALIAS_HCL}", var.karpenter_ami_alias))`, message: "karpenter_ami_alias must be al2023@vYYYYMMDD or al2023@latest." }],
    });
    const limits = moduleVariable(holder, "karpenter_node_pool_limits", {
      type: "map(map(string))",
      description: `Most resources (cpu, memory, nvidia.com/gpu) each Karpenter NodePool may launch, by NodePool (${names.join(", ")}): a cost guard.`,
      default: Object.fromEntries(this.pools.map((p) => [p.name, { ...p.limits, ...s.nodePoolLimits?.[p.name] }])),
      rules: [
        {
          condition: `length(setsubtract(keys(var.karpenter_node_pool_limits), ${JSON.stringify(names)})) == 0 && length(setsubtract(${JSON.stringify(names)}, keys(var.karpenter_node_pool_limits))) == 0`,
          message: `karpenter_node_pool_limits must have exactly one entry per NodePool: ${names.join(", ")}.`,
        },
      ],
    });

    const placement = side.systemPlacement;
    // Kept from the chart's defaults: the os selector and the CriticalAddonsOnly toleration (and, in affinity,
    // `karpenter.sh/nodepool DoesNotExist`, which keeps the controller off the nodes it manages).
    const nodeSelector = { "kubernetes.io/os": "linux", ...placement?.nodeSelector };
    const tolerations: Toleration[] = [
      { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
      ...(placement?.tolerations ?? []).filter((t) => t.key !== "CriticalAddonsOnly"),
    ];

    const crds = chartRelease(holder, {
      address: "karpenter_crd",
      releaseName: "karpenter-crd",
      chart: helmCharts.karpenterCrd,
      namespace: NAMESPACE,
      values: {},
      dependsOn: side.prerequisites,
      title: "Karpenter's custom resource definitions",
    });
    const values: KarpenterValues = {
      settings: { clusterName: side.cluster.clusterName, interruptionQueue: side.input(KARPENTER_INTERRUPTION_QUEUE_NAME) },
      serviceAccount: { create: true, name: SERVICE_ACCOUNT },
      replicas: 2,
      // Upstream's getting-started gives 1 CPU and 1Gi on dedicated nodes; here it shares the managed nodes with
      // the other controllers: half a CPU requested, no CPU limit (no throttling), memory request = limit.
      controller: { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } } },
      nodeSelector,
      tolerations,
    };
    const controller = chartRelease(holder, {
      address: "karpenter",
      releaseName: "karpenter",
      chart: helmCharts.karpenter,
      namespace: NAMESPACE,
      values,
      dependsOn: [crds],
      title: "the Karpenter controller",
    });
    // The CRDs belong to the karpenter-crd release, which Helm upgrades; the chart's crds/ would only be installed once.
    controller.skipCrds = true;

    const chart = karpenterNodePoolsChart(names);
    chart.files.forEach(([path, content], i) => new ModuleAsset(holder, `chart_file_${i}`, { path, content }));
    const discovery = { [DISCOVERY_TAG]: side.cluster.clusterName };
    const roleName = side.input(KARPENTER_NODE_ROLE_NAME);
    const pools: KarpenterNodePoolsValues["nodePools"] = Object.fromEntries(
      this.pools.map((p) => [
        p.name,
        {
          nodeClass: {
            role: roleName,
            amiSelectorTerms: [{ alias: amiAlias.stringValue }],
            subnetSelectorTerms: [{ tags: discovery }],
            securityGroupSelectorTerms: [{ tags: discovery }],
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: `${p.rootVolumeGiB}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true } }],
            tags: { Name: `${side.cluster.clusterName}-karpenter-${p.name}` },
          },
          nodePool: {
            template: {
              metadata: { labels: { ...p.labels } },
              spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: p.name },
                requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: p.capacityTypes }, ...p.requirements],
                taints: p.taints ?? [],
                // Upstream's 30 days: nodes are replaced regularly, picking up new AMIs and patches.
                expireAfter: "720h",
              },
            },
            limits: `\${var.${limits.friendlyUniqueId}[${JSON.stringify(p.name)}]}`,
            disruption: {
              consolidationPolicy: "WhenEmptyOrUnderutilized",
              consolidateAfter: "1m",
              // At most a tenth of a pool's nodes are disrupted voluntarily at once.
              budgets: [{ nodes: "10%" }],
            },
          },
        },
      ]),
    );
    const cleanup = cleanupSteps(names);
    const poolValues: KarpenterNodePoolsValues = {
      nodePools: pools,
      cleanup: {
        activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
        nodeSelector: placement?.nodeSelector ?? {},
        tolerations: placement?.tolerations ?? [],
        rules: cleanupRules,
        steps: cleanup.steps,
        report: cleanup.report,
      },
    };
    const nodePools = chartRelease(holder, {
      address: "karpenter_node_pools",
      releaseName: "karpenter-node-pools",
      chart: { path: "charts/karpenter-node-pools", version: chart.version },
      namespace: HOOK_NAMESPACE,
      values: poolValues,
      // After the controller: destroyed first, its hook waits while the controller still terminates the nodes.
      dependsOn: [controller],
      title: "Karpenter's EC2NodeClasses and NodePools",
      timeout: RELEASE_TIMEOUT_SECONDS,
    });
    return [controller, nodePools];
  }
}
