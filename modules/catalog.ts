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

/** Per Kubernetes minor: the EKS add-ons whose versions follow the control plane. */
export interface KubernetesRelease {
  /** End of EKS standard support (after it, extended support costs extra per cluster-hour). */
  readonly standardSupportUntil: string;
  readonly kubeProxy: string;
  readonly coredns: string;
}

/**
 * Kubernetes versions in EKS standard support that this release pins add-ons for.
 *
 * Support dates: Amazon EKS Kubernetes release calendar
 * (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html); each minor gets 14 months
 * of standard support. 1.34 leaves standard support on 2026-12-02 and is kept only for clusters
 * that still run it.
 * CoreDNS: the "Manage CoreDNS" version table of the EKS user guide (2026 edition).
 * kube-proxy: the "Manage kube-proxy" table for 1.34; for 1.35 and 1.36 the versions EKS resolved
 * on running clusters, as recorded in public configurations in 2026. Confirm with
 * `aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version <v>` when bumping.
 */
export const kubernetesReleases = {
  "1.34": { standardSupportUntil: "2026-12-02", kubeProxy: "v1.34.1-eksbuild.2", coredns: "v1.13.2-eksbuild.11" },
  "1.35": { standardSupportUntil: "2027-03-27", kubeProxy: "v1.35.0-eksbuild.2", coredns: "v1.14.3-eksbuild.3" },
  "1.36": { standardSupportUntil: "2027-08-02", kubeProxy: "v1.36.0-eksbuild.25", coredns: "v1.14.3-eksbuild.3" },
} as const satisfies Record<string, KubernetesRelease>;

export type KubernetesVersion = keyof typeof kubernetesReleases;
export const kubernetesVersions = Object.keys(kubernetesReleases) as KubernetesVersion[];

/**
 * The default for new clusters: 1.35, in standard support until 2027-03-27 and matched by the
 * pinned Cluster Autoscaler (whose minor should equal the cluster's). 1.36 is supported too.
 */
export const defaultKubernetesVersion: KubernetesVersion = "1.35";

/**
 * EKS managed add-ons whose versions do not depend on the Kubernetes minor (each supports every
 * version above). Source: versions EKS served on 1.35/1.36 clusters in 2026 (public configurations);
 * confirm with `aws eks describe-addon-versions --addon-name <name>` when bumping.
 */
export const eksAddonVersions = {
  vpcCni: "v1.22.4-eksbuild.3",
  eksPodIdentityAgent: "v1.3.10-eksbuild.3",
  awsEbsCsiDriver: "v1.63.1-eksbuild.1",
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
 * The Load Balancer Controller stays on the 2.13 line because its IAM policy
 * (aws-load-balancer-controller-iam-policy.ts) is the one published for that line; bump both together.
 * The Cluster Autoscaler chart's appVersion (1.35) matches the default Kubernetes minor.
 */
export const helmCharts = {
  awsLoadBalancerController: {
    repository: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    version: "1.13.0",
    appVersion: "v2.13.0",
  },
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
