import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformLocal } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { HelmChart } from "../catalog";

/** Where an add-on's pods may run: used to keep controllers on system nodes. */
export interface Placement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: ReadonlyArray<Toleration>;
}

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

export interface ChartReleaseProps<Values> {
  /** Terraform address: `helm_release.<address>`, values in `local.<address>_values`. */
  readonly address: string;
  /** Helm release name. */
  readonly releaseName: string;
  readonly chart: HelmChart;
  readonly namespace: string;
  /** The chart values this project sets, typed per chart; Terraform expressions allowed in strings. */
  readonly values: Values;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Helm release whose values live in a readable local (`local.<address>_values`) rather than a
 * one-line string, so a reviewer reads them as structured data in the generated module.
 */
export function chartRelease<Values extends object>(scope: Construct, props: ChartReleaseProps<Values>): Release {
  const values = new TerraformLocal(scope, `${props.address}_values`, props.values);
  return new Release(scope, props.address, {
    name: props.releaseName,
    repository: props.chart.repository,
    chart: props.chart.chart,
    version: props.chart.version,
    namespace: props.namespace,
    values: [Fn.jsonencode(values.expression)],
    // Roll back a failed upgrade instead of leaving a half-applied release behind.
    atomic: true,
    cleanupOnFail: true,
    maxHistory: 10,
    timeout: 600,
    dependsOn: props.dependsOn,
  });
}
