import { z } from "zod";
import { helmCharts } from "../catalog";
import { GPU_PRESENT_LABEL } from "../nvidia-gpus";
import { GpuNodeDaemonSet } from "./gpu-node-daemonset";

/** The chart values this project sets besides placement (dcgm-exporter chart). */
export interface DcgmExporterValues {
  /** Off: a ServiceMonitor needs the Prometheus Operator's CRDs, which this blueprint does not install. */
  readonly serviceMonitor: { readonly enabled: boolean };
}

/**
 * NVIDIA DCGM exporter on every GPU node: per-GPU utilisation, memory, temperature and errors as Prometheus
 * metrics on port 9400. Setting `addons.dcgmExporter`: default false.
 */
export class DcgmExporter extends GpuNodeDaemonSet<"dcgmExporter", boolean, DcgmExporterValues> {
  readonly key = "dcgmExporter";
  /** Default false: GPU metrics are opt-in. */
  readonly settings = z.boolean().default(false);
  protected readonly chart = {
    address: "dcgm_exporter",
    releaseName: "dcgm-exporter",
    chart: helmCharts.dcgmExporter,
    title: "the NVIDIA DCGM exporter",
    nodeSelector: { [GPU_PRESENT_LABEL]: "true" },
    values: { serviceMonitor: { enabled: false } },
  } as const;

  isEnabled(enabled: boolean): boolean {
    return enabled;
  }
}
