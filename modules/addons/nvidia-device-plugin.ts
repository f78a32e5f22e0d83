import { helmCharts } from "../catalog";
import { DEVICE_PLUGIN_LABEL } from "../nvidia-gpus";
import { BlueprintFacts } from "./contract";
import { GpuNodeDaemonSet } from "./gpu-node-daemonset";

/**
 * The NVIDIA device plugin DaemonSet: advertises `nvidia.com/gpu` on nodes whose AMI ships the driver
 * and container toolkit (AL2023 NVIDIA), which the node groups label `nvidia.com/gpu.deploy.device-plugin=true`.
 * Bottlerocket NVIDIA variants run the plugin on the host themselves, so their nodes are not selected.
 * The chart's own node affinity (NFD's PCI label, or `nvidia.com/gpu.present=true`) is kept; the
 * nodeSelector narrows it further.
 */
export class NvidiaDevicePlugin extends GpuNodeDaemonSet<"nvidiaDevicePlugin", undefined, NvidiaDevicePluginValues> {
  readonly key = "nvidiaDevicePlugin";
  protected readonly chart = {
    address: "nvidia_device_plugin",
    releaseName: "nvidia-device-plugin",
    chart: helmCharts.nvidiaDevicePlugin,
    title: "the NVIDIA device plugin",
    nodeSelector: { [DEVICE_PLUGIN_LABEL]: "true" },
    values: { gfd: { enabled: false } },
  } as const;

  isEnabled(_settings: undefined, facts: BlueprintFacts): boolean {
    return Object.values(facts.nodeGroups).some((g) => g.labels[DEVICE_PLUGIN_LABEL] === "true");
  }
}

/** The chart values this project sets besides placement (nvidia-device-plugin chart). */
export interface NvidiaDevicePluginValues {
  /** GPU feature discovery would pull in node-feature-discovery; the node groups label their nodes already. */
  readonly gfd: { readonly enabled: false };
}
