import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { chartRelease, Placement, Toleration } from "./helm-release";

/** The chart values this project sets (nvidia-device-plugin chart). */
export interface NvidiaDevicePluginValues {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** GPU feature discovery would pull in node-feature-discovery; the node groups label their nodes already. */
  readonly gfd: { readonly enabled: false };
}

export interface NvidiaDevicePluginProps {
  /** Only the GPU nodes that need the plugin: it must tolerate their taint and select them. */
  readonly placement: Required<Placement>;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The NVIDIA device plugin DaemonSet: advertises `nvidia.com/gpu` on nodes whose AMI ships the driver
 * and container toolkit (AL2023 NVIDIA). Bottlerocket NVIDIA variants run the plugin on the host
 * themselves, so their nodes must not be selected. The chart's own node affinity (NFD's PCI label, or
 * `nvidia.com/gpu.present=true`) is kept; the nodeSelector narrows it further.
 */
export class NvidiaDevicePlugin extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps) {
    super(scope, id);
    setModuleFile(this, "nvidia_device_plugin");
    const values: NvidiaDevicePluginValues = {
      nodeSelector: props.placement.nodeSelector,
      tolerations: props.placement.tolerations,
      gfd: { enabled: false },
    };
    this.release = chartRelease(this, {
      address: "nvidia_device_plugin",
      releaseName: "nvidia-device-plugin",
      chart: helmCharts.nvidiaDevicePlugin,
      namespace: "kube-system",
      values,
      dependsOn: props.dependsOn,
    });
  }
}
