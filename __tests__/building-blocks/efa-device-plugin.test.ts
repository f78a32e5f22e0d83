import { EfaDevicePlugin } from "../../modules/addons/efa-device-plugin";
import { helmCharts } from "../../modules/catalog";
import { NodeGroupVariable } from "../../modules/node-groups";
import { EFA_PRESENT_LABEL, GPU_TOLERATION } from "../../modules/nvidia-gpus";
import { addonsSide, minimalStack, NODE_FACTS } from "./fixture";
import { withProbes } from "./hcl";

const group = (efa?: number): NodeGroupVariable => ({
  instance_types: ["p5.48xlarge"],
  capacity_type: "ON_DEMAND",
  ami_type: "AL2023_x86_64_NVIDIA",
  min_size: 0,
  desired_size: 0,
  max_size: 1,
  disk_size_gib: 100,
  labels: {},
  taints: [],
  max_unavailable_percentage: 33,
  ...(efa === undefined ? {} : { efa_interfaces: efa }),
});

describe("EfaDevicePlugin", () => {
  test("enabled only when a node group has EFA interfaces", () => {
    const plugin = new EfaDevicePlugin();
    expect(plugin.isEnabled(undefined, { ...NODE_FACTS, nodeGroups: { a: group(0), b: group(32) } })).toBe(true);
    expect(plugin.isEnabled(undefined, { ...NODE_FACTS, nodeGroups: { a: group(0), b: group() } })).toBe(false);
  });

  test("on EFA nodes by their label, the chart's instance-type affinity replaced by the same label", () => {
    const stack = minimalStack("addons");
    new EfaDevicePlugin().buildAddons(stack, addonsSide(stack));
    const module = withProbes(stack, {}).module;
    expect(module.local("efa_device_plugin_values")).toEqual({
      nodeSelector: { [EFA_PRESENT_LABEL]: "true" },
      tolerations: [GPU_TOLERATION],
      supportedInstanceLabels: { keys: [EFA_PRESENT_LABEL], values: ["true"] },
    });
    expect(module.resource("helm_release", "efa_device_plugin")).toMatchObject({
      name: "aws-efa-k8s-device-plugin",
      repository: helmCharts.efaDevicePlugin.repository,
      chart: helmCharts.efaDevicePlugin.chart,
      version: helmCharts.efaDevicePlugin.version,
      namespace: "kube-system",
    });
  });
});
