import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsLoadBalancerController } from "../../modules/addons/aws-load-balancer-controller";
import { GpuNodeDaemonSet, GpuNodeDaemonSetChart } from "../../modules/addons/gpu-node-daemonset";
import { helmCharts } from "../../modules/catalog";
import { GPU_TOLERATION } from "../../modules/nvidia-gpus";
import { addonsSide, minimalStack } from "./fixture";
import { withProbes } from "./hcl";

/** A throwaway subclass: the base class alone decides placement, namespace and dependencies. */
class Probe extends GpuNodeDaemonSet<"probe", undefined, { readonly extra: { readonly on: boolean } }> {
  readonly key = "probe";
  protected readonly chart: GpuNodeDaemonSetChart<{ readonly extra: { readonly on: boolean } }> = {
    address: "probe_daemonset",
    releaseName: "probe",
    chart: helmCharts.dcgmExporter,
    title: "a probe",
    nodeSelector: { "example.com/probe": "true" },
    values: { extra: { on: true } },
  };
}

describe("GpuNodeDaemonSet", () => {
  const stack = minimalStack("addons");
  const before = new IamRole(stack, "before", { assumeRolePolicy: "{}" });
  const returned = new Probe().buildAddons(stack, addonsSide(stack, undefined, undefined, [before]));
  const module = withProbes(stack, {}).module;

  test("selects its nodes by label, tolerates the GPU taint, adds its chart's values", () => {
    expect(module.local("probe_daemonset_values")).toEqual({ nodeSelector: { "example.com/probe": "true" }, tolerations: [GPU_TOLERATION], extra: { on: true } });
    expect(GPU_TOLERATION).toEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
  });

  test("in kube-system, after the Load Balancer Controller's webhook, in its own file", () => {
    expect(new Probe().after).toEqual([AwsLoadBalancerController]);
    expect(module.resource("helm_release", "probe_daemonset")).toMatchObject({ name: "probe", namespace: "kube-system", depends_on: ["aws_iam_role.before"] });
    expect(Object.keys(module.files.get("probe_daemonset.tf.json")!.resource)).toEqual(["helm_release"]);
    expect(module.output("probe_daemonset").value.release_name).toBe("${helm_release.probe_daemonset.name}");
    expect(returned).toHaveLength(1);
  });
});
