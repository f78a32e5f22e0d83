import { NvidiaDevicePlugin } from "../../modules/addons/nvidia-device-plugin";
import { helmCharts } from "../../modules/catalog";
import { NodeGroupVariable } from "../../modules/node-groups";
import { DEVICE_PLUGIN_LABEL, GPU_TOLERATION } from "../../modules/nvidia-gpus";
import { addonsSide, minimalStack, NODE_FACTS } from "./fixture";
import { withProbes } from "./hcl";

const group = (labels: Record<string, string>): NodeGroupVariable => ({
  instance_types: ["g6.xlarge"],
  capacity_type: "ON_DEMAND",
  ami_type: "AL2023_x86_64_NVIDIA",
  min_size: 0,
  desired_size: 0,
  max_size: 1,
  disk_size_gib: 100,
  labels,
  taints: [],
  max_unavailable_percentage: 33,
});

describe("NvidiaDevicePlugin", () => {
  test("enabled when a node group is labelled for the Helm device plugin (not for Bottlerocket's host plugin)", () => {
    const plugin = new NvidiaDevicePlugin();
    expect(plugin.isEnabled(undefined, { ...NODE_FACTS, nodeGroups: { gpu: group({ [DEVICE_PLUGIN_LABEL]: "true" }) } })).toBe(true);
    expect(plugin.isEnabled(undefined, { ...NODE_FACTS, nodeGroups: { gpu: group({ [DEVICE_PLUGIN_LABEL]: "false" }) } })).toBe(false);
    expect(plugin.isEnabled(undefined, NODE_FACTS)).toBe(false);
    expect(plugin.settings).toBeUndefined();
  });

  test("the pinned chart on the labelled nodes, tolerating the GPU taint, without GPU feature discovery", () => {
    const stack = minimalStack("addons");
    new NvidiaDevicePlugin().buildAddons(stack, addonsSide(stack));
    const module = withProbes(stack, {}).module;
    expect(module.local("nvidia_device_plugin_values")).toEqual({ nodeSelector: { [DEVICE_PLUGIN_LABEL]: "true" }, tolerations: [GPU_TOLERATION], gfd: { enabled: false } });
    expect(module.resource("helm_release", "nvidia_device_plugin")).toMatchObject({
      name: "nvidia-device-plugin",
      repository: helmCharts.nvidiaDevicePlugin.repository,
      chart: helmCharts.nvidiaDevicePlugin.chart,
      version: helmCharts.nvidiaDevicePlugin.version,
      namespace: "kube-system",
    });
  });
});
