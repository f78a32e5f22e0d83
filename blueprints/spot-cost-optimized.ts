import { z } from "zod";
import { AwsLoadBalancerController } from "../modules/addons/aws-load-balancer-controller";
import { DestroyCleanup } from "../modules/addons/destroy-cleanup";
import { ClusterAutoscaler } from "../modules/addons/cluster-autoscaler";
import { addonSettingsSchema } from "../modules/addons/contract";
import { Placement } from "../modules/addons/helm-release";
import { generalPurposePool, Karpenter } from "../modules/addons/karpenter";
import { MetricsServer } from "../modules/addons/metrics-server";
import { NAME_PREFIX_SUFFIX_LENGTH } from "../modules/aws-limits";
import { NodeGroupVariable } from "../modules/node-groups";
import { Blueprint } from "./blueprint";
import { optionalAddonsForNodes } from "./optional-addons";
import { nodeGroupVariables } from "./compose";
import { eksAddonsForNodes, nodeGroupCompute, nodeGroupFacts, selfManagedNodeGroupVariables } from "./node-group-cluster";
import { Calico } from "../modules/addons/calico";
import {
  autoscalerSetting,
  checkNetworkRules,
  checkPodNetworking,
  checkSelfManagedNames,
  commonSettingsShape,
  isArmInstanceType,
  NodeGroupSettings,
  nodeGroups,
  nodePodNetworking,
  podNetworkingShape,
  selfManagedNodeGroups,
} from "./settings";

/** The label and taint that keep cluster-critical add-ons on the on-demand system group, and workloads off it. */
export const SYSTEM_LABEL = { key: "node-role", value: "system" } as const;
export const SYSTEM_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;
/** What CoreDNS, the Load Balancer Controller, the Cluster Autoscaler and metrics-server are given. */
export const SYSTEM_PLACEMENT: Placement = {
  nodeSelector: { [SYSTEM_LABEL.key]: SYSTEM_LABEL.value },
  tolerations: [{ key: SYSTEM_TAINT.key, operator: "Exists", effect: SYSTEM_TAINT.effect }],
};
/** Spot pools to choose from: fewer types mean more interruptions and more failed launches. */
export const MIN_SPOT_INSTANCE_TYPES = 4;
export const GRAVITON_SPOT_GROUP = "spot-arm64";

/** Same vCPU and memory: one size and one family class (m, c, r, …): m5.large, m6a.large, m7g.large. */
function shapeOf(instanceType: string): string {
  const [family, size] = instanceType.split(".");
  return `${/^[a-z]+/.exec(family)?.[0] ?? family}*.${size}`;
}

function checkSpotGroups(groups: Record<string, NodeGroupSettings>, ctx: z.RefinementCtx): void {
  for (const [name, g] of Object.entries(groups)) {
    if (g.capacityType !== "SPOT") continue;
    const path = ["nodeGroups", name, "instanceTypes"];
    if (g.instanceTypes.length < MIN_SPOT_INSTANCE_TYPES) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `a SPOT group needs at least ${MIN_SPOT_INSTANCE_TYPES} instance types of the same size (e.g. m5.large, m5a.large, m6i.large, m6a.large) to draw on enough Spot pools; got ${g.instanceTypes.length}`,
      });
    }
    const shapes = [...new Set(g.instanceTypes.map(shapeOf))];
    if (shapes.length > 1) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `instance types of one SPOT group must share a size and family class so that every node has the same vCPU and memory (the Cluster Autoscaler sizes a group from its first type); got ${shapes.join(", ")}`,
      });
    }
  }
  const system = Object.values(groups).some(
    (g) =>
      g.capacityType === "ON_DEMAND" &&
      g.labels[SYSTEM_LABEL.key] === SYSTEM_LABEL.value &&
      g.taints.some((t) => t.key === SYSTEM_TAINT.key && t.effect === SYSTEM_TAINT.effect),
  );
  if (!system) {
    ctx.addIssue({
      code: "custom",
      path: ["nodeGroups"],
      message: `must include an ON_DEMAND group labelled ${SYSTEM_LABEL.key}=${SYSTEM_LABEL.value} and tainted ${SYSTEM_TAINT.key}=${SYSTEM_TAINT.value}:${SYSTEM_TAINT.effect}: CoreDNS and the controllers run only there`,
    });
  }
}

const spotAddons = [
  ...eksAddonsForNodes,
  new AwsLoadBalancerController(),
  new Calico(),
  new ClusterAutoscaler({
    // Graviton Spot first, then x86 Spot, then on-demand groups; idle Spot nodes go quickly.
    defaults: { expander: "priority", scaleDownUnneededTime: "5m" },
    expanderPriorities,
    extraArgs: {
      // A group whose Spot pools are exhausted is backed off after this, and another group is tried.
      "max-node-provision-time": "5m",
      "scale-down-delay-after-add": "5m",
      // kube-system Deployments with PDBs (EBS CSI controller) must not pin Spot nodes.
      "skip-nodes-with-system-pods": false,
    },
  }),
  // With autoscaler: karpenter, Spot first and On-Demand when no Spot pool has capacity.
  new Karpenter({ pools: [generalPurposePool(["spot", "on-demand"])] }),
  new MetricsServer(),
  ...optionalAddonsForNodes,
  new DestroyCleanup(),
] as const;

const gravitonGroup: z.input<typeof nodeGroups>[string] = {
  instanceTypes: ["m6g.large", "m6gd.large", "m7g.large", "m7gd.large", "m8g.large"],
  capacityType: "SPOT",
  amiType: "AL2023_ARM_64_STANDARD",
  minSize: 0,
  desiredSize: 0,
  maxSize: 20,
  labels: { "node-role": "workload" },
};

export const spotCostOptimizedSettings = z
  .strictObject({
    ...commonSettingsShape,
    ...podNetworkingShape,
    clusterName: commonSettingsShape.clusterName.default("spot-cost-optimized"),
    /**
     * Default: "system", two on-demand nodes tainted for cluster-critical add-ons, and "spot-x86", 1–20
     * Spot nodes over six 2-vCPU/8-GiB types of five families and three generations.
     */
    nodeGroups: nodeGroups.prefault({
      system: {
        instanceTypes: ["m6i.large", "m6a.large", "m7i.large"],
        capacityType: "ON_DEMAND",
        minSize: 2,
        desiredSize: 2,
        maxSize: 3,
        labels: { [SYSTEM_LABEL.key]: SYSTEM_LABEL.value },
        taints: [{ ...SYSTEM_TAINT }],
      },
      "spot-x86": {
        instanceTypes: ["m5.large", "m5a.large", "m6i.large", "m6a.large", "m7i.large", "m7a.large"],
        capacityType: "SPOT",
        minSize: 1,
        desiredSize: 2,
        maxSize: 20,
        labels: { "node-role": "workload" },
      },
    }),
    /**
     * Default false. True adds "spot-arm64": Graviton Spot nodes (m6g/m6gd/m7g/m7gd/m8g.large, 0–20), which
     * the Cluster Autoscaler prefers. Turn it on only when every workload image is multi-arch.
     */
    gravitonSpot: z.boolean().default(false),
    selfManagedNodeGroups,
    autoscaler: autoscalerSetting,
    addons: addonSettingsSchema(spotAddons),
  })
  .transform((s, ctx) => {
    if (!s.gravitonSpot) return s;
    if (GRAVITON_SPOT_GROUP in s.nodeGroups) {
      ctx.addIssue({ code: "custom", path: ["gravitonSpot"], message: `adds a node group named ${GRAVITON_SPOT_GROUP}, which nodeGroups already defines` });
      return z.NEVER;
    }
    return { ...s, nodeGroups: { ...s.nodeGroups, [GRAVITON_SPOT_GROUP]: nodeGroups.parse({ [GRAVITON_SPOT_GROUP]: gravitonGroup })[GRAVITON_SPOT_GROUP] } };
  })
  .superRefine((s, ctx) => {
    checkNetworkRules(s, ctx);
    checkPodNetworking(s, ctx);
    checkSpotGroups(s.nodeGroups, ctx);
    checkSelfManagedNames(Object.keys(s.nodeGroups), Object.keys(s.selfManagedNodeGroups), ctx);
  });

export type SpotCostOptimizedSettings = z.output<typeof spotCostOptimizedSettings>;

/**
 * Priority expander configuration: Graviton Spot (cheapest per vCPU) 30, x86 Spot 20, anything else 10.
 * EKS names a managed node group's Auto Scaling group `eks-<node group name>-<uuid>`; the node group name is
 * `<group>-` plus Terraform's 26-character unique suffix (name_prefix). Groups named before name_prefix
 * (no suffix) still match, so priorities hold while a group is being replaced.
 */
export function expanderPriorities(
  groups: Readonly<Record<string, NodeGroupVariable>>,
  selfManagedGroups: Readonly<Record<string, NodeGroupVariable>> = {},
): Record<string, string[]> {
  const priorities: Record<string, string[]> = {};
  const priorityOf = (g: NodeGroupVariable) => (g.capacity_type !== "SPOT" ? "10" : g.instance_types.every(isArmInstanceType) ? "30" : "20");
  for (const [name, g] of Object.entries(groups)) {
    (priorities[priorityOf(g)] ??= []).push(`^eks-${name}-([0-9a-f]{${NAME_PREFIX_SUFFIX_LENGTH}}-)?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$`);
  }
  // Self-managed Auto Scaling groups are named `<group>-` plus Terraform's unique suffix; unlisted groups the expander would never use.
  for (const [name, g] of Object.entries(selfManagedGroups)) {
    (priorities[priorityOf(g)] ??= []).push(`^${name}-[0-9a-f]{${NAME_PREFIX_SUFFIX_LENGTH}}$`);
  }
  return priorities;
}

export const spotCostOptimized: Blueprint<typeof spotCostOptimizedSettings> = {
  name: "spot-cost-optimized",
  summary: "Baseline's stack with workloads on diversified Spot capacity and cluster-critical add-ons on a small on-demand group.",
  composes: [
    "VPC (3 AZs, public/private/intra subnets, NAT, flow logs)",
    "EKS control plane (private endpoint, KMS secrets encryption, access entries, all control-plane logs)",
    "managed node groups: on-demand \"system\" (tainted CriticalAddonsOnly) and SPOT \"spot-x86\" over six instance types; optional Graviton \"spot-arm64\"",
    "EKS add-ons: vpc-cni (network policy), kube-proxy, CoreDNS (on system nodes), Pod Identity agent, EBS CSI",
    "Helm: AWS Load Balancer Controller, Cluster Autoscaler (priority expander, Spot tuning; or Karpenter, Spot with On-Demand fallback: `autoscaler: karpenter`), metrics-server, all on system nodes; default gp3 StorageClass",
  ],
  whenToUse:
    "Pick it for stateless, replicated, interruption-tolerant workloads (web services, queue workers, CI, batch). Stay on baseline for stateful or single-replica workloads.",
  readme: `
## What it is for

Running interruption-tolerant workloads — stateless web services with several replicas, queue consumers, CI
runners, batch jobs — on EC2 Spot, which AWS sells at **up to 90% off On-Demand**
(aws.amazon.com/ec2/spot/pricing), while the pieces that keep the cluster working stay on on-demand nodes.

## What it composes

- **\`system\` node group**: two on-demand \`m6i/m6a/m7i.large\` nodes labelled \`node-role=system\` and tainted
  \`CriticalAddonsOnly=true:NoSchedule\`. CoreDNS (through its EKS add-on configuration), the Load Balancer
  Controller, the Cluster Autoscaler and metrics-server select that label and tolerate that taint; workloads
  do not tolerate it, so a Spot reclaim never takes DNS or the autoscaler down.
- **\`spot-x86\` node group**: SPOT capacity over \`m5, m5a, m6i, m6a, m7i, m7a .large\` (2 vCPU, 8 GiB each) —
  six Spot pools per zone across two vendors and three generations. Settings reject a SPOT group with fewer than
  four types, or with types of different sizes or family classes (\`m*.large\` and \`c*.large\` differ in memory),
  because the Cluster Autoscaler plans with the first type of a group.
- **\`spot-arm64\` (setting \`gravitonSpot: true\`, off by default)**: Graviton Spot over
  \`m6g, m6gd, m7g, m7gd, m8g .large\` on \`AL2023_ARM_64_STANDARD\`, scaling from zero. Graviton is usually the
  cheapest per vCPU, so the autoscaler prefers it; enable it only when every image you run is multi-arch
  (linux/arm64), or pin x86-only workloads with \`nodeSelector: {kubernetes.io/arch: amd64}\`.
- **Cluster Autoscaler** tuned for Spot: the \`priority\` expander with \`cluster_autoscaler_expander_priorities\`
  (Graviton Spot 30, x86 Spot 20, on-demand 10, matched on the \`eks-<group>-<uuid>\` Auto Scaling group names);
  \`balance-similar-node-groups\`; \`max-node-provision-time=5m\` so a group whose Spot pools are exhausted is
  backed off and another is tried within minutes instead of 15; scale-down after 5 minutes unneeded and 5 minutes
  after a scale-up; \`skip-nodes-with-system-pods=false\` so the EBS CSI controller cannot pin a Spot node. Every
  group's labels and taints are also written as \`k8s.io/cluster-autoscaler/node-template/*\` tags on its Auto
  Scaling group, so groups at zero scale up correctly.

## What managed node groups do for Spot, and what is left to you

EKS managed node groups already apply the Spot best practices: new SPOT groups on Kubernetes 1.28 and later use
the **price-capacity-optimized** allocation strategy (pools with the lowest interruption risk among the cheapest),
and **Capacity Rebalancing** is on — when EC2 signals that a Spot node is at elevated risk, EKS launches a
replacement, and once it is Ready, cordons and drains the at-risk node; if the two-minute interruption notice comes
first, EKS drains the node best-effort. You do not need the AWS Node Termination Handler.

What stays your job:

- **Replicas and PodDisruptionBudgets**: run at least two replicas of anything that serves traffic, spread them
  across zones and nodes (\`topologySpreadConstraints\`), and give them a PodDisruptionBudget so drains evict one
  at a time. A drain on a two-minute notice does not wait for a slow shutdown: keep
  \`terminationGracePeriodSeconds\` under about 90 seconds and handle SIGTERM.
- **Stateful and single-replica workloads** belong on on-demand capacity: add an on-demand group without the
  system taint, or keep them on baseline.
- **Spot capacity can run out** in a zone or for a size: keep \`maxSize\` headroom and consider a second SPOT group of
  another size (e.g. \`*.xlarge\`) — each group must keep one size.

## Rough monthly cost drivers

- **EC2**: the two on-demand \`system\` nodes cost about $140 per month in us-east-1 ($0.096 per hour each for
  m6i.large). Spot prices for the \`*.large\` workload types move with supply and demand and are typically 50–70%
  below On-Demand (up to 90%). For a workload needing 10 \`m*.large\` nodes, baseline runs 10 on-demand nodes; this
  blueprint runs 2 on-demand system nodes plus 10 Spot nodes at 60–70% off, so expect the EC2 bill to be roughly
  **45–55% lower** (a realistic blended estimate, not a promise); the larger the Spot share of the fleet, the
  closer the saving gets to the Spot discount itself.
- **EKS control plane**: $0.10 per hour, about $73 per month — the same as baseline.
- **NAT gateway, EBS gp3 volumes, CloudWatch Logs**: as baseline; Spot changes none of them.

## When not to use it

- Stateful sets, databases, single-replica services and long-running jobs without checkpoints: an interruption
  costs more than the Spot discount saves.
- Workloads that need one specific instance type (a single Spot pool is interrupted far more often).
- When you cannot spend the engineering time on PDBs, replicas and graceful shutdown: baseline is the safer default.
`,
  settings: spotCostOptimizedSettings,
  addons: spotAddons,
  facts: (settings) =>
    nodeGroupFacts(
      nodeGroupVariables(settings.nodeGroups),
      settings.autoscaler,
      nodePodNetworking(settings),
      SYSTEM_PLACEMENT,
      selfManagedNodeGroupVariables(settings.selfManagedNodeGroups),
    ),
  buildCompute: (stack, settings, scope) =>
    nodeGroupCompute(stack, nodeGroupVariables(settings.nodeGroups), scope, {
      nodeTemplateTags: true,
      selfManagedNodeGroups: selfManagedNodeGroupVariables(settings.selfManagedNodeGroups),
    }),
};
