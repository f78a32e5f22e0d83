import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { chartRelease, Placement, Toleration } from "./helm-release";

/** The chart values this project sets (dcgm-exporter chart). */
export interface DcgmExporterValues {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** Off: a ServiceMonitor needs the Prometheus Operator's CRDs, which this blueprint does not install. */
  readonly serviceMonitor: { readonly enabled: boolean };
}

export interface DcgmExporterProps {
  readonly placement: Required<Placement>;
  readonly dependsOn?: ITerraformDependable[];
}

/** NVIDIA DCGM exporter: per-GPU utilisation, memory, temperature and errors as Prometheus metrics on port 9400. */
export class DcgmExporter extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: DcgmExporterProps) {
    super(scope, id);
    setModuleFile(this, "dcgm_exporter");
    const values: DcgmExporterValues = {
      nodeSelector: props.placement.nodeSelector,
      tolerations: props.placement.tolerations,
      serviceMonitor: { enabled: false },
    };
    this.release = chartRelease(this, {
      address: "dcgm_exporter",
      releaseName: "dcgm-exporter",
      chart: helmCharts.dcgmExporter,
      namespace: "kube-system",
      values,
      dependsOn: props.dependsOn,
    });
  }
}
