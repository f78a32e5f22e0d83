import { z } from "zod";
import { AwsLoadBalancerController } from "../modules/addons/aws-load-balancer-controller";
import { DestroyCleanup } from "../modules/addons/destroy-cleanup";
import { ClusterAutoscaler } from "../modules/addons/cluster-autoscaler";
import { addonSettingsSchema } from "../modules/addons/contract";
import { Karpenter } from "../modules/addons/karpenter";
import { MetricsServer } from "../modules/addons/metrics-server";
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
  nodeGroups,
  nodePodNetworking,
  podNetworkingShape,
  selfManagedNodeGroups,
} from "./settings";

const baselineAddons = [
  ...eksAddonsForNodes,
  new AwsLoadBalancerController(),
  new Calico(),
  new ClusterAutoscaler(),
  new Karpenter(),
  new MetricsServer(),
  ...optionalAddonsForNodes,
  new DestroyCleanup(),
] as const;

export const baselineSettings = z
  .strictObject({
    ...commonSettingsShape,
    ...podNetworkingShape,
    clusterName: commonSettingsShape.clusterName.default("baseline"),
    /** Default: one on-demand group "general" of 2–6 two-vCPU nodes across three instance families. */
    nodeGroups: nodeGroups.prefault({
      general: { instanceTypes: ["m6i.large", "m6a.large", "m7i.large"], minSize: 2, desiredSize: 3, maxSize: 6 },
    }),
    selfManagedNodeGroups,
    autoscaler: autoscalerSetting,
    addons: addonSettingsSchema(baselineAddons),
  })
  .superRefine((s, ctx) => {
    checkNetworkRules(s, ctx);
    checkPodNetworking(s, ctx);
    checkSelfManagedNames(Object.keys(s.nodeGroups), Object.keys(s.selfManagedNodeGroups), ctx);
  });

export type BaselineSettings = z.output<typeof baselineSettings>;

export const baseline: Blueprint<typeof baselineSettings> = {
  name: "baseline",
  summary: "General-purpose production cluster: managed on-demand nodes, load balancing, autoscaling, gp3 storage.",
  composes: [
    "VPC (3 AZs, public/private/intra subnets, NAT, flow logs)",
    "EKS control plane (private endpoint, KMS secrets encryption, access entries, all control-plane logs)",
    "managed node groups (AL2023, IMDSv2, encrypted gp3)",
    "EKS add-ons: vpc-cni (network policy), kube-proxy, CoreDNS, Pod Identity agent, EBS CSI",
    "Helm: AWS Load Balancer Controller, Cluster Autoscaler (or Karpenter: `autoscaler: karpenter`), metrics-server; default gp3 StorageClass",
  ],
  whenToUse:
    "Start here for most workloads. Pick spot-cost-optimized when interruptible capacity is acceptable, fargate-only to run no nodes, gpu for NVIDIA workloads.",
  readme: `
## What it is for

A general-purpose production cluster to start from: managed on-demand nodes, load balancers from Kubernetes
Ingresses and Services, node autoscaling, and encrypted gp3 volumes, with secure defaults throughout.

## What it composes

- **Network**: a VPC over three zones with public, private and intra (control-plane) subnets, one NAT gateway
  (\`nat_gateway_mode = "one_per_az"\` for zone independence) and VPC flow logs — or your existing VPC.
- **Control plane**: private API endpoint (public only on request, with an allow-list), secrets envelope-encrypted
  with a rotating KMS key, all five control-plane log types, access entries instead of the aws-auth ConfigMap,
  standard support only (no silent extended-support charges).
- **Nodes**: one managed node group \`general\` (2–6 on-demand \`m6i/m6a/m7i.large\`) on Amazon Linux 2023, launched
  with IMDSv2 required and a hop limit of 1 (pods cannot reach node credentials) and encrypted gp3 root volumes.
- **Add-ons**: vpc-cni with network policy enforcement (its own IRSA role), kube-proxy, CoreDNS, the Pod Identity
  agent, the EBS CSI driver; Helm charts for the AWS Load Balancer Controller, the Cluster Autoscaler
  (least-waste) and metrics-server, with Pod Identity roles; a default encrypted gp3 StorageClass.

## Rough monthly cost drivers

- **EC2 nodes**: three \`m6i.large\` on-demand nodes are about $210 per month in us-east-1 ($0.096 per hour each);
  the autoscaler moves this between 2 and 6 nodes.
- **EKS control plane**: $0.10 per hour, about $73 per month.
- **NAT gateway**: about $33 per month per gateway plus $0.045 per GB processed.
- **EBS**: 50 GiB gp3 per node (about $4 each) plus your persistent volumes; **CloudWatch Logs** for control-plane and
  flow logs (ingestion at $0.50 per GB is usually the larger part).

## When not to use it

- Interruption-tolerant workloads where cost matters most: **spot-cost-optimized**.
- No nodes to operate at all: **fargate-only**. NVIDIA GPUs: **gpu**.
`,
  settings: baselineSettings,
  addons: baselineAddons,
  facts: (settings) =>
    nodeGroupFacts(nodeGroupVariables(settings.nodeGroups), settings.autoscaler, nodePodNetworking(settings), undefined, selfManagedNodeGroupVariables(settings.selfManagedNodeGroups)),
  buildCompute: (stack, settings, scope) =>
    nodeGroupCompute(stack, nodeGroupVariables(settings.nodeGroups), scope, { selfManagedNodeGroups: selfManagedNodeGroupVariables(settings.selfManagedNodeGroups) }),
};
