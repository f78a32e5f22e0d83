/**
 * Every pinned version in the project, in one place. Bump versions here and nowhere else;
 * `npm start` then regenerates the modules and the tests show what changed.
 *
 * Sources are recorded next to each pin so a reviewer can check them.
 */

/** Terraform and provider constraints written into every generated module's `versions.tf.json`. */
export const terraformRequirements = {
  /** 1.9 lets variable validations refer to other variables, which the node-group and endpoint checks need. */
  requiredVersion: ">= 1.9",
  providers: {
    aws: { source: "hashicorp/aws", version: "~> 6.0" },
    helm: { source: "hashicorp/helm", version: "~> 3.0" },
    kubernetes: { source: "hashicorp/kubernetes", version: "~> 2.38" },
  },
} as const;

export type ProviderName = keyof typeof terraformRequirements.providers;

/**
 * The AWS service models that modules/facts/*.json are snapshotted from: botocore's data files
 * (PyPI), the API models the AWS SDKs are generated from (EC2 `InstanceType`, the EKS enums and
 * length limits, the tag limits of EKS, IAM, CloudWatch Logs and KMS). Bump the version here, then run
 * `npm run facts` (needs python3 with pip); a test fails while the facts record another version.
 */
export const awsServiceModels = { package: "botocore", version: "1.44.8" } as const;

/** Per Kubernetes minor: the components whose versions follow the control plane. */
export interface KubernetesRelease {
  /** End of EKS standard support (after it, extended support costs extra per cluster-hour). */
  readonly standardSupportUntil: string;
  /** kube-proxy EKS add-on build; its minor is the Kubernetes minor. */
  readonly kubeProxy: string;
  /** CoreDNS EKS add-on build; CoreDNS has its own version line, so only the pairing is per minor. */
  readonly coredns: string;
  /** Cluster Autoscaler image tag (chart value `image.tag`); its minor is the Kubernetes minor. */
  readonly clusterAutoscaler: string;
}

/**
 * The fields of `KubernetesRelease` whose own minor must equal the Kubernetes minor they are pinned for
 * (`v1.35.x…` under "1.35"). kube-proxy is built per Kubernetes patch release; the Cluster Autoscaler
 * README says to run the autoscaler minor that matches the cluster ("Releases" section). Other pins were
 * checked and do not follow the minor: CoreDNS, vpc-cni, the Pod Identity agent and the EBS CSI driver have
 * their own version lines (EKS lists which builds each minor accepts), and the Helm charts (Load Balancer
 * Controller, metrics-server, NVIDIA/EFA device plugins, DCGM exporter) support ranges of Kubernetes versions.
 */
export const followsKubernetesMinor = ["kubeProxy", "clusterAutoscaler"] as const satisfies readonly (keyof KubernetesRelease)[];

/**
 * Kubernetes versions in EKS standard support that this release pins components for.
 *
 * Support dates: Amazon EKS Kubernetes release calendar
 * (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html); each minor gets 14 months
 * of standard support. 1.34 leaves standard support on 2026-12-02 and is kept only for clusters
 * that still run it.
 * CoreDNS: the "Manage CoreDNS" version table of the EKS user guide (2026 edition,
 * docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md: 1.36 and 1.35 v1.14.3-eksbuild.3,
 * 1.34 v1.13.2-eksbuild.11).
 * kube-proxy: the "Manage kube-proxy" table of the EKS user guide (2026 edition,
 * docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md): 1.35 v1.35.3-eksbuild.13 (also
 * zalando-incubator/kubernetes-on-aws#11668, "latest version", 2026-07-15), 1.34 v1.34.6-eksbuild.13. For
 * 1.36 that table lists v1.36.0-eksbuild.14, older than the pinned v1.36.0-eksbuild.25, which several
 * public 1.36 configurations of 2026 use; kept. Confirm with
 * `aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version <v>` when bumping.
 * Cluster Autoscaler: the newest patch of each minor, from the release tags of kubernetes/autoscaler
 * (cluster-autoscaler-1.34.5, -1.35.2, -1.36.1, all tagged 2026-07-22; cluster-autoscaler/version/version.go
 * at each tag says the same). Images: registry.k8s.io/autoscaling/cluster-autoscaler:<tag>. Newer than the
 * mapping of aws-ia/terraform-aws-eks-blueprints-addons#516 (1.34 v1.34.4, 1.35 v1.35.1, 2026-07-17).
 */
export const kubernetesReleases = {
  "1.34": {
    standardSupportUntil: "2026-12-02",
    kubeProxy: "v1.34.6-eksbuild.13",
    coredns: "v1.13.2-eksbuild.11",
    clusterAutoscaler: "v1.34.5",
  },
  "1.35": {
    standardSupportUntil: "2027-03-27",
    kubeProxy: "v1.35.3-eksbuild.13",
    coredns: "v1.14.3-eksbuild.3",
    clusterAutoscaler: "v1.35.2",
  },
  "1.36": {
    standardSupportUntil: "2027-08-02",
    kubeProxy: "v1.36.0-eksbuild.25",
    coredns: "v1.14.3-eksbuild.3",
    clusterAutoscaler: "v1.36.1",
  },
} as const satisfies Record<string, KubernetesRelease>;

export type KubernetesVersion = keyof typeof kubernetesReleases;
export const kubernetesVersions = Object.keys(kubernetesReleases) as KubernetesVersion[];

/** The day the catalog was last reviewed against the EKS release calendar. */
export const catalogReviewedOn = "2026-12-01";

/** The default for new clusters: 1.35, in standard support until 2027-03-27. 1.36 is supported too. */
export const defaultKubernetesVersion: KubernetesVersion = "1.35";

/**
 * EKS managed add-ons whose versions do not depend on the Kubernetes minor (each supports every
 * version above). Source: versions EKS served on 1.35/1.36 clusters in 2026 (public configurations);
 * no EKS user guide table newer than these was found in the stored copies (2026 review), so they are kept.
 * Confirm with `aws eks describe-addon-versions --addon-name <name>` when bumping.
 */
export const eksAddonVersions = {
  vpcCni: "v1.22.4-eksbuild.3",
  eksPodIdentityAgent: "v1.3.10-eksbuild.3",
  awsEbsCsiDriver: "v1.63.1-eksbuild.1",
  /**
   * Opt-in add-ons (storage and observability). aws-efs-csi-driver and amazon-cloudwatch-observability: the
   * versions a public EKS configuration pinned in 2026 next to this catalog's vpc-cni and Pod Identity agent
   * pins (v6.4.0-eksbuild.1 was also "the default build for 1.36" in a public run log of 2026-08-08). EFS CSI
   * driver 3.4.0 is upstream's v3.4.0 (kubernetes-sigs/aws-efs-csi-driver CHANGELOG-3.x.md; v3.4.1 followed);
   * the CloudWatch add-on 6.4.0 is chart amazon-cloudwatch-observability 6.4.0 (aws-observability/helm-charts
   * RELEASE_NOTES, 2026-07-21), whose values.yaml has the `containerInsights`, `applicationSignals` and
   * `containerLogs` switches the module sets. aws-fsx-csi-driver v1.9.0-eksbuild.1: upstream v1.9.0
   * (kubernetes-sigs/aws-fsx-csi-driver tag v1.9.0, 2026-04-20; chart appVersion 1.9.0), pinned by a public
   * 2026 configuration.
   */
  awsEfsCsiDriver: "v3.4.0-eksbuild.1",
  awsFsxCsiDriver: "v1.9.0-eksbuild.1",
  amazonCloudwatchObservability: "v6.4.0-eksbuild.1",
} as const;

export interface HelmChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  /** The application version the chart deploys, for the README and IAM policy pins. */
  readonly appVersion: string;
}

/**
 * Helm charts installed by the add-ons module.
 * The Load Balancer Controller's IAM policy (aws-load-balancer-controller-iam-policy.ts) is upstream's
 * docs/install/iam_policy.json, unchanged from v2.13.0 through v3.5.0; bump both together and re-diff.
 * The Cluster Autoscaler chart deploys its appVersion by default; the add-ons module overrides `image.tag`
 * with `kubernetesReleases[<cluster minor>].clusterAutoscaler`, so the autoscaler always matches the cluster.
 */
export const helmCharts = {
  /**
   * Chart 3.5.0 (appVersion v3.5.0): aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml at commit
   * 5239609242f3430be50fb0b714a24d3ef2b47983 ("aws-load-balancer-controller: v3.5.0 (#1354)", 2026-08-03),
   * the newest chart and controller release (tag v3.5.0, commit 11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4).
   * The values this project sets (clusterName, region, vpcId, replicaCount, serviceAccount.create/name/
   * annotations, podDisruptionBudget, nodeSelector, tolerations) and `defaultTargetType` are in that
   * chart's values.yaml. Gateway API support (new in v3) stays off unless its CRDs are installed: the
   * controller disables those features when it finds no Gateway API CRDs (main.go, crddetect).
   */
  awsLoadBalancerController: {
    repository: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    appVersion: "v3.5.0",
  },
  /**
   * Chart 9.59.0 (tag cluster-autoscaler-chart-9.59.0, 2026-07-21; the newest chart, equal to master in
   * the 2026-08 snapshot). Its values.yaml has `image.tag` (default v1.35.0), which the module sets per
   * cluster minor.
   */
  clusterAutoscaler: {
    repository: "https://kubernetes.github.io/autoscaler",
    chart: "cluster-autoscaler",
    version: "9.59.0",
    appVersion: "1.35.0",
  },
  metricsServer: {
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    version: "3.13.0",
    appVersion: "0.8.0",
  },
  /**
   * NVIDIA device plugin (gpu blueprint). 0.19.0: github.com/NVIDIA/k8s-device-plugin CHANGELOG
   * (v0.19.0 follows v0.18.2); the chart is served from the Helm repository (Renovate's
   * "Update Helm release nvidia-device-plugin to v0.19.0", shaman007/home-k3s#111).
   */
  nvidiaDevicePlugin: {
    repository: "https://nvidia.github.io/k8s-device-plugin",
    chart: "nvidia-device-plugin",
    version: "0.19.0",
    appVersion: "0.19.0",
  },
  /**
   * AWS EFA device plugin (gpu blueprint, EFA node groups only). Chart v0.5.29 with appVersion
   * v0.5.20: aws/eks-charts#1338 ("Adding efa release 0.5.20", Chart.yaml v0.5.28 -> v0.5.29);
   * the chart versions of this repository carry a leading "v".
   */
  efaDevicePlugin: {
    repository: "https://aws.github.io/eks-charts",
    chart: "aws-efa-k8s-device-plugin",
    version: "v0.5.29",
    appVersion: "v0.5.20",
  },
  /** DCGM exporter (gpu blueprint, optional). Chart 4.8.3 published by NVIDIA/dcgm-exporter#712 (tag 4.6.0-4.8.3). */
  dcgmExporter: {
    repository: "https://nvidia.github.io/dcgm-exporter/helm-charts",
    chart: "dcgm-exporter",
    version: "4.8.3",
    appVersion: "4.6.0-4.8.3",
  },
  /**
   * Karpenter 1.14.1, the newest release (tag v1.14.1, commit bde00654cd316fddb3dccfba3f5ac07039865429,
   * 2026-08-20, aws/karpenter-provider-aws). Published as OCI charts: `karpenter` and `karpenter-crd` of one
   * version; charts/karpenter/Chart.yaml reads 1.14.1 on main after "docs: update for patch release v1.14.1
   * (#9533)" (commit 1d927085dd81a9df9301e613f371dac5b4d16bfe), whose values.yaml pins controller image
   * tag 1.14.1. The values this project sets (settings.clusterName, settings.interruptionQueue,
   * serviceAccount.name, replicas, controller.resources, nodeSelector, tolerations; the default affinity
   * `karpenter.sh/nodepool DoesNotExist` is kept) are in values.yaml at the tag. The controller's IAM policy
   * (karpenter-iam-policy.ts) is website/content/en/v1.14/getting-started/getting-started-with-karpenter/
   * cloudformation.yaml (identical to docs/ at the tag); bump both together and re-diff.
   */
  karpenter: {
    repository: "oci://public.ecr.aws/karpenter",
    chart: "karpenter",
    version: "1.14.1",
    appVersion: "1.14.1",
  },
  /** The CRDs of `karpenter` as templates, so Helm upgrades them (Helm never upgrades a chart's crds/). */
  karpenterCrd: {
    repository: "oci://public.ecr.aws/karpenter",
    chart: "karpenter-crd",
    version: "1.14.1",
    appVersion: "1.14.1",
  },
} as const satisfies Record<string, HelmChart>;

export interface ContainerImage {
  readonly repository: string;
  readonly tag: string;
}

/**
 * Container images this project runs itself (not through a third-party chart).
 *
 * kubectl: the Kubernetes project's own image (shell-free; multi-arch amd64/arm64/ppc64le/s390x), listed
 * under "Container Images" of v1.35.4 in kubernetes/kubernetes CHANGELOG/CHANGELOG-1.35.md. 1.35 is within
 * kubectl's one-minor version skew of every offered control plane (1.34–1.36); move it with
 * `kubernetesReleases` so it stays within one minor of each. The destroy-cleanup hook runs it.
 */
export const containerImages = {
  kubectl: { repository: "registry.k8s.io/kubectl", tag: "v1.35.4" },
} as const satisfies Record<string, ContainerImage>;

/**
 * The AMI the default Karpenter EC2NodeClass selects: an EKS-optimized Amazon Linux 2023 release, pinned (Karpenter's
 * docs advise against `al2023@latest` in production: a new AMI would roll every node unreviewed). v20260714 is the
 * newest release in awslabs/amazon-eks-ami CHANGELOG.md (2026-07 snapshot; tag v20260724 has no release notes yet)
 * and builds AMIs for Kubernetes 1.30–1.36. Karpenter resolves the alias per architecture and, for GPU instance
 * types, to the NVIDIA variant. Bump with the AMI releases (`karpenter_ami_alias` overrides it per cluster).
 */
export const karpenterAmiAlias = "al2023@v20260714";
