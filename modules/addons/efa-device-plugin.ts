import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { chartRelease, Placement, Toleration } from "./helm-release";

/** The chart values this project sets (aws-efa-k8s-device-plugin chart from eks-charts). */
export interface EfaDevicePluginValues {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /**
   * The chart's required node affinity: one `In` match per key. Its default is a list of EFA
   * instance types that lags new families; the node groups label their EFA nodes, so the affinity
   * matches that label instead.
   */
  readonly supportedInstanceLabels: { readonly keys: readonly string[]; readonly values: readonly string[] };
}

export interface EfaDevicePluginProps {
  /** Only the EFA nodes: the plugin must tolerate their taints and select them by a label only they carry. */
  readonly placement: Required<Placement>;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The AWS EFA Kubernetes device plugin DaemonSet: advertises each node's EFA interfaces as the
 * extended resource `vpc.amazonaws.com/efa`, which distributed-training pods request. The EKS
 * AL2023 NVIDIA and Bottlerocket AMIs carry the EFA driver; they do not run this plugin.
 */
export class EfaDevicePlugin extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: EfaDevicePluginProps) {
    super(scope, id);
    setModuleFile(this, "efa_device_plugin");
    const [label, value] = Object.entries(props.placement.nodeSelector)[0] ?? [];
    if (label === undefined) throw new Error("the EFA device plugin needs a node selector");
    const values: EfaDevicePluginValues = {
      nodeSelector: props.placement.nodeSelector,
      tolerations: props.placement.tolerations,
      supportedInstanceLabels: { keys: [label], values: [value] },
    };
    this.release = chartRelease(this, {
      address: "efa_device_plugin",
      releaseName: "aws-efa-k8s-device-plugin",
      chart: helmCharts.efaDevicePlugin,
      namespace: "kube-system",
      values,
      dependsOn: props.dependsOn,
    });
  }
}
