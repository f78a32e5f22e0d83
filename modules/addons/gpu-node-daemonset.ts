import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { setModuleFile } from "../blueprint-stack";
import { HelmChart } from "../catalog";
import { GPU_TOLERATION } from "../nvidia-gpus";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { Addon, AddonsSide } from "./contract";
import { chartRelease, Toleration } from "./helm-release";

/** Values every GPU-node DaemonSet chart gets: it selects its nodes by a label and tolerates the GPU taint. */
export interface GpuNodeDaemonSetValues {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

export interface GpuNodeDaemonSetChart<Extra> {
  /** Terraform address and module file. */
  readonly address: string;
  readonly releaseName: string;
  readonly chart: HelmChart;
  readonly title: string;
  /** The nodes it runs on: a label only they carry. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The chart's own values besides placement. */
  readonly values: Extra;
}

/**
 * A DaemonSet chart for GPU nodes (device plugins, exporters), in kube-system, after the Load Balancer
 * Controller's webhook. Subclasses say which chart, which nodes, and when the blueprint needs it.
 */
export abstract class GpuNodeDaemonSet<Key extends string, Settings, Extra extends object> extends Addon<Key, Settings> {
  readonly after = [AwsLoadBalancerController];
  protected abstract readonly chart: GpuNodeDaemonSetChart<Extra>;

  buildAddons(scope: Construct, side: AddonsSide): ITerraformDependable[] {
    const c = this.chart;
    const holder = new Construct(scope, c.address);
    setModuleFile(holder, c.address);
    const values: GpuNodeDaemonSetValues & Extra = { nodeSelector: c.nodeSelector, tolerations: [GPU_TOLERATION], ...c.values };
    return [
      chartRelease(holder, {
        address: c.address,
        releaseName: c.releaseName,
        chart: c.chart,
        namespace: "kube-system",
        values,
        dependsOn: side.prerequisites,
        title: c.title,
      }),
    ];
  }
}
