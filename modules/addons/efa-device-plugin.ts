import { helmCharts } from "../catalog";
import { EFA_PRESENT_LABEL } from "../nvidia-gpus";
import { BlueprintFacts } from "./contract";
import { GpuNodeDaemonSet } from "./gpu-node-daemonset";

/** The chart values this project sets besides placement (aws-efa-k8s-device-plugin chart from eks-charts). */
export interface EfaDevicePluginValues {
  /**
   * The chart's required node affinity: one `In` match per key. Its default is a list of EFA
   * instance types that lags new families; the node groups label their EFA nodes, so the affinity
   * matches that label instead.
   */
  readonly supportedInstanceLabels: { readonly keys: readonly string[]; readonly values: readonly string[] };
}

/**
 * The AWS EFA Kubernetes device plugin DaemonSet, on EFA node groups only: advertises each node's EFA
 * interfaces as the extended resource `vpc.amazonaws.com/efa`, which distributed-training pods request.
 * The EKS AL2023 NVIDIA and Bottlerocket AMIs carry the EFA driver; they do not run this plugin.
 */
export class EfaDevicePlugin extends GpuNodeDaemonSet<"efaDevicePlugin", undefined, EfaDevicePluginValues> {
  readonly key = "efaDevicePlugin";
  protected readonly chart = {
    address: "efa_device_plugin",
    releaseName: "aws-efa-k8s-device-plugin",
    chart: helmCharts.efaDevicePlugin,
    title: "the AWS EFA device plugin",
    nodeSelector: { [EFA_PRESENT_LABEL]: "true" },
    values: { supportedInstanceLabels: { keys: [EFA_PRESENT_LABEL], values: ["true"] } },
  } as const;

  isEnabled(_settings: undefined, facts: BlueprintFacts): boolean {
    return Object.values(facts.nodeGroups).some((g) => (g.efa_interfaces ?? 0) > 0);
  }
}
