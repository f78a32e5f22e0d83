import { Construct } from "constructs";
import { Fn, IResolvable, ITerraformDependable, TerraformLocal, TerraformOutput } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { HelmChart } from "../catalog";
import { ofType } from "../terraform";

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

/** A chart shipped inside the module directory (see ModuleAsset), installed from `${path.module}/<path>`. */
export interface LocalChart {
  /** Directory of the chart, relative to the module directory, e.g. `charts/destroy-cleanup`. */
  readonly path: string;
  /** The chart's version (Chart.yaml); the Helm provider sees a changed chart only through it. */
  readonly version: string;
}

export interface ChartReleaseProps<Values> {
  /** Terraform address: `helm_release.<address>`, values in `local.<address>_values`, output `<address>`. */
  readonly address: string;
  /** Helm release name. */
  readonly releaseName: string;
  readonly chart: HelmChart | LocalChart;
  readonly namespace: string;
  /** The chart values this project sets, typed per chart; Terraform expressions allowed in strings. */
  readonly values: Values;
  /** Resources that must exist first. Default none. */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** What the add-on is, for the output's description, e.g. "the AWS Load Balancer Controller". */
  readonly title: string;
  /** Seconds Helm waits for an install, upgrade or uninstall, hooks included. Default 600. */
  readonly timeout?: number;
  /** Skip the chart's hooks (`disable_webhooks`), as a Terraform boolean expression. Default: hooks run. */
  readonly disableHooks?: boolean | IResolvable;
}

/**
 * A Helm release whose values live in a readable local (`local.<address>_values`) rather than a
 * one-line string, so a reviewer reads them as structured data in the generated module; and an output
 * `<address>` with what a user wires next (release name, namespace, chart, chart and app version).
 */
export function chartRelease<Values extends object>(scope: Construct, props: ChartReleaseProps<Values>): Release {
  const values = new TerraformLocal(scope, `${props.address}_values`, props.values);
  const release = new Release(scope, props.address, {
    name: props.releaseName,
    ...("path" in props.chart
      ? { chart: `\${path.module}/${props.chart.path}`, version: props.chart.version }
      : { repository: props.chart.repository, chart: props.chart.chart, version: props.chart.version }),
    namespace: props.namespace,
    values: [Fn.jsonencode(values.expression)],
    // Roll back a failed upgrade instead of leaving a half-applied release behind.
    atomic: true,
    cleanupOnFail: true,
    maxHistory: 10,
    timeout: props.timeout ?? 600,
    disableWebhooks: props.disableHooks,
    dependsOn: props.dependsOn && props.dependsOn.length > 0 ? [...props.dependsOn] : undefined,
  });
  new TerraformOutput(ofType(scope, "output"), props.address, {
    description: `Helm release of ${props.title}: release name, namespace, chart, chart version and application version.`,
    value: {
      release_name: release.name,
      namespace: release.namespace,
      chart: release.chart,
      chart_version: release.version,
      app_version: release.metadata.appVersion,
    },
  });
  return release;
}
