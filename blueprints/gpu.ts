import { z } from "zod";
import { Calico } from "../modules/addons/calico";
import { AwsLoadBalancerController } from "../modules/addons/aws-load-balancer-controller";
import { DestroyCleanup } from "../modules/addons/destroy-cleanup";
import { ClusterAutoscaler } from "../modules/addons/cluster-autoscaler";
import { addonSettingsSchema } from "../modules/addons/contract";
import { DcgmExporter } from "../modules/addons/dcgm-exporter";
import { EfaDevicePlugin } from "../modules/addons/efa-device-plugin";
import { generalPurposePool, Karpenter, KarpenterPoolDefinition } from "../modules/addons/karpenter";
import { MetricsServer } from "../modules/addons/metrics-server";
import { NvidiaDevicePlugin } from "../modules/addons/nvidia-device-plugin";
import { NodeGroupVariable } from "../modules/node-groups";
import {
  ACCELERATOR_LABEL,
  DEVICE_PLUGIN_LABEL,
  EFA_INTERFACES,
  EFA_PRESENT_LABEL,
  EFA_RESOURCE,
  efaInterfacesOf,
  GPU_PRESENT_LABEL,
  GPU_TAINT,
  NVIDIA_GPU_FAMILIES,
  nvidiaGpuOf,
} from "../modules/nvidia-gpus";
import { Blueprint } from "./blueprint";
import { optionalAddonsForNodes } from "./optional-addons";
import { nodeGroupVariables } from "./compose";
import { eksAddonsForNodes, nodeGroupCompute, nodeGroupFacts, selfManagedNodeGroupVariables } from "./node-group-cluster";
import {
  checkNetworkRules,
  checkNodeGroupNames,
  checkSelfManagedNames,
  checkNodeGroupSizes,
  commonSettingsShape,
  checkPodNetworking,
  nodePodNetworking,
  podNetworkingShape,
  nodeDiskSizeGiB,
  nodeGroupShape,
  NodeGroupSettings,
  nodeGroups,
  scaleFromZero,
  selfManagedNodeGroups,
  autoscalerSetting,
} from "./settings";

export { ACCELERATOR_LABEL, DEVICE_PLUGIN_LABEL, EFA_PRESENT_LABEL, EFA_RESOURCE, GPU_PRESENT_LABEL, GPU_TAINT };
export { GPU_TOLERATION } from "../modules/nvidia-gpus";

export const GPU_AMI_TYPES = ["AL2023_x86_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA"] as const;
export type GpuAmiType = (typeof GPU_AMI_TYPES)[number];

const gpuAddons = [
  ...eksAddonsForNodes,
  new AwsLoadBalancerController(),
  new Calico(),
  new ClusterAutoscaler(),
  new Karpenter({ pools: [generalPurposePool(["on-demand"]), karpenterGpuPool()] }),
  new MetricsServer(),
  new NvidiaDevicePlugin(),
  new EfaDevicePlugin(),
  new DcgmExporter(),
  ...optionalAddonsForNodes,
  new DestroyCleanup(),
] as const;

/**
 * With `autoscaler: karpenter`: on-demand NVIDIA nodes of the families this blueprint knows, labelled and tainted
 * as the GPU node groups are (the device plugin selects the label; only pods tolerating the taint land there).
 * The al2023 alias resolves to the NVIDIA AMI variant for GPU instance types. At most 8 GPUs by default.
 */
function karpenterGpuPool(): KarpenterPoolDefinition {
  return {
    name: "gpu",
    capacityTypes: ["on-demand"],
    requirements: [
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "karpenter.k8s.aws/instance-family", operator: "In", values: Object.keys(NVIDIA_GPU_FAMILIES) },
    ],
    limits: { "nvidia.com/gpu": "8" },
    rootVolumeGiB: 200,
    labels: { "node-role": "gpu", [GPU_PRESENT_LABEL]: "true", [DEVICE_PLUGIN_LABEL]: "true" },
    taints: [{ ...GPU_TAINT }],
  };
}

// GPU groups get their taint from the blueprint, so the node group shape's taints are left out.
const { taints: _gpuTaintsFromBlueprint, ...gpuNodeGroupShape } = nodeGroupShape;

/**
 * A GPU node group: a managed node group whose instance types are NVIDIA GPU types of one GPU count
 * (see modules/nvidia-gpus.ts); capacity defaults to ON_DEMAND, as Spot GPU capacity is scarce and
 * interruptions lose work.
 */
const gpuNodeGroup = z
  .strictObject({
    ...gpuNodeGroupShape,
    /** Default AL2023_x86_64_NVIDIA (driver and container toolkit in the AMI; device plugin from Helm). */
    amiType: z.enum(GPU_AMI_TYPES).default("AL2023_x86_64_NVIDIA"),
    /** Default 0: no GPU node (and no GPU bill) until a pod asks for nvidia.com/gpu. */
    ...scaleFromZero,
    /** Default 200 GiB encrypted gp3: CUDA images and model weights are large. */
    diskSizeGiB: nodeDiskSizeGiB.default(200),
    /**
     * Default false. EFA (Elastic Fabric Adapter) for multi-node training: every network card of the
     * instance gets an EFA interface, the group a cluster placement group, and its nodes the private
     * subnet of one zone that offers the type. Needs exactly one EFA-capable instance type.
     */
    efa: z.boolean().default(false),
  })
  .superRefine((g, ctx) => {
    checkNodeGroupSizes(g, ctx);
    const path = ["instanceTypes"];
    const graviton = g.instanceTypes.filter((t) => t.startsWith("g5g."));
    if (graviton.length > 0) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `${graviton.join(", ")}: g5g is Graviton (arm64) with NVIDIA T4G GPUs and needs arm64 NVIDIA AMIs, which this blueprint does not support`,
      });
    }
    const notGpu = g.instanceTypes.filter((t) => !t.startsWith("g5g.") && nvidiaGpuOf(t) === undefined);
    if (notGpu.length > 0) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `${notGpu.join(", ")} ${notGpu.length === 1 ? "is not an NVIDIA GPU instance type" : "are not NVIDIA GPU instance types"} this blueprint knows (families: ${Object.keys(NVIDIA_GPU_FAMILIES).join(", ")})`,
      });
    }
    const counts = [...new Set(g.instanceTypes.map((t) => nvidiaGpuOf(t)?.gpus).filter((n) => n !== undefined))];
    if (counts.length > 1) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `mixes instance types with ${counts.join(" and ")} GPUs; one group must have one GPU count, which the Cluster Autoscaler is told through the ASG tag k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu`,
      });
    }
    if (g.efa) {
      const noEfa = g.instanceTypes.filter((t) => efaInterfacesOf(t) === undefined);
      if (noEfa.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["efa"],
          message: `${noEfa.join(", ")} ${noEfa.length === 1 ? "has" : "have"} no EFA this blueprint knows; EFA GPU instance types: ${Object.keys(EFA_INTERFACES).join(", ")}`,
        });
      }
      if (g.instanceTypes.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: ["efa"],
          message: `needs exactly one instance type, got ${g.instanceTypes.join(", ")}: the launch template's EFA interfaces (one per network card), the cluster placement group and the zone all depend on the type`,
        });
      }
    }
  });
export type GpuNodeGroupSettings = z.output<typeof gpuNodeGroup>;

export const gpuSettings = z
  .strictObject({
    ...commonSettingsShape,
    ...podNetworkingShape,
    clusterName: commonSettingsShape.clusterName.default("gpu"),
    /** CPU node groups. Default: "system", 2–4 on-demand 2-vCPU nodes for add-ons and CPU workloads. */
    nodeGroups: nodeGroups.prefault({
      system: { instanceTypes: ["m6i.large", "m6a.large", "m7i.large"], minSize: 2, desiredSize: 2, maxSize: 4 },
    }),
    /**
     * GPU node groups, tainted nvidia.com/gpu=true:NoSchedule. Default "gpu": 0–4 single-GPU nodes of 4 vCPU and
     * 16 GiB, g6.xlarge (L4) or g5.xlarge (A10G), whichever EC2 has capacity for.
     */
    gpuNodeGroups: z
      .record(z.string(), gpuNodeGroup)
      .refine((groups) => Object.keys(groups).length > 0, "must define at least one GPU node group")
      // Both 4 vCPU, 16 GiB, one GPU: the Cluster Autoscaler sizes a group from one of its types.
      .prefault({ gpu: { instanceTypes: ["g6.xlarge", "g5.xlarge"], maxSize: 4 } }),
    /** CPU self-managed node groups (Auto Scaling groups of the module's own). Default none. GPU taints and device plugins are for gpuNodeGroups only. */
    selfManagedNodeGroups,
    autoscaler: autoscalerSetting,
    addons: addonSettingsSchema(gpuAddons),
  })
  .superRefine((s, ctx) => {
    checkNetworkRules(s, ctx);
    checkPodNetworking({ ...s, nodeGroups: { ...s.nodeGroups, ...s.gpuNodeGroups } }, ctx);
    checkSelfManagedNames([...Object.keys(s.nodeGroups), ...Object.keys(s.gpuNodeGroups)], Object.keys(s.selfManagedNodeGroups), ctx);
    for (const name of Object.keys(s.gpuNodeGroups)) {
      if (name in s.nodeGroups) {
        ctx.addIssue({ code: "custom", path: ["gpuNodeGroups", name], message: `${name} is also a CPU node group; node group names must be unique` });
      }
    }
    checkNodeGroupNames(Object.keys(s.gpuNodeGroups), ctx, ["gpuNodeGroups"]);
  });

export type GpuSettings = z.output<typeof gpuSettings>;

/** A GPU group as a node group: the GPU taint and labels added, its GPU count for the Cluster Autoscaler. */
export function gpuNodeGroupVariable(g: GpuNodeGroupSettings): NodeGroupVariable {
  const gpus = g.instanceTypes.map((t) => nvidiaGpuOf(t)!);
  const models = [...new Set(gpus.map((x) => x.gpu))];
  const asNodeGroup: NodeGroupSettings = {
    ...g,
    labels: {
      ...g.labels,
      "node-role": "gpu",
      [GPU_PRESENT_LABEL]: "true",
      [DEVICE_PLUGIN_LABEL]: g.amiType === "AL2023_x86_64_NVIDIA" ? "true" : "false",
      // One GPU model names it; a group that falls back across models says only "nvidia".
      [ACCELERATOR_LABEL]: models.length === 1 ? models[0] : "nvidia",
      ...(g.efa ? { [EFA_PRESENT_LABEL]: "true" } : {}),
    },
    taints: [{ ...GPU_TAINT }],
  };
  const [variable] = Object.values(nodeGroupVariables({ group: asNodeGroup }));
  const gpuResources = { "nvidia.com/gpu": String(gpus[0].gpus) };
  if (!g.efa) return { ...variable, node_template_resources: gpuResources };
  const efaInterfaces = efaInterfacesOf(g.instanceTypes[0])!;
  return { ...variable, node_template_resources: { ...gpuResources, [EFA_RESOURCE]: String(efaInterfaces) }, efa_interfaces: efaInterfaces };
}

export const gpu: Blueprint<typeof gpuSettings> = {
  name: "gpu",
  summary: "CPU system nodes plus NVIDIA GPU node groups that scale from zero, with the NVIDIA device plugin.",
  composes: [
    "VPC (3 AZs, public/private/intra subnets, NAT, flow logs)",
    "EKS control plane (private endpoint, KMS secrets encryption, access entries, all control-plane logs)",
    "managed node groups: CPU \"system\" (on-demand) and GPU groups on AL2023 NVIDIA (or Bottlerocket NVIDIA) AMIs, tainted nvidia.com/gpu, 200 GiB encrypted root volumes, scaling from zero",
    "Cluster Autoscaler node-template tags (labels, taint, nvidia.com/gpu count) on the GPU groups' Auto Scaling groups",
    "EKS add-ons: vpc-cni (network policy), kube-proxy, CoreDNS, Pod Identity agent, EBS CSI",
    "Helm: NVIDIA device plugin (GPU nodes only), optional DCGM exporter, AWS Load Balancer Controller, Cluster Autoscaler (or Karpenter with an on-demand and a GPU NodePool: `autoscaler: karpenter`), metrics-server; default gp3 StorageClass",
    "optional EFA per GPU group (p4d/p5 and other EFA types): EFA interfaces on every network card, a cluster placement group, the private subnet of one zone offering the type, an EFA security group, the AWS EFA device plugin",
  ],
  whenToUse:
    "Pick it for inference, training and GPU batch jobs on NVIDIA instances, including multi-node training over EFA (p4d/p5 groups with `efa: true`). Not for arm64 GPUs (g5g) or Trainium/Inferentia.",
  readme: `
## What it is for

NVIDIA GPU workloads — model inference, fine-tuning, GPU batch jobs — next to ordinary CPU services, paying for GPU
instances only while GPU pods run: GPU groups start at zero nodes and the Cluster Autoscaler adds one when a pod
requests \`nvidia.com/gpu\`.

## What it composes

- **\`system\` CPU node group** (on-demand \`m6i/m6a/m7i.large\`, 2–4 nodes) for CoreDNS, the controllers and CPU pods.
- **GPU node groups** (\`gpuNodeGroups\`; default \`gpu\`: \`g6.xlarge\` (L4) or \`g5.xlarge\` (A10G), both 4 vCPU and
  16 GiB — one shape, because the Cluster Autoscaler sizes a group from one of its types — 0–4 nodes, on-demand).
  Each GPU node is:
  - tainted \`nvidia.com/gpu=true:NoSchedule\`, so only pods that tolerate it land there — add
    \`tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]\` and
    \`resources.limits: {nvidia.com/gpu: 1}\` to GPU pods;
  - labelled \`node-role=gpu\`, \`nvidia.com/gpu.present=true\`, \`k8s.amazonaws.com/accelerator=<gpu>\` (e.g.
    \`nvidia-l4\`; \`nvidia\` when a group falls back across models) and \`nvidia.com/gpu.deploy.device-plugin\`;
  - booted from \`AL2023_x86_64_NVIDIA\` (default; the AMI carries the NVIDIA driver and container toolkit) or
    \`BOTTLEROCKET_x86_64_NVIDIA\` (driver, toolkit and the device plugin itself are part of the OS);
  - given a 200 GiB encrypted gp3 root volume (the data volume on Bottlerocket), IMDSv2 with hop limit 1.
- **Instance type checks**: every type of a GPU group must be in the project's table of NVIDIA GPU instances
  (g4dn, g5, g6, gr6, g6e, p3, p3dn, p4d, p4de, p5, p5e, p5en, p6-b200) and all types of a group must have the same
  GPU count; anything else is a settings error naming the types. g5g (Graviton + T4G) is refused: it needs arm64
  NVIDIA AMIs.
- **Scale from zero**: managed node group tags do not reach the Auto Scaling group, so the module writes
  \`k8s.io/cluster-autoscaler/node-template/label/*\`, \`…/taint/nvidia.com/gpu = true:NoSchedule\` and
  \`…/resources/nvidia.com/gpu = <GPUs per instance>\` as \`aws_autoscaling_group_tag\` resources on each group's ASG.
  Without them the autoscaler would not know that a node of an empty group offers GPUs and tolerable taints.
  (For never-scaled groups it can also read labels and taints from \`eks:DescribeNodegroup\`, which its policy allows.)
- **NVIDIA device plugin** (Helm, kube-system), selecting \`nvidia.com/gpu.deploy.device-plugin=true\` and tolerating
  the GPU taint: it runs on AL2023 GPU nodes only, never on CPU nodes, and not on Bottlerocket, which runs its own.
- **DCGM exporter** (\`addons.dcgmExporter: true\`, off by default): GPU utilisation, memory and error metrics on
  port 9400 of every GPU node; no ServiceMonitor is created (no Prometheus Operator here).
- The rest as baseline: Load Balancer Controller, Cluster Autoscaler (least-waste), metrics-server, EBS CSI with gp3.

## EFA for multi-node training (\`efa: true\`, off by default)

Set \`gpuNodeGroups.<name>.efa: true\` on a group of **one** EFA-capable instance type (\`p4d.24xlarge\`,
\`p4de.24xlarge\`, \`p5.48xlarge\`, \`p5e.48xlarge\`, \`p5en.48xlarge\`, \`p6-b200.48xlarge\`, \`p3dn.24xlarge\`,
\`g4dn\`/\`g5\` 8xlarge and larger, \`g6e\` 8xlarge and larger); any other type, or more than one, is a settings
error. Only then does the cluster module carry EFA support:

- **EFA interfaces**: the group's launch template gets one \`interface_type = "efa"\` network interface per network
  card (p4d/p4de 4, p5/p5e 32, p5en 16, p6-b200 8, g6e.24xlarge 2, g6e.48xlarge 4, the others 1), device index 0 on
  card 0 and 1 on the others, each with the cluster security group and an **EFA security group** that allows all
  traffic to and from itself (EFA requires it). The count is the group's \`efa_interfaces\` in \`var.node_groups\`.
- **Cluster placement group** per EFA group (\`aws_placement_group.efa["<group>"]\`, strategy \`cluster\`).
- **One zone**: a cluster placement group lives in one availability zone, so the group's nodes use only the private
  subnet(s) of the first zone (in name order) that offers the type (\`aws_ec2_instance_type_offerings\`); the output
  \`efa_availability_zones\` names it. If no node subnet's zone offers the type, the plan stops with a precondition
  error naming the group and type.
- **Labels and scale from zero**: EFA nodes carry \`vpc.amazonaws.com/efa.present=true\`; the autoscaler is told each
  node offers \`vpc.amazonaws.com/efa: <interfaces>\` besides its GPUs.
- **AWS EFA device plugin** (Helm, eks-charts \`aws-efa-k8s-device-plugin\`, kube-system) on EFA nodes only,
  tolerating the GPU taint; it advertises \`vpc.amazonaws.com/efa\`. The AL2023 NVIDIA and Bottlerocket AMIs carry
  the EFA driver.

Training pods request EFA next to GPUs, e.g. \`resources.limits: {nvidia.com/gpu: 8, vpc.amazonaws.com/efa: 32}\` on
p5 (4 on p4d), plus the GPU toleration; NCCL uses EFA through the aws-ofi-nccl plugin in the training image.

Constraints: one zone means no zonal redundancy for the group, and capacity there can run out — p4d/p5 capacity is
often only obtainable through On-Demand Capacity Reservations or Capacity Blocks, which this blueprint does not
configure. \`P instances\` quotas start low. Every \`efa\` interface takes a private IP address of the zone's subnet
(32 per p5 node), on top of the pods' addresses. Cost: 8-GPU p4d/p5 nodes cost tens of dollars per hour on-demand;
keep \`minSize: 0\` so an idle group costs nothing, and mind that all nodes of a job run in one zone.

## Rough monthly cost drivers

- **GPU instances dominate**, but only while they run: in us-east-1 on-demand, \`g6.xlarge\` is about $0.80 per hour
  and \`g5.xlarge\` about $1.01 per hour — roughly $590 and $730 per month if kept up around the clock; 8-GPU
  \`p4d\`/\`p5\` instances cost tens of dollars per hour. With \`minSize: 0\` an idle cluster pays for no GPU; a
  GPU node is removed after the autoscaler's scale-down delay (10 minutes unneeded by default).
- **CPU system nodes**: two \`m6i.large\`, about $140 per month; **EKS control plane** about $73 per month.
- **Storage and transfer**: 200 GiB gp3 per GPU node (about $16 per node-month while it exists); pulling multi-GB CUDA
  images and model weights through the NAT gateway ($0.045 per GB) — use ECR in-region or VPC endpoints, and cache
  weights on EFS/FSx or in the image.
- **Capacity**: GPU quotas (\`Running On-Demand G and VT instances\`, \`P instances\`) start low; raise them first.
  Spot GPU capacity (\`capacityType: SPOT\`) is cheaper but scarce and interruptible.

## When not to use it

- CPU-only clusters (use baseline or spot-cost-optimized), arm64 GPUs (g5g), AWS Trainium/Inferentia.
- Multi-zone EFA groups, \`efa-only\` interfaces (EFA without an IP address on cards other than 0) and capacity
  reservations / Capacity Blocks for p4d/p5 are not configured; EFA groups use \`efa\` interfaces in one zone.
- Fractional GPU sharing (MIG, time-slicing) needs device plugin configuration this blueprint does not set.
`,
  settings: gpuSettings,

  addons: gpuAddons,
  facts: (settings) =>
    nodeGroupFacts(gpuClusterNodeGroups(settings), settings.autoscaler, nodePodNetworking(settings), undefined, selfManagedNodeGroupVariables(settings.selfManagedNodeGroups)),
  buildCompute: (stack, settings, scope) =>
    nodeGroupCompute(stack, gpuClusterNodeGroups(settings), scope, {
      nodeTemplateTags: true,
      selfManagedNodeGroups: selfManagedNodeGroupVariables(settings.selfManagedNodeGroups),
      efa: Object.values(settings.gpuNodeGroups).some((g) => g.efa),
    }),
};

/** CPU and GPU groups together, as the `node_groups` variable's default. */
function gpuClusterNodeGroups(settings: GpuSettings): Record<string, NodeGroupVariable> {
  const gpuGroups = Object.entries(settings.gpuNodeGroups).map(([name, g]) => [name, gpuNodeGroupVariable(g)] as const);
  return { ...nodeGroupVariables(settings.nodeGroups), ...Object.fromEntries(gpuGroups) };
}
