import { Json, settingsErrorFor, synthesize } from "../helpers";

const synth = (settings?: unknown) => synthesize("spot-cost-optimized", settings);

const errorFor = (settings: unknown): string => settingsErrorFor("spot-cost-optimized", settings);

const { cluster, addons } = synth();
const groups = cluster.variable("node_groups").default as Record<string, Json>;
const systemPlacement = {
  nodeSelector: { "node-role": "system" },
  tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
};

describe("spot-cost-optimized capacity", () => {
  test("a small on-demand system group, tainted and labelled for cluster-critical add-ons", () => {
    expect(groups.system).toMatchObject({
      capacity_type: "ON_DEMAND",
      min_size: 2,
      desired_size: 2,
      labels: { "node-role": "system" },
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
    });
  });

  test("workloads on SPOT, diversified over six same-size types of several families and generations", () => {
    expect(groups["spot-x86"]).toMatchObject({ capacity_type: "SPOT", ami_type: "AL2023_x86_64_STANDARD", taints: [] });
    const types: string[] = groups["spot-x86"].instance_types;
    expect(types).toEqual(["m5.large", "m5a.large", "m6i.large", "m6a.large", "m7i.large", "m7a.large"]);
    expect(new Set(types.map((t) => t.split(".")[1]))).toEqual(new Set(["large"]));
    expect(new Set(types.map((t) => t.split(".")[0])).size).toBeGreaterThanOrEqual(4);
  });

  test("no Graviton group unless asked for; gravitonSpot adds an arm64 SPOT group scaling from zero", () => {
    expect(Object.keys(groups).sort()).toEqual(["spot-x86", "system"]);
    const arm = (synth({ gravitonSpot: true }).cluster.variable("node_groups").default as Record<string, Json>)["spot-arm64"];
    expect(arm).toMatchObject({ capacity_type: "SPOT", ami_type: "AL2023_ARM_64_STANDARD", min_size: 0, desired_size: 0 });
    expect(arm.instance_types).toEqual(["m6g.large", "m6gd.large", "m7g.large", "m7gd.large", "m8g.large"]);
  });

  test("every group's labels and taints become node-template tags on its Auto Scaling group", () => {
    const tag = cluster.resource("aws_autoscaling_group_tag", "node_template");
    expect(tag.for_each).toBe("${local.cluster_autoscaler_node_template_tags}");
    expect(tag.autoscaling_group_name).toBe("${aws_eks_node_group.this[each.value.node_group].resources[0].autoscaling_groups[0].name}");
    expect(tag.tag).toEqual({ key: "${each.value.key}", value: "${each.value.value}", propagate_at_launch: false });
    const local = cluster.local("cluster_autoscaler_node_template_tags") as unknown as string;
    expect(local).toContain('format("k8s.io/cluster-autoscaler/node-template/label/%s", k)');
    expect(local).toContain('format("k8s.io/cluster-autoscaler/node-template/taint/%s", t.key)');
  });
});

describe("spot-cost-optimized placement of cluster-critical add-ons", () => {
  test("CoreDNS selects the system label and tolerates the taint, through its add-on configuration", () => {
    expect(cluster.resource("aws_eks_addon", "coredns").configuration_values).toBe(
      '${jsonencode({"nodeSelector" = {"node-role" = "system"}, "tolerations" = [{"key" = "CriticalAddonsOnly", "operator" = "Exists", "effect" = "NoSchedule"}]})}',
    );
  });

  test.each(["aws_load_balancer_controller_values", "cluster_autoscaler_values", "metrics_server_values"])("%s run on system nodes", (local) => {
    expect(addons.local(local)).toMatchObject(systemPlacement);
  });

  test("the system taint is one no workload group carries", () => {
    const tainted = Object.entries(groups).filter(([, g]) => g.taints.some((t: Json) => t.key === "CriticalAddonsOnly"));
    expect(tainted.map(([name]) => name)).toEqual(["system"]);
  });
});

describe("spot-cost-optimized Cluster Autoscaler tuning", () => {
  const values = addons.local("cluster_autoscaler_values");

  test("priority expander with consistent priorities: Graviton Spot > x86 Spot > on-demand", () => {
    expect(addons.variable("cluster_autoscaler_expander").default).toBe("priority");
    expect(values.expanderPriorities).toBe("${var.cluster_autoscaler_expander_priorities}");
    // Optional: Terraform's 26-character name_prefix suffix (groups named before name_prefix had none).
    const uuid = "([0-9a-f]{26}-)?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$";
    expect(synth({ gravitonSpot: true }).addons.variable("cluster_autoscaler_expander_priorities").default).toEqual({
      "10": [`^eks-system-${uuid}`],
      "20": [`^eks-spot-x86-${uuid}`],
      "30": [`^eks-spot-arm64-${uuid}`],
    });
    // Every node group matches exactly one expression.
    const priorities = addons.variable("cluster_autoscaler_expander_priorities").default as Record<string, string[]>;
    for (const name of Object.keys(groups)) {
      const asg = `eks-${name}-0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f`;
      expect(Object.values(priorities).flat().filter((re) => new RegExp(re).test(asg))).toHaveLength(1);
    }
  });

  test("balanced groups, fast back-off from exhausted Spot pools, quick scale-down", () => {
    expect(values.extraArgs).toEqual({
      expander: "${var.cluster_autoscaler_expander}",
      "scale-down-unneeded-time": "${var.cluster_autoscaler_scale_down_unneeded_time}",
      "balance-similar-node-groups": true,
      "skip-nodes-with-local-storage": false,
      "max-node-provision-time": "5m",
      "scale-down-delay-after-add": "5m",
      "skip-nodes-with-system-pods": false,
    });
    expect(addons.variable("cluster_autoscaler_scale_down_unneeded_time").default).toBe("5m");
  });

  test("Pod Identity for the controllers, as in baseline", () => {
    expect(Object.keys(cluster.resources("aws_eks_pod_identity_association")).sort()).toEqual(
      expect.arrayContaining(["aws_load_balancer_controller", "cluster_autoscaler"].map((n) => expect.stringContaining(n))),
    );
    expect(cluster.resources("aws_eks_addon").eks_pod_identity_agent).toBeDefined();
  });
});

describe("spot-cost-optimized keeps baseline's security defaults", () => {
  const template = cluster.resource("aws_launch_template", "node");
  test("IMDSv2 only, hop limit 1", () => {
    expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
  });
  test("encrypted gp3 root volumes", () => {
    expect(template.block_device_mappings[0].ebs).toMatchObject({ encrypted: "true", volume_type: "gp3" });
  });
  test("KMS secrets encryption and a private endpoint", () => {
    const eks = cluster.resource("aws_eks_cluster", "this");
    expect(eks.encryption_config.resources).toEqual(["secrets"]);
    expect(eks.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.variable("endpoint_public_access").default).toBe(false);
  });
});

describe("spot-cost-optimized settings", () => {
  const system = {
    instanceTypes: ["m6i.large"],
    minSize: 2,
    desiredSize: 2,
    maxSize: 3,
    labels: { "node-role": "system" },
    taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }],
  };
  const spot = (instanceTypes: string[]) => ({ instanceTypes, capacityType: "SPOT", minSize: 0, desiredSize: 0, maxSize: 5 });

  test.each([
    [
      { nodeGroups: { system, spot: spot(["m5.large", "m6i.large", "m7i.large"]) } },
      "nodeGroups.spot.instanceTypes: a SPOT group needs at least 4 instance types of the same size (e.g. m5.large, m5a.large, m6i.large, m6a.large) to draw on enough Spot pools; got 3",
    ],
    [
      { nodeGroups: { system, spot: spot(["m5.large", "m6i.large", "m7i.large", "m6a.xlarge"]) } },
      "nodeGroups.spot.instanceTypes: instance types of one SPOT group must share a size and family class so that every node has the same vCPU and memory (the Cluster Autoscaler sizes a group from its first type); got m*.large, m*.xlarge",
    ],
    [
      { nodeGroups: { system, spot: spot(["m5.large", "m6i.large", "c6i.large", "m7i.large"]) } },
      "nodeGroups.spot.instanceTypes: instance types of one SPOT group must share a size and family class",
    ],
    [
      { nodeGroups: { spot: spot(["m5.large", "m5a.large", "m6i.large", "m6a.large"]) } },
      "nodeGroups: must include an ON_DEMAND group labelled node-role=system and tainted CriticalAddonsOnly=true:NoSchedule",
    ],
    [
      { gravitonSpot: true, nodeGroups: { system, "spot-arm64": spot(["m5.large", "m5a.large", "m6i.large", "m6a.large"]) } },
      "gravitonSpot: adds a node group named spot-arm64, which nodeGroups already defines",
    ],
    [{ addons: { clusterAutoscaler: { expander: "cheapest" } } }, "addons.clusterAutoscaler.expander:"],
  ])("%j is rejected", (settings, message) => {
    expect(errorFor(settings)).toContain(message);
  });

  test("four same-size types across families pass", () => {
    expect(() => synth({ nodeGroups: { system, spot: spot(["c5.xlarge", "c5a.xlarge", "c6i.xlarge", "c7i.xlarge"]) } })).not.toThrow();
  });
});
