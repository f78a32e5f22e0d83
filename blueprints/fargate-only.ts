import { z } from "zod";
import { AwsLoadBalancerController } from "../modules/addons/aws-load-balancer-controller";
import { DestroyCleanup } from "../modules/addons/destroy-cleanup";
import { addonSettingsSchema } from "../modules/addons/contract";
import { FargateLogging } from "../modules/addons/fargate-logging";
import { MetricsServer } from "../modules/addons/metrics-server";
import { EksManagedAddon } from "../modules/eks-addons";
import { FARGATE_LOG_GROUP_NAME, FARGATE_PROFILE_NAME_PATTERN, FargateProfiles, MAX_FARGATE_SELECTORS } from "../modules/fargate";
import { selectorLabels } from "./aws-input-settings";
import { Blueprint } from "./blueprint";
import { optionalAddonsForFargate, rejectedOnFargate } from "./optional-addons";
import { checkNetworkRules, commonSettingsShape, logRetentionDays, rejected } from "./settings";

/** Kubernetes namespace names, with the `*` and `?` wildcards Fargate selectors accept. */
const namespaceSelector = z
  .string()
  .regex(/^[a-z0-9*?]([-a-z0-9*?]{0,61}[a-z0-9*?])?$/, "must be a Kubernetes namespace name, optionally with * and ? wildcards");

const fargateProfile = z.strictObject({
  /** A pod runs on this profile when it matches any selector: its namespace, and all labels if given. */
  selectors: z
    .array(z.strictObject({ namespace: namespaceSelector, labels: selectorLabels.default({}) }))
    .min(1, "must list at least one selector")
    .max(MAX_FARGATE_SELECTORS, `must list at most ${MAX_FARGATE_SELECTORS} selectors (EKS limit)`),
});

const fargateProfiles = z.record(z.string(), fargateProfile).superRefine((profiles, ctx) => {
  for (const name of Object.keys(profiles)) {
    if (!new RegExp(FARGATE_PROFILE_NAME_PATTERN).test(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: "profile names must be letters, digits, hyphens or underscores, starting with a letter or digit" });
    }
  }
  const kubeSystem = Object.values(profiles).some((p) => p.selectors.some((s) => s.namespace === "kube-system" && Object.keys(s.labels).length === 0));
  if (!kubeSystem) {
    ctx.addIssue({
      code: "custom",
      message: "one profile must select the whole kube-system namespace (no labels): CoreDNS, the Load Balancer Controller and metrics-server run there",
    });
  }
});

/**
 * No Pod Identity agent (a DaemonSet; Pod Identity does not support Fargate pods) and no EBS CSI driver
 * (Fargate pods cannot mount EBS volumes). The log router is configured before the controllers start.
 */
const fargateAddons = [
  new EksManagedAddon("vpc_cni"),
  new EksManagedAddon("kube_proxy"),
  new EksManagedAddon("coredns"),
  new FargateLogging(),
  new AwsLoadBalancerController(),
  new MetricsServer(),
  ...optionalAddonsForFargate,
  // No EBS CSI driver on Fargate: no volumes to delete.
  new DestroyCleanup({ volumes: false }),
] as const;

export const fargateOnlySettings = z
  .strictObject({
    ...commonSettingsShape,
    clusterName: commonSettingsShape.clusterName.default("fargate-only"),
    nodeGroups: rejected("fargate-only runs no EC2 nodes; choose which pods run on Fargate with fargateProfiles"),
    /** Default: kube-system, plus an "applications" profile for the default namespace and every app-* namespace. */
    fargateProfiles: fargateProfiles.prefault({
      "kube-system": { selectors: [{ namespace: "kube-system" }] },
      applications: { selectors: [{ namespace: "default" }, { namespace: "app-*" }] },
    }),
    /** Default 30 days of container logs in CloudWatch Logs. */
    fargateLogRetentionDays: logRetentionDays.default(30),
    addons: addonSettingsSchema(fargateAddons, {
      clusterAutoscaler: "Fargate sizes capacity per pod, there are no node groups to scale",
      ...rejectedOnFargate,
    }),
  })
  .superRefine(checkNetworkRules);

export type FargateOnlySettings = z.output<typeof fargateOnlySettings>;

export const fargateOnly: Blueprint<typeof fargateOnlySettings> = {
  name: "fargate-only",
  summary: "Serverless data plane: every pod on AWS Fargate, no EC2 nodes to patch or scale.",
  composes: [
    "VPC (3 AZs, public/private/intra subnets, NAT, flow logs)",
    "EKS control plane (private endpoint, KMS secrets encryption, access entries, all control-plane logs)",
    "Fargate profiles for kube-system and application namespaces (private subnets), pod execution role scoped to the cluster's profiles",
    "EKS add-ons: vpc-cni, kube-proxy, CoreDNS on Fargate (no Pod Identity agent, no EBS CSI driver)",
    "Fargate log router (aws-observability/aws-logging) to a CloudWatch log group with retention",
    "Helm: AWS Load Balancer Controller (IRSA, ip targets), metrics-server",
  ],
  whenToUse:
    "Pick it for stateless services and jobs when you would rather pay per pod than run nodes. Not for DaemonSets, GPUs, EBS volumes or privileged pods.",
  readme: `
## What it is for

Clusters where nobody should manage EC2 nodes: every pod, including CoreDNS and the controllers, runs on
AWS Fargate in its own micro-VM, sized from the pod's requests. There are no AMIs to patch, no node groups to
scale and no Cluster Autoscaler — Fargate provisions capacity per pod, so a pending pod only waits for its own
micro-VM.

## What it composes

- **Fargate profiles** (\`fargate_profiles\`): \`kube-system\`, and \`applications\` for the \`default\` namespace and
  every \`app-*\` namespace. A pod whose namespace (and labels) match no profile stays **Pending** forever — add a
  selector for each namespace you deploy to. Profiles use the private subnets only (Fargate does not accept public
  ones). One pod execution role serves all profiles; its trust policy accepts only
  \`arn:…:eks:<region>:<account>:fargateprofile/<cluster>/*\` as \`aws:SourceArn\`, and it carries
  \`AmazonEKSFargatePodExecutionRolePolicy\` (image pulls) plus write access to one log group.
- **CoreDNS** as an EKS add-on with \`{"computeType":"Fargate"}\`, created after the kube-system profile.
- **vpc-cni and kube-proxy** stay installed as EKS add-ons: EKS treats them as core cluster add-ons, they cost
  nothing without nodes (their DaemonSets never schedule on Fargate, which runs its own networking and proxy
  inside each micro-VM), and they are in place if you ever add a node group.
- **No EKS Pod Identity agent**: it is a DaemonSet, and Pod Identity does not support Fargate pods. Pods get AWS
  permissions through **IRSA** (the cluster's OIDC provider is created); the Load Balancer Controller's role is
  an IRSA role, handed to the add-ons module as \`aws_load_balancer_controller_role_arn\`.
- **No EBS CSI driver and no gp3 StorageClass**: Fargate pods cannot mount EBS volumes. Use EFS for shared
  persistent storage, or ephemeral storage (20 GiB per pod by default).
- **AWS Load Balancer Controller** with VPC id and region set explicitly (Fargate pods cannot reach the instance
  metadata service). Fargate pods can only be **ip** targets: annotate Ingresses with
  \`alb.ingress.kubernetes.io/target-type: ip\` and Services of type LoadBalancer with
  \`service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\`; \`instance\` targets never become healthy.
- **metrics-server** listening on port 10251, because on Fargate the pod shares its address with the Fargate
  kubelet, which holds 10250.
- **Logging** through Fargate's built-in Fluent Bit router: the \`aws-observability\` namespace and its
  \`aws-logging\` ConfigMap send every container's stdout/stderr, with Kubernetes metadata, to the
  \`/aws/eks/<cluster>/fargate\` log group (\`fargate_log_retention_days\`, default 30). The router reads the
  ConfigMap when a pod starts; restart pods that were running before a change.

## Rough monthly cost drivers

- **Fargate vCPU and memory**, billed per second from image pull to pod termination, on the pod's requests
  rounded up to the next Fargate size after adding 256 MB for the Kubernetes components. In us-east-1,
  $0.04048 per vCPU-hour and $0.004445 per GB-hour (aws.amazon.com/fargate/pricing): a pod requesting
  0.25 vCPU and 0.5 GB (billed as 0.25 vCPU / 1 GB) costs about $10 a month; the six default kube-system pods
  (2 CoreDNS, 2 Load Balancer Controller, 2 metrics-server) about $55–65 together.
- **EKS control plane**: $0.10 per hour, about $73 per month.
- **NAT gateway**: every image pull and outbound call from private subnets crosses it ($0.045 per hour and per GB
  in us-east-1). Cache images in ECR in the same region, or add VPC endpoints for ECR and S3.
- **CloudWatch Logs**: ingestion ($0.50 per GB in us-east-1) usually exceeds storage; chatty services can make it
  the largest line after compute. Reduce with a \`grep\` filter in \`filters.conf\` or a shorter retention.

Compared with baseline, Fargate costs more per vCPU than a well-packed on-demand node, but nothing for idle
capacity, DaemonSets or system reservations: it wins for small or spiky clusters and loses for large, steady ones.

## When not to use it

- Workloads needing **DaemonSets** (node agents, most APM and security tools run as sidecars instead), **GPUs**,
  **EBS volumes**, **privileged** containers, \`hostNetwork\`/\`hostPort\`, or Windows.
- **Kubernetes NetworkPolicies**: the VPC CNI's network policy enforcement does not apply to Fargate pods; use
  security groups for pods instead.
- Large steady fleets where packed EC2 (baseline, or spot-cost-optimized) is markedly cheaper, or pods that must
  start in seconds (a Fargate pod typically takes 30–60 s to get its micro-VM).
`,
  settings: fargateOnlySettings,

  addons: fargateAddons,
  facts: () => ({ compute: "fargate", nodeGroups: {}, workloadIdentity: "irsa" }),

  buildCompute(stack, settings, { inputs, network, cluster, identity, handOff }) {
    const fargate = new FargateProfiles(stack, "fargate", {
      ...inputs,
      clusterName: identity.clusterName,
      clusterArn: cluster.cluster.arn,
      privateSubnetIds: network.privateSubnetIds,
      profiles: settings.fargateProfiles,
      logRetentionDays: settings.fargateLogRetentionDays,
    });
    handOff(FARGATE_LOG_GROUP_NAME, fargate.logGroup.name);
    return [fargate.profiles];
  },
};
