import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { chartRelease, Placement } from "./helm-release";

/** The chart values this project sets (metrics-server chart). */
export interface MetricsServerValues {
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: true; readonly minAvailable: number };
  readonly containerPort?: number;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: Placement["tolerations"];
}

export interface MetricsServerProps {
  /** Releases that must be ready first (the Load Balancer Controller\'s webhook intercepts Services). Default none. */
  readonly dependsOn?: ITerraformDependable[];
  /** Default 2 with a disruption budget, so `kubectl top` and HPAs keep working through a drain. */
  readonly replicas?: number;
  readonly placement?: Placement;
  /**
   * The port metrics-server listens on. The chart's default, 10250, clashes on Fargate, where the
   * pod shares its address with the Fargate kubelet (kubernetes-sigs/metrics-server#1271). Default: the chart's.
   */
  readonly containerPort?: number;
}

/** metrics-server: resource metrics for `kubectl top` and Horizontal Pod Autoscalers. No AWS permissions. */
export class MetricsServer extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: MetricsServerProps = {}) {
    super(scope, id);
    setModuleFile(this, "metrics_server");
    const values: MetricsServerValues = {
      replicas: props.replicas ?? 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      ...(props.containerPort === undefined ? {} : { containerPort: props.containerPort }),
      ...props.placement,
    };
    this.release = chartRelease(this, {
      address: "metrics_server",
      releaseName: "metrics-server",
      chart: helmCharts.metricsServer,
      namespace: "kube-system",
      values,
      dependsOn: props.dependsOn,
    });
  }
}
