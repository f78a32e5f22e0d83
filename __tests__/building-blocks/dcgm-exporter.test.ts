import { DcgmExporter } from "../../modules/addons/dcgm-exporter";
import { helmCharts } from "../../modules/catalog";
import { GPU_PRESENT_LABEL, GPU_TOLERATION } from "../../modules/nvidia-gpus";
import { addonsSide, minimalStack } from "./fixture";
import { withProbes } from "./hcl";

describe("DcgmExporter", () => {
  test("opt-in: the setting is a boolean, false by default, and decides whether it is built", () => {
    const exporter = new DcgmExporter();
    expect(exporter.settings.parse(undefined)).toBe(false);
    expect(exporter.settings.safeParse("yes").success).toBe(false);
    expect(exporter.isEnabled(false)).toBe(false);
    expect(exporter.isEnabled(exporter.settings.parse(true))).toBe(true);
  });

  test("on every GPU node, tolerating the GPU taint, without a ServiceMonitor (no Prometheus Operator CRDs)", () => {
    const stack = minimalStack("addons");
    new DcgmExporter().buildAddons(stack, addonsSide(stack));
    const module = withProbes(stack, {}).module;
    expect(module.local("dcgm_exporter_values")).toEqual({ nodeSelector: { [GPU_PRESENT_LABEL]: "true" }, tolerations: [GPU_TOLERATION], serviceMonitor: { enabled: false } });
    expect(module.resource("helm_release", "dcgm_exporter")).toMatchObject({
      name: "dcgm-exporter",
      repository: helmCharts.dcgmExporter.repository,
      chart: helmCharts.dcgmExporter.chart,
      version: helmCharts.dcgmExporter.version,
      namespace: "kube-system",
    });
  });
});
