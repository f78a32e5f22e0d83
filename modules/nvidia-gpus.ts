/**
 * NVIDIA GPU instance types EKS runs with its x86_64 NVIDIA AMIs (AL2023_x86_64_NVIDIA,
 * BOTTLEROCKET_x86_64_NVIDIA): GPUs per instance, and the GPU for the `k8s.amazonaws.com/accelerator`
 * label the Cluster Autoscaler reads. Source: Amazon EC2 accelerated computing instance
 * specifications (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html).
 *
 * Left out on purpose: g5g (Graviton with NVIDIA T4G, needs arm64 NVIDIA AMIs, which this project
 * does not support), p6e-gb200 (Grace, arm64), g6f/gr6f (fractional GPUs), and the retired p2/g3/g4ad
 * (g4ad is AMD).
 */
export interface NvidiaGpuFamily {
  /** `k8s.amazonaws.com/accelerator` value. */
  readonly gpu: string;
  /** GPUs per instance, by size. */
  readonly gpusBySize: Readonly<Record<string, number>>;
}

const SMALL_TO_16XL = { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1 } as const;

export const NVIDIA_GPU_FAMILIES: Readonly<Record<string, NvidiaGpuFamily>> = {
  g4dn: { gpu: "nvidia-t4", gpusBySize: { ...SMALL_TO_16XL, "12xlarge": 4, metal: 8 } },
  g5: { gpu: "nvidia-a10g", gpusBySize: { ...SMALL_TO_16XL, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 } },
  g6: { gpu: "nvidia-l4", gpusBySize: { ...SMALL_TO_16XL, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 } },
  gr6: { gpu: "nvidia-l4", gpusBySize: { "4xlarge": 1, "8xlarge": 1 } },
  g6e: { gpu: "nvidia-l40s", gpusBySize: { ...SMALL_TO_16XL, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 } },
  p3: { gpu: "nvidia-tesla-v100", gpusBySize: { "2xlarge": 1, "8xlarge": 4, "16xlarge": 8 } },
  p3dn: { gpu: "nvidia-tesla-v100", gpusBySize: { "24xlarge": 8 } },
  p4d: { gpu: "nvidia-a100", gpusBySize: { "24xlarge": 8 } },
  p4de: { gpu: "nvidia-a100", gpusBySize: { "24xlarge": 8 } },
  p5: { gpu: "nvidia-h100", gpusBySize: { "4xlarge": 1, "48xlarge": 8 } },
  p5e: { gpu: "nvidia-h200", gpusBySize: { "48xlarge": 8 } },
  p5en: { gpu: "nvidia-h200", gpusBySize: { "48xlarge": 8 } },
  "p6-b200": { gpu: "nvidia-b200", gpusBySize: { "48xlarge": 8 } },
};

/** The GPU count and GPU of an instance type, or undefined when it is not in the table. */
export function nvidiaGpuOf(instanceType: string): { readonly gpus: number; readonly gpu: string } | undefined {
  const [family, size] = instanceType.split(".");
  const known = NVIDIA_GPU_FAMILIES[family];
  const gpus = known?.gpusBySize[size];
  return known && gpus !== undefined ? { gpus, gpu: known.gpu } : undefined;
}

/**
 * EFA-capable NVIDIA GPU instance types and the EFA interfaces (one per network card) a node of the
 * type gets. Sources: the EFA device plugin chart's list of EFA instance types
 * (aws/eks-charts stable/aws-efa-k8s-device-plugin/values.yaml, `supportedInstanceLabels`), the
 * EC2 user guide "Maximize network bandwidth on Amazon EC2 instances with multiple network cards"
 * (32 EFA devices on P5/P5e), and the per-type EFA device counts in meta-pytorch/torchx
 * named_resources_aws.py (p4d/p4de 4, p5/p5e 32, p5en 16, p6-b200 8, g6e.24xlarge 2, g6e.48xlarge 4,
 * g4dn/g5 8xlarge and up 1). g6e.8xlarge–16xlarge have one network card, so one EFA.
 *
 * Left out until their counts are confirmed: g6/gr6 (listed by the chart as EFA-capable).
 */
export const EFA_INTERFACES: Readonly<Record<string, number>> = {
  "p3dn.24xlarge": 1,
  "p4d.24xlarge": 4,
  "p4de.24xlarge": 4,
  "p5.48xlarge": 32,
  "p5e.48xlarge": 32,
  "p5en.48xlarge": 16,
  "p6-b200.48xlarge": 8,
  "g4dn.8xlarge": 1,
  "g4dn.12xlarge": 1,
  "g4dn.16xlarge": 1,
  "g4dn.metal": 1,
  "g5.8xlarge": 1,
  "g5.12xlarge": 1,
  "g5.16xlarge": 1,
  "g5.24xlarge": 1,
  "g5.48xlarge": 1,
  "g6e.8xlarge": 1,
  "g6e.12xlarge": 1,
  "g6e.16xlarge": 1,
  "g6e.24xlarge": 2,
  "g6e.48xlarge": 4,
};

/** EFA interfaces of an instance type, or undefined when the type has no EFA (or is not in the table). */
export function efaInterfacesOf(instanceType: string): number | undefined {
  return EFA_INTERFACES[instanceType];
}

/** The taint that keeps non-GPU pods off GPU nodes (pods requesting nvidia.com/gpu tolerate it). */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;
export const GPU_TOLERATION = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect } as const;
/** On every GPU node: it has NVIDIA GPUs (the device plugin chart's own affinity also matches this label). */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";
/** "true" where the Helm device plugin must run; "false" on Bottlerocket, which runs the plugin on the host. */
export const DEVICE_PLUGIN_LABEL = "nvidia.com/gpu.deploy.device-plugin";
/** The Cluster Autoscaler's GPU label: a node with it is not "ready" for GPU pods until GPUs are advertised. */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";
/** On EFA nodes only: the EFA device plugin selects it. */
export const EFA_PRESENT_LABEL = "vpc.amazonaws.com/efa.present";
/** The extended resource the EFA device plugin advertises, one per EFA interface. */
export const EFA_RESOURCE = "vpc.amazonaws.com/efa";
