import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { Addon, AddonsSide } from "./contract";
import { chartRelease, Placement } from "./helm-release";

/**
 * The port metrics-server listens on under Fargate. The chart's default, 10250, clashes there: the pod
 * shares its address with the Fargate kubelet, which holds 10250 (kubernetes-sigs/metrics-server#1271).
 */
export const FARGATE_METRICS_SERVER_PORT = 10251;

/** The chart values this project sets (metrics-server chart). */
export interface MetricsServerValues {
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: true; readonly minAvailable: number };
  readonly containerPort?: number;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: Placement["tolerations"];
}

/**
 * metrics-server: resource metrics for `kubectl top` and Horizontal Pod Autoscalers. No AWS permissions.
 * Two replicas with a disruption budget, so `kubectl top` and HPAs keep working through a drain.
 */
export class MetricsServer extends Addon<"metricsServer"> {
  readonly key = "metricsServer";
  readonly after = [AwsLoadBalancerController];

  buildAddons(scope: Construct, side: AddonsSide): ITerraformDependable[] {
    const holder = new Construct(scope, "metrics_server");
    setModuleFile(holder, "metrics_server");
    const values: MetricsServerValues = {
      replicas: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      ...(side.compute === "fargate" ? { containerPort: FARGATE_METRICS_SERVER_PORT } : {}),
      ...side.systemPlacement,
    };
    return [
      chartRelease(holder, {
        address: "metrics_server",
        releaseName: "metrics-server",
        chart: helmCharts.metricsServer,
        namespace: "kube-system",
        values,
        dependsOn: side.prerequisites,
        title: "metrics-server",
      }),
    ];
  }
}
