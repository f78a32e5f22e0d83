import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { helmCharts } from "../../modules/catalog";
import { chartRelease } from "../../modules/addons/helm-release";
import { minimalStack } from "./fixture";
import { withProbes } from "./hcl";

describe("chartRelease", () => {
  test("a catalog chart: values in a readable local, atomic with cleanup, bounded history, 600 s by default", () => {
    const stack = minimalStack("addons");
    chartRelease(stack, {
      address: "widget",
      releaseName: "widget",
      chart: helmCharts.metricsServer,
      namespace: "kube-system",
      values: { replicas: 2, region: "${data.aws_region.current.region}" },
      title: "the widget",
    });
    const { module } = withProbes(stack, {});
    expect(module.local("widget_values")).toEqual({ replicas: 2, region: "${data.aws_region.current.region}" });
    expect(module.resource("helm_release", "widget")).toEqual({
      name: "widget",
      repository: helmCharts.metricsServer.repository,
      chart: helmCharts.metricsServer.chart,
      version: helmCharts.metricsServer.version,
      namespace: "kube-system",
      values: ["${jsonencode(local.widget_values)}"],
      atomic: true,
      cleanup_on_fail: true,
      max_history: 10,
      timeout: 600,
    });
  });

  test("the output: what a user wires next, from the release itself", () => {
    const stack = minimalStack("addons");
    chartRelease(stack, { address: "widget", releaseName: "widget", chart: helmCharts.metricsServer, namespace: "kube-system", values: {}, title: "the widget" });
    expect(withProbes(stack, {}).module.output("widget")).toEqual({
      description: "Helm release of the widget: release name, namespace, chart, chart version and application version.",
      value: {
        release_name: "${helm_release.widget.name}",
        namespace: "${helm_release.widget.namespace}",
        chart: "${helm_release.widget.chart}",
        chart_version: "${helm_release.widget.version}",
        app_version: "${helm_release.widget.metadata.app_version}",
      },
    });
  });

  test("a chart shipped in the module, a timeout, hooks switch and dependencies; no depends_on when there are none", () => {
    const stack = minimalStack("addons");
    const before = new IamRole(stack, "before", { assumeRolePolicy: "{}" });
    chartRelease(stack, {
      address: "local_chart",
      releaseName: "local-chart",
      chart: { path: "charts/local-chart", version: "0.1.0" },
      namespace: "ops",
      values: {},
      title: "a local chart",
      timeout: 720,
      disableHooks: true,
      dependsOn: [before],
    });
    chartRelease(stack, { address: "plain", releaseName: "plain", chart: helmCharts.metricsServer, namespace: "ops", values: {}, title: "plain", dependsOn: [] });
    const { module } = withProbes(stack, {});
    const release = module.resource("helm_release", "local_chart");
    expect(release).toMatchObject({ chart: "${path.module}/charts/local-chart", version: "0.1.0", timeout: 720, disable_webhooks: true, depends_on: ["aws_iam_role.before"] });
    expect(release.repository).toBeUndefined();
    expect(module.resource("helm_release", "plain").depends_on).toBeUndefined();
    expect(module.resource("helm_release", "plain").disable_webhooks).toBeUndefined();
  });
});
