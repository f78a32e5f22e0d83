import { fargatePodNetworking } from "../../modules/pod-networking";
import { AwsLoadBalancerController } from "../../modules/addons/aws-load-balancer-controller";
import { BlueprintFacts } from "../../modules/addons/contract";
import { FARGATE_METRICS_SERVER_PORT, MetricsServer } from "../../modules/addons/metrics-server";
import { helmCharts } from "../../modules/catalog";
import { addonsSide, clusterSide, minimalStack, NODE_FACTS } from "./fixture";
import { withProbes } from "./hcl";

function build(facts: BlueprintFacts) {
  const stack = minimalStack("addons");
  new MetricsServer().buildAddons(stack, addonsSide(stack, facts));
  return withProbes(stack, {}).module;
}

describe("MetricsServer", () => {
  test("no settings, no AWS side; after the Load Balancer Controller's webhook", () => {
    const addon = new MetricsServer();
    expect(addon.settings).toBeUndefined();
    expect(addon.after).toEqual([AwsLoadBalancerController]);
    const stack = minimalStack();
    expect(addon.buildCluster(stack, clusterSide(), undefined)).toEqual([]);
    expect(withProbes(stack, {}).module.merged.resource).toBeUndefined();
  });

  test("two replicas with a disruption budget, the pinned chart, in kube-system", () => {
    const module = build(NODE_FACTS);
    expect(module.local("metrics_server_values")).toEqual({ replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } });
    expect(module.resource("helm_release", "metrics_server")).toMatchObject({
      name: "metrics-server",
      repository: helmCharts.metricsServer.repository,
      version: helmCharts.metricsServer.version,
      namespace: "kube-system",
    });
    expect(module.resource("helm_release", "metrics_server").depends_on).toBeUndefined();
  });

  test("on Fargate, a port the Fargate kubelet does not hold", () => {
    expect(FARGATE_METRICS_SERVER_PORT).not.toBe(10250);
    expect(build({ compute: "fargate", nodeGroups: {}, workloadIdentity: "irsa", networking: fargatePodNetworking("ipv4") }).local("metrics_server_values").containerPort).toBe(FARGATE_METRICS_SERVER_PORT);
  });

  test("with system placement, on the system nodes", () => {
    const systemPlacement = { nodeSelector: { "node-role": "system" } };
    expect(build({ ...NODE_FACTS, systemPlacement }).local("metrics_server_values").nodeSelector).toEqual({ "node-role": "system" });
  });
});
