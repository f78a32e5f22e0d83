import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gpu } from "../../blueprints/gpu";
import { generateModules } from "../../emitter/generate";
import { writeTreeAtomically } from "../../emitter/write-tree";
import { helmCharts } from "../../modules/catalog";
import { nvidiaGpuOf } from "../../modules/nvidia-gpus";
import { planModules } from "../../validate/plan";
import { findTerraform, quietTerraformEnv, validateModules } from "../../validate/runner";
import { Json, settingsErrorFor, synthesize } from "../helpers";

const synth = (settings?: unknown) => synthesize("gpu", settings);

const errorFor = (settings: unknown): string => settingsErrorFor("gpu", settings);

const { cluster, addons } = synth();
const groups = cluster.variable("node_groups").default as Record<string, Json>;
const gpuTaint = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" };
const gpuToleration = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

describe("gpu node groups", () => {
  test("a CPU system group and a GPU group on the AL2023 NVIDIA AMI with GPU instance types", () => {
    expect(Object.keys(groups)).toEqual(["system", "gpu"]);
    expect(groups.system).toMatchObject({ ami_type: "AL2023_x86_64_STANDARD", capacity_type: "ON_DEMAND", taints: [] });
    expect(groups.gpu).toMatchObject({ ami_type: "AL2023_x86_64_NVIDIA", instance_types: ["g6.xlarge", "g5.xlarge"] });
    for (const type of groups.gpu.instance_types) expect(nvidiaGpuOf(type)).toBeDefined();
  });

  test("GPU nodes are tainted and labelled; CPU nodes are neither", () => {
    expect(groups.gpu.taints).toEqual([gpuTaint]);
    expect(groups.gpu.labels).toEqual({
      "node-role": "gpu",
      "nvidia.com/gpu.present": "true",
      "nvidia.com/gpu.deploy.device-plugin": "true",
      "k8s.amazonaws.com/accelerator": "nvidia",
    });
    expect(groups.system.labels).toEqual({});
  });

  test("GPU groups scale from zero with a 200 GiB encrypted root volume", () => {
    expect(groups.gpu).toMatchObject({ min_size: 0, desired_size: 0, max_size: 4, disk_size_gib: 200 });
    const template = cluster.resource("aws_launch_template", "node");
    expect(template.block_device_mappings[0].ebs).toEqual({
      volume_size: "${each.value.disk_size_gib}",
      volume_type: "gp3",
      encrypted: "true",
      delete_on_termination: "true",
    });
    expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
  });

  test("a single-model group names its GPU in the accelerator label", () => {
    const single = synth({ gpuNodeGroups: { l4: { instanceTypes: ["g6.12xlarge", "g6.24xlarge"], maxSize: 2 } } });
    const l4 = (single.cluster.variable("node_groups").default as Record<string, Json>).l4;
    expect(l4.labels["k8s.amazonaws.com/accelerator"]).toBe("nvidia-l4");
    expect(l4.node_template_resources).toEqual({ "nvidia.com/gpu": "4" });
  });
});

describe("gpu: the Cluster Autoscaler can scale GPU groups from zero", () => {
  test("the GPU count per node is in the group's node-template resources", () => {
    expect(groups.gpu.node_template_resources).toEqual({ "nvidia.com/gpu": "1" });
    expect(cluster.variable("node_groups").type).toContain("node_template_resources    = optional(map(string), {})");
  });

  test("labels, taints and resources are tagged on the ASG EKS created for each group", () => {
    const tag = cluster.resource("aws_autoscaling_group_tag", "node_template");
    expect(tag.for_each).toBe("${local.cluster_autoscaler_node_template_tags}");
    expect(tag.autoscaling_group_name).toBe("${aws_eks_node_group.this[each.value.node_group].resources[0].autoscaling_groups[0].name}");
    expect(tag.tag).toEqual({ key: "${each.value.key}", value: "${each.value.value}", propagate_at_launch: false });
    const local = cluster.local("cluster_autoscaler_node_template_tags") as unknown as string;
    expect(local).toContain('{ for k, v in g.labels : format("%s/label/%s", name, k) => { node_group = name, key = format("k8s.io/cluster-autoscaler/node-template/label/%s", k), value = v } }');
    expect(local).toContain('key = format("k8s.io/cluster-autoscaler/node-template/taint/%s", t.key), value = format("%s:%s", t.value == null ? "" : t.value, { NO_SCHEDULE = "NoSchedule", NO_EXECUTE = "NoExecute", PREFER_NO_SCHEDULE = "PreferNoSchedule" }[t.effect])');
    expect(local).toContain('{ for r, q in g.node_template_resources : format("%s/resources/%s", name, r) => { node_group = name, key = format("k8s.io/cluster-autoscaler/node-template/resources/%s", r), value = q } }');
  });

  // Evaluated by Terraform itself (terraform console on the variable and the local), when a binary is on PATH.
  const terraform = (() => {
    try {
      return findTerraform();
    } catch {
      return undefined;
    }
  })();
  (terraform ? test : test.skip)("Terraform evaluates the local to one tag per label, taint and resource of each group", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-template-"));
    try {
      const variable = cluster.variable("node_groups");
      fs.writeFileSync(
        path.join(dir, "main.tf.json"),
        JSON.stringify({
          variable: { node_groups: { type: variable.type, default: variable.default } },
          locals: { cluster_autoscaler_node_template_tags: cluster.local("cluster_autoscaler_node_template_tags") },
        }),
      );
      const out = execFileSync(terraform!, ["console"], {
        cwd: dir,
        env: quietTerraformEnv(),
        input: "jsonencode(local.cluster_autoscaler_node_template_tags)\n",
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"], // terraform's warnings are for the test to see, not the test log
      });
      const tags = JSON.parse(JSON.parse(out.trim().split("\n").pop()!)) as Record<string, Json>;
      const onGpuAsg = Object.fromEntries(Object.values(tags).filter((t) => t.node_group === "gpu").map((t) => [t.key, t.value]));
      expect(onGpuAsg).toEqual({
        "k8s.io/cluster-autoscaler/node-template/label/node-role": "gpu",
        "k8s.io/cluster-autoscaler/node-template/label/nvidia.com/gpu.present": "true",
        "k8s.io/cluster-autoscaler/node-template/label/nvidia.com/gpu.deploy.device-plugin": "true",
        "k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator": "nvidia",
        "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": "true:NoSchedule",
        "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "1",
      });
      // The CPU group has no labels, taints or resources: nothing is tagged on its ASG.
      expect(Object.values(tags).filter((t) => t.node_group === "system")).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the autoscaler may describe node groups (labels and taints of never-scaled groups)", () => {
    expect(JSON.stringify(cluster.local("cluster_autoscaler_policy"))).toContain("eks:DescribeNodegroup");
  });
});

describe("gpu: device plugin and DCGM exporter placement", () => {
  const plugin = addons.resource("helm_release", "nvidia_device_plugin");
  const values = addons.local("nvidia_device_plugin_values");

  test("the NVIDIA device plugin chart at the catalog's pin", () => {
    expect(plugin).toMatchObject({
      repository: "https://nvidia.github.io/k8s-device-plugin",
      chart: "nvidia-device-plugin",
      version: helmCharts.nvidiaDevicePlugin.version,
      namespace: "kube-system",
    });
  });

  test("it tolerates the GPU taint and selects only GPU nodes that need it", () => {
    expect(values.tolerations).toEqual([gpuToleration]);
    expect(values.nodeSelector).toEqual({ "nvidia.com/gpu.deploy.device-plugin": "true" });
    // The selected label is one only GPU groups carry, and the toleration matches their taint.
    for (const g of Object.values(groups)) {
      const selected = Object.entries(values.nodeSelector).every(([k, v]) => g.labels[k] === v);
      expect(selected).toBe(g.taints.some((t: Json) => t.key === gpuToleration.key));
    }
  });

  test("Bottlerocket NVIDIA groups run the plugin on the host: not selected, and no chart when all groups are Bottlerocket", () => {
    const bottlerocket = synth({ gpuNodeGroups: { gpu: { instanceTypes: ["g6.xlarge"], amiType: "BOTTLEROCKET_x86_64_NVIDIA", maxSize: 2 } } });
    const g = (bottlerocket.cluster.variable("node_groups").default as Record<string, Json>).gpu;
    expect(g.labels["nvidia.com/gpu.deploy.device-plugin"]).toBe("false");
    expect(bottlerocket.addons.resources("helm_release").nvidia_device_plugin).toBeUndefined();
  });

  test("no DCGM exporter by default; when enabled, on GPU nodes only", () => {
    expect(addons.resources("helm_release").dcgm_exporter).toBeUndefined();
    const withDcgm = synth({ addons: { dcgmExporter: true } });
    expect(withDcgm.addons.resource("helm_release", "dcgm_exporter")).toMatchObject({
      repository: "https://nvidia.github.io/dcgm-exporter/helm-charts",
      chart: "dcgm-exporter",
      version: helmCharts.dcgmExporter.version,
    });
    expect(withDcgm.addons.local("dcgm_exporter_values")).toEqual({
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [gpuToleration],
      serviceMonitor: { enabled: false },
    });
  });

  test("controllers stay off GPU nodes: none of them tolerates the GPU taint", () => {
    for (const local of ["aws_load_balancer_controller_values", "cluster_autoscaler_values", "metrics_server_values"]) {
      expect(JSON.stringify(addons.local(local))).not.toContain("nvidia.com/gpu");
    }
  });
});

describe("gpu keeps baseline's security defaults", () => {
  test("KMS secrets encryption, private endpoint, Pod Identity for controllers", () => {
    const eks = cluster.resource("aws_eks_cluster", "this");
    expect(eks.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: "${aws_kms_key.cluster.arn}" } });
    expect(eks.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.variable("endpoint_public_access").default).toBe(false);
    expect(cluster.resources("aws_eks_addon").eks_pod_identity_agent).toBeDefined();
  });
});

describe("gpu settings", () => {
  const group = (instanceTypes: string[]) => ({ gpuNodeGroups: { gpu: { instanceTypes, maxSize: 2 } } });
  test.each([
    [group(["g6.xlarge", "m5.large", "c6i.xlarge"]), "gpuNodeGroups.gpu.instanceTypes: m5.large, c6i.xlarge are not NVIDIA GPU instance types this blueprint knows (families: g4dn, g5, g6, gr6, g6e, p3, p3dn, p4d, p4de, p5, p5e, p5en, p6-b200)"],
    [group(["inf2.xlarge"]), "gpuNodeGroups.gpu.instanceTypes: inf2.xlarge is not an NVIDIA GPU instance type"],
    [group(["g5g.xlarge"]), "gpuNodeGroups.gpu.instanceTypes: g5g.xlarge: g5g is Graviton (arm64) with NVIDIA T4G GPUs and needs arm64 NVIDIA AMIs"],
    [group(["g5.xlarge", "g5.12xlarge"]), "gpuNodeGroups.gpu.instanceTypes: mixes instance types with 1 and 4 GPUs; one group must have one GPU count"],
    [group(["g6.3xlarge"]), "gpuNodeGroups.gpu.instanceTypes: g6.3xlarge is not an NVIDIA GPU instance type"],
    [{ gpuNodeGroups: { gpu: { instanceTypes: ["g6.xlarge"], maxSize: 2, amiType: "AL2023_x86_64_STANDARD" } } }, "gpuNodeGroups.gpu.amiType:"],
    [{ gpuNodeGroups: { system: { instanceTypes: ["g6.xlarge"], maxSize: 2 } } }, "gpuNodeGroups.system: system is also a CPU node group"],
    [{ gpuNodeGroups: {} }, "gpuNodeGroups: must define at least one GPU node group"],
    [{ gpuNodeGroups: { gpu: { instanceTypes: ["g6.xlarge"], maxSize: 2, taints: [] } } }, "gpuNodeGroups.gpu.taints: unknown setting"],
  ])("%j is rejected", (settings, message) => {
    expect(errorFor(settings)).toContain(message);
  });

  test("p4d and p5 are allowed (8 GPUs each)", () => {
    const big = synth({ gpuNodeGroups: { training: { instanceTypes: ["p5.48xlarge", "p4d.24xlarge"], maxSize: 2 } } });
    expect((big.cluster.variable("node_groups").default as Record<string, Json>).training.node_template_resources).toEqual({ "nvidia.com/gpu": "8" });
  });
});

describe("gpu: EFA node groups (efa: true)", () => {
  const efaSettings = {
    gpuNodeGroups: {
      gpu: { instanceTypes: ["g6.xlarge"], maxSize: 2 },
      training: { instanceTypes: ["p5.48xlarge"], maxSize: 4, efa: true },
    },
  };
  const efa = synth(efaSettings);
  const efaGroups = efa.cluster.variable("node_groups").default as Record<string, Json>;

  test("the EFA group carries its interface count, the EFA label and the EFA resource for the autoscaler", () => {
    expect(efaGroups.training).toMatchObject({ efa_interfaces: 32, instance_types: ["p5.48xlarge"] });
    expect(efaGroups.training.labels["vpc.amazonaws.com/efa.present"]).toBe("true");
    expect(efaGroups.training.node_template_resources).toEqual({ "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32" });
    expect(efaGroups.gpu.efa_interfaces).toBeUndefined();
    expect(efaGroups.gpu.labels["vpc.amazonaws.com/efa.present"]).toBeUndefined();
    expect(efa.cluster.variable("node_groups").type).toContain("efa_interfaces             = optional(number, 0)");
  });

  test("a cluster placement group per EFA group", () => {
    const pg = efa.cluster.resource("aws_placement_group", "efa");
    expect(pg).toMatchObject({ for_each: "${local.efa_node_groups}", strategy: "cluster", name: "${aws_eks_cluster.this.name}-${each.key}" });
    expect(efa.cluster.local("efa_node_groups")).toBe("${{ for name, g in var.node_groups : name => g if g.efa_interfaces > 0 }}");
    expect(pg.lifecycle.precondition[0].condition).toBe("${local.efa_availability_zones[each.key] != null}");
  });

  test("the EFA group's subnets are those of the first zone offering its type", () => {
    expect(efa.cluster.data("aws_ec2_instance_type_offerings", "efa")).toEqual({
      for_each: "${local.efa_node_groups}",
      location_type: "availability-zone",
      filter: [{ name: "instance-type", values: "${each.value.instance_types}" }],
    });
    expect(efa.cluster.local("efa_node_subnet_ids")).toBe("${aws_subnet.private[*].id}");
    expect(efa.cluster.local("efa_node_subnet_zones")).toBe("${aws_subnet.private[*].availability_zone}");
    expect(efa.cluster.local("efa_availability_zones")).toContain(
      "try([for az in sort(data.aws_ec2_instance_type_offerings.efa[name].locations) : az if contains(local.efa_node_subnet_zones, az)][0], null)",
    );
    expect(efa.cluster.local("efa_subnet_ids")).toBe(
      "${{ for name, az in local.efa_availability_zones : name => [for i, id in local.efa_node_subnet_ids : id if local.efa_node_subnet_zones[i] == az] }}",
    );
    expect(efa.cluster.resource("aws_eks_node_group", "this").subnet_ids).toBe("${lookup(local.efa_subnet_ids, each.key, local.efa_node_subnet_ids)}");
  });

  test("an existing VPC: the subnets' zones are read with aws_subnet data sources", () => {
    const existing = synth({
      ...efaSettings,
      network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
    });
    expect(existing.cluster.data("aws_subnet", "efa_node")).toEqual({ for_each: "${toset(var.private_subnet_ids)}", id: "${each.value}" });
    expect(existing.cluster.local("efa_node_subnet_zones")).toBe("${[for id in local.efa_node_subnet_ids : data.aws_subnet.efa_node[id].availability_zone]}");
  });

  test("an EFA security group allowing all traffic to and from itself", () => {
    expect(efa.cluster.resource("aws_security_group", "efa")).toMatchObject({ vpc_id: "${aws_vpc.this.id}" });
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
      expect(efa.cluster.resource(type, "efa_self")).toMatchObject({
        security_group_id: "${aws_security_group.efa.id}",
        referenced_security_group_id: "${aws_security_group.efa.id}",
        ip_protocol: "-1",
      });
    }
  });

  test("launch templates get EFA interfaces and the placement group from the variable (none for other groups)", () => {
    const template = efa.cluster.resource("aws_launch_template", "node");
    expect(template.dynamic.network_interfaces).toEqual({
      for_each: "${range(each.value.efa_interfaces)}",
      content: {
        network_card_index: "${network_interfaces.value}",
        device_index: "${network_interfaces.value == 0 ? 0 : 1}",
        interface_type: "efa",
        delete_on_termination: "true",
        security_groups: ["${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}", "${aws_security_group.efa.id}"],
      },
    });
    expect(template.dynamic.placement).toEqual({
      for_each: "${{ for name, pg in aws_placement_group.efa : name => pg.name if name == each.key }}",
      content: { group_name: "${placement.value}" },
    });
  });

  test("the EFA device plugin runs on EFA nodes only and tolerates the GPU taint", () => {
    expect(efa.addons.resource("helm_release", "efa_device_plugin")).toMatchObject({
      repository: "https://aws.github.io/eks-charts",
      chart: "aws-efa-k8s-device-plugin",
      version: helmCharts.efaDevicePlugin.version,
      namespace: "kube-system",
    });
    const values = efa.addons.local("efa_device_plugin_values");
    expect(values).toEqual({
      nodeSelector: { "vpc.amazonaws.com/efa.present": "true" },
      tolerations: [gpuToleration],
      supportedInstanceLabels: { keys: ["vpc.amazonaws.com/efa.present"], values: ["true"] },
    });
    for (const [name, g] of Object.entries(efaGroups)) {
      expect([name, Object.entries(values.nodeSelector).every(([k, v]) => g.labels[k] === v)]).toEqual([name, name === "training"]);
    }
  });

  test("EFA is off by default: no EFA field, resource, data source or chart", () => {
    expect(cluster.variable("node_groups").type).not.toContain("efa_interfaces");
    expect(cluster.resources("aws_placement_group")).toEqual({});
    expect(cluster.resources("aws_security_group")).toEqual({});
    expect(cluster.merged.data?.aws_ec2_instance_type_offerings).toBeUndefined();
    expect(cluster.resource("aws_launch_template", "node").dynamic).toBeUndefined();
    expect(cluster.resource("aws_eks_node_group", "this").subnet_ids).toBe("${aws_subnet.private[*].id}");
    expect(addons.resources("helm_release").efa_device_plugin).toBeUndefined();
  });

  const group = (g: Json) => ({ gpuNodeGroups: { training: { maxSize: 2, efa: true, ...g } } });
  test.each([
    [group({ instanceTypes: ["g6.xlarge"] }), "gpuNodeGroups.training.efa: g6.xlarge has no EFA this blueprint knows; EFA GPU instance types: p3dn.24xlarge, p4d.24xlarge"],
    [group({ instanceTypes: ["p5.4xlarge"] }), "gpuNodeGroups.training.efa: p5.4xlarge has no EFA"],
    [group({ instanceTypes: ["p5.48xlarge", "p5e.48xlarge"] }), "gpuNodeGroups.training.efa: needs exactly one instance type, got p5.48xlarge, p5e.48xlarge"],
  ])("%j is rejected", (settings, message) => {
    expect(errorFor(settings)).toContain(message);
  });

  // Offline terraform validate and plan (stub providers) of the EFA module, when a binary is on PATH.
  const terraform = (() => {
    try {
      return findTerraform();
    } catch {
      return undefined;
    }
  })();
  (terraform ? test : test.skip)(
    "the EFA modules pass offline validate and plan: one subnet, 32 interfaces and the placement group for the EFA group only",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gpu-efa-"));
      try {
        writeTreeAtomically(dir, generateModules([{ blueprint: gpu, settings: efaSettings }]));
        const modules = [path.join(dir, "gpu", "cluster"), path.join(dir, "gpu", "addons")];
        const validated = await validateModules(modules);
        expect(validated.map((r) => [r.dir, r.diagnostics.filter((d) => d.severity === "error")])).toEqual(modules.map((m) => [m, []]));
        const [plan] = await planModules([modules[0]], { showPlan: true });
        expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const after = (address: string) => plan.plan!.resource_changes!.find((c) => c.address === address)!.change.after as Json;
        expect(after('aws_eks_node_group.this["training"]').subnet_ids).toHaveLength(1);
        expect(after('aws_eks_node_group.this["gpu"]').subnet_ids).toHaveLength(3);
        const training = after('aws_launch_template.node["training"]');
        expect(training.network_interfaces).toHaveLength(32);
        expect(training.network_interfaces.map((n: Json) => [n.network_card_index, n.device_index, n.interface_type]).slice(0, 2)).toEqual([
          [0, 0, "efa"],
          [1, 1, "efa"],
        ]);
        expect(training.placement[0].group_name).toBe("gpu-training");
        expect(after('aws_launch_template.node["gpu"]').network_interfaces).toEqual([]);
        expect(after('aws_placement_group.efa["training"]').strategy).toBe("cluster");
        expect(plan.plan!.resource_changes!.filter((c) => c.address.startsWith("aws_placement_group.")).map((c) => c.address)).toEqual([
          'aws_placement_group.efa["training"]',
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
