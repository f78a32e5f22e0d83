import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { findTerraform, quietTerraformEnv } from "../../validate/runner";
import { Json, settingsErrorFor, synthesize } from "../helpers";

const spotWorkers = {
  instanceTypes: ["m5.large", "m5a.large", "m6i.large", "m6a.large"],
  capacityType: "SPOT",
  minSize: 0,
  desiredSize: 1,
  maxSize: 10,
  labels: { "node-role": "workload" },
};
const batch = {
  instanceTypes: ["c6i.xlarge"],
  amiType: "BOTTLEROCKET_x86_64",
  amiId: "ami-0123456789abcdef0",
  minSize: 0,
  desiredSize: 0,
  maxSize: 5,
  maxUnavailablePercentage: 20,
  labels: { workload: "batch" },
  taints: [{ key: "workload", value: "batch", effect: "NoSchedule" }],
};
const settings = { selfManagedNodeGroups: { "spot-workers": spotWorkers, batch } };
const { cluster, addons } = synthesize("baseline", settings);
const asg = cluster.resource("aws_autoscaling_group", "self_managed");
const template = cluster.resource("aws_launch_template", "self_managed");

describe("self-managed node groups: off by default", () => {
  test.each(["baseline", "spot-cost-optimized", "gpu"])("%s without selfManagedNodeGroups has no self-managed variable, role or group", (name) => {
    const m = synthesize(name).cluster;
    expect(m.merged.variable.self_managed_node_groups).toBeUndefined();
    expect(m.resources("aws_autoscaling_group")).toEqual({});
    expect(Object.keys(m.resources("aws_iam_role"))).not.toContain("self_managed_node");
  });
});

describe("self-managed node groups: what the module creates", () => {
  test("the variable's default carries both groups in EKS spelling, ami_id only where one is given", () => {
    const groups = cluster.variable("self_managed_node_groups").default;
    expect(groups["spot-workers"]).toMatchObject({ capacity_type: "SPOT", ami_type: "AL2023_x86_64_STANDARD", max_unavailable_percentage: 33 });
    expect(groups["spot-workers"].ami_id).toBeUndefined();
    expect(groups.batch).toMatchObject({ ami_id: "ami-0123456789abcdef0", taints: [{ key: "workload", value: "batch", effect: "NO_SCHEDULE" }] });
  });

  test("launch template: IMDSv2 required with hop limit 1, encrypted gp3 volumes, the cluster security group, the group's own instance profile", () => {
    expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
    expect(template.dynamic.block_device_mappings.content.ebs).toEqual({ volume_size: "${block_device_mappings.value.volume_size}", volume_type: "gp3", encrypted: "true", delete_on_termination: "true" });
    expect(template.vpc_security_group_ids).toEqual(["${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}"]);
    expect(template.iam_instance_profile).toEqual({ arn: "${aws_iam_instance_profile.self_managed_node.arn}" });
    expect(cluster.resource("aws_iam_instance_profile", "self_managed_node").role).toBe("${aws_iam_role.self_managed_node.name}");
    expect(template.image_id).toBe("${each.value.ami_id != null ? each.value.ami_id : data.aws_ssm_parameter.self_managed_ami[each.key].insecure_value}");
  });

  test("the AMI comes from the SSM parameter of the cluster's version and the group's AMI type, looked up only for groups without ami_id", () => {
    const lookup = cluster.data("aws_ssm_parameter", "self_managed_ami");
    expect(lookup.for_each).toBe("${{ for name, g in var.self_managed_node_groups : name => g if g.ami_id == null }}");
    const paths = cluster.local("self_managed_ami_ssm_parameters");
    expect(paths.AL2023_x86_64_STANDARD).toBe('${format("/aws/service/eks/optimized-ami/%s/amazon-linux-2023/x86_64/standard/recommended/image_id", var.kubernetes_version)}');
    expect(paths.BOTTLEROCKET_x86_64).toBe('${format("/aws/service/bottlerocket/aws-k8s-%s/x86_64/latest/image_id", var.kubernetes_version)}');
    expect(paths.BOTTLEROCKET_x86_64_NVIDIA).toBe('${format("/aws/service/bottlerocket/aws-k8s-%s-nvidia/x86_64/latest/image_id", var.kubernetes_version)}');
  });

  test("the Auto Scaling group: mixed instances, Spot price-capacity-optimized with capacity rebalance, rolling instance refresh, desired size left to the autoscaler", () => {
    expect(asg.mixed_instances_policy.instances_distribution).toEqual({
      on_demand_allocation_strategy: "prioritized",
      on_demand_base_capacity: 0,
      on_demand_percentage_above_base_capacity: '${each.value.capacity_type == "SPOT" ? 0 : 100}',
      spot_allocation_strategy: "price-capacity-optimized",
    });
    expect(asg.mixed_instances_policy.launch_template.dynamic.override).toEqual({ for_each: "${each.value.instance_types}", content: { instance_type: "${override.value}" } });
    expect(asg.mixed_instances_policy.launch_template.launch_template_specification.version).toBe("${aws_launch_template.self_managed[each.key].latest_version}");
    expect(asg.capacity_rebalance).toBe('${each.value.capacity_type == "SPOT"}');
    expect(asg.instance_refresh).toEqual({ strategy: "Rolling", preferences: { min_healthy_percentage: "${100 - each.value.max_unavailable_percentage}" } });
    expect(asg.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["desired_capacity"] });
    expect(asg.name_prefix).toBe("${each.key}-");
    expect(asg.vpc_zone_identifier).toBe("${aws_subnet.private[*].id}");
    // Nodes join only once the CNI runs and the access entry exists.
    expect(asg.depends_on).toEqual(expect.arrayContaining(["aws_eks_addon.vpc_cni", "aws_eks_access_entry.self_managed_node"]));
  });

  test("an EC2_LINUX access entry for the self-managed nodes' own role, not the managed node role EKS maps itself", () => {
    expect(cluster.resource("aws_eks_access_entry", "self_managed_node")).toEqual({
      cluster_name: "${aws_eks_cluster.this.name}",
      principal_arn: "${aws_iam_role.self_managed_node.arn}",
      type: "EC2_LINUX",
      tags: "${var.tags}",
    });
    const role = cluster.resource("aws_iam_role", "self_managed_node");
    expect(role.assume_role_policy).toContain('"Service" = "ec2.amazonaws.com"');
    expect(cluster.resource("aws_iam_role_policy_attachment", "self_managed_node").for_each).toEqual({
      AmazonEKSWorkerNodePolicy: "AmazonEKSWorkerNodePolicy",
      AmazonEC2ContainerRegistryReadOnly: "AmazonEC2ContainerRegistryReadOnly",
      AmazonSSMManagedInstanceCore: "AmazonSSMManagedInstanceCore",
    });
  });

  test("Cluster Autoscaler tags stay on the group (discovery, node-template labels and taints); cluster ownership and Name reach the instances", () => {
    expect(asg.dynamic.tag.for_each).toBe(
      '${concat([for k, v in merge(var.tags, { Name = "${aws_eks_cluster.this.name}-${each.key}", "kubernetes.io/cluster/${aws_eks_cluster.this.name}" = "owned" }) : { key = k, value = v, propagate_at_launch = true }], ' +
        "[for k, v in local.self_managed_asg_tags[each.key] : { key = k, value = v, propagate_at_launch = false }])}",
    );
    const tags = cluster.local("self_managed_asg_tags") as unknown as string;
    expect(tags).toContain('"k8s.io/cluster-autoscaler/enabled" = "true", "k8s.io/cluster-autoscaler/${aws_eks_cluster.this.name}" = "owned"');
    expect(tags).toContain('"k8s.io/cluster-autoscaler/node-template/label/${k}" => v');
    expect(tags).toContain('"k8s.io/cluster-autoscaler/node-template/taint/${t.key}" =>');
  });

  test("the autoscaler's IAM condition matches the discovery tag the groups carry", () => {
    const policy = JSON.stringify(cluster.merged);
    expect(policy).toContain("aws:ResourceTag/k8s.io/cluster-autoscaler/");
    expect(addons.resource("helm_release", "cluster_autoscaler")).toBeDefined();
  });

  test("spot-cost-optimized: the priority expander lists the self-managed groups by their ASG names, at their capacity's priority", () => {
    const spot = synthesize("spot-cost-optimized", settings).addons.variable("cluster_autoscaler_expander_priorities").default as Record<string, string[]>;
    expect(spot["20"]).toContain("^spot-workers-[0-9a-f]{26}$");
    expect(spot["10"]).toContain("^batch-[0-9a-f]{26}$");
  });
});

describe("self-managed node groups: settings", () => {
  test("the managed groups' rules apply: architecture, sizes, taints; and a valid AMI id", () => {
    expect(settingsErrorFor("baseline", { selfManagedNodeGroups: { a: { ...spotWorkers, amiType: "AL2023_ARM_64_STANDARD" } } })).toContain(
      "selfManagedNodeGroups.a.instanceTypes: m5.large, m5a.large, m6i.large, m6a.large do not match amiType AL2023_ARM_64_STANDARD",
    );
    expect(settingsErrorFor("baseline", { selfManagedNodeGroups: { a: { ...spotWorkers, minSize: 3, desiredSize: 1 } } })).toContain("selfManagedNodeGroups.a: desiredSize 1 is less than minSize 3");
    expect(settingsErrorFor("gpu", { selfManagedNodeGroups: { a: { ...batch, amiId: "ami-XYZ" } } })).toContain("selfManagedNodeGroups.a.amiId: must be an AMI id");
    expect(settingsErrorFor("spot-cost-optimized", { selfManagedNodeGroups: { Bad: spotWorkers } })).toContain("selfManagedNodeGroups.Bad: node group names must be 1-30 characters");
  });

  test("names must differ from managed (and GPU) group names", () => {
    expect(settingsErrorFor("baseline", { selfManagedNodeGroups: { general: spotWorkers } })).toContain(
      "selfManagedNodeGroups.general: general is also a managed node group; node group names must be unique",
    );
    expect(settingsErrorFor("gpu", { selfManagedNodeGroups: { gpu: spotWorkers } })).toContain("selfManagedNodeGroups.gpu: gpu is also a managed node group");
  });
});

const terraform = (() => {
  try {
    return findTerraform();
  } catch {
    return undefined;
  }
})();

/**
 * The user data Terraform renders: the module's own expression, evaluated by `terraform console` with the
 * cluster's attributes replaced by known values.
 */
function renderUserData(groups: Json): Record<string, string> {
  let expression = (cluster.local("self_managed_user_data") as unknown as string).slice(2, -1);
  const known: Record<string, string> = {
    "var.self_managed_node_groups": hclValue(groups),
    "aws_eks_cluster.this.certificate_authority[0].data": '"Q0FEQVRB"',
    "aws_eks_cluster.this.endpoint": '"https://ABCD.gr7.us-east-1.eks.amazonaws.com"',
    "aws_eks_cluster.this.name": '"demo"',
    "local.self_managed_service_cidr": '"172.20.0.0/16"',
  };
  for (const [reference, value] of Object.entries(known)) {
    expression = expression.split(`\${${reference}}`).join(`\${${value}}`).split(reference).join(value);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-data-"));
  try {
    fs.writeFileSync(path.join(dir, "main.tf"), `locals {\n  user_data = ${expression}\n}\n`);
    const result = spawnSync(terraform!, ["console"], { cwd: dir, input: "jsonencode(local.user_data)\n", env: quietTerraformEnv(), encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    const printed = result.stdout.trim();
    const encoded = JSON.parse(JSON.parse(printed) as string) as Record<string, string>;
    return Object.fromEntries(Object.entries(encoded).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function hclValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(hclValue).join(", ")}]`;
  if (typeof value === "object") return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${hclValue(v)}`).join(", ")} }`;
  return JSON.stringify(value);
}

(terraform ? describe : describe.skip)("self-managed node groups: the bootstrap user data Terraform renders", () => {
  const groups = {
    al2023: { ami_type: "AL2023_x86_64_STANDARD", labels: { "node-role": "workload", tier: "web" }, taints: [{ key: "dedicated", value: null, effect: "NO_EXECUTE" }] },
    plain: { ami_type: "AL2023_ARM_64_STANDARD", labels: {}, taints: [] },
    rocket: { ami_type: "BOTTLEROCKET_x86_64", labels: { workload: "batch" }, taints: [{ key: "workload", value: "batch", effect: "NO_SCHEDULE" }] },
  };
  let rendered: Record<string, string>;
  beforeAll(() => {
    rendered = renderUserData(groups);
  }, 60_000);

  test("AL2023: a MIME multi-part document whose one part is a nodeadm NodeConfig with the cluster's name, endpoint, CA and service CIDR", () => {
    const text = rendered.al2023;
    const [headers, ...rest] = text.split("\n\n");
    expect(headers).toBe('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="//"');
    const body = rest.join("\n\n");
    expect(body.startsWith("--//\nContent-Type: application/node.eks.aws\n\n")).toBe(true);
    expect(body.endsWith("\n--//--\n")).toBe(true);
    const nodeConfig = parseYaml(body.slice("--//\nContent-Type: application/node.eks.aws\n\n".length, -"--//--\n".length));
    expect(nodeConfig).toEqual({
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: {
        cluster: { name: "demo", apiServerEndpoint: "https://ABCD.gr7.us-east-1.eks.amazonaws.com", certificateAuthority: "Q0FEQVRB", cidr: "172.20.0.0/16" },
        kubelet: { flags: ["--node-labels=node-role=workload,tier=web", "--register-with-taints=dedicated=:NoExecute"] },
      },
    });
  });

  test("AL2023 without labels or taints: no kubelet flags", () => {
    const body = rendered.plain.split("Content-Type: application/node.eks.aws\n\n")[1].split("--//--")[0];
    expect((parseYaml(body) as { spec: { kubelet: unknown } }).spec.kubelet).toEqual({ flags: [] });
  });

  test("Bottlerocket: TOML settings with the cluster, its DNS IP (.10 of the service CIDR), labels and taints", () => {
    expect(rendered.rocket).toBe(
      [
        "[settings.kubernetes]",
        '"cluster-name" = "demo"',
        '"api-server" = "https://ABCD.gr7.us-east-1.eks.amazonaws.com"',
        '"cluster-certificate" = "Q0FEQVRB"',
        '"cluster-dns-ip" = "172.20.0.10"',
        "",
        "[settings.kubernetes.node-labels]",
        '"workload" = "batch"',
        "",
        "[settings.kubernetes.node-taints]",
        '"workload" = ["batch:NoSchedule"]',
        "",
      ].join("\n"),
    );
  });
});
