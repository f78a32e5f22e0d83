import { ITerraformDependable } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { NodeGroups, NodeGroupsProps, NodeGroupVariable } from "../../modules/node-groups";
import { AMI_TYPES } from "../../modules/rules";
import { minimalStack } from "./fixture";
import { evaluate, expectAccepted, expectRejected, jsonencoded, withProbes, withTerraform } from "./hcl";

const GROUP: NodeGroupVariable = {
  instance_types: ["m6i.large"],
  capacity_type: "ON_DEMAND",
  ami_type: "AL2023_x86_64_STANDARD",
  min_size: 1,
  desired_size: 2,
  max_size: 3,
  disk_size_gib: 50,
  labels: { "node-role": "system" },
  taints: [{ key: "CriticalAddonsOnly", effect: "NO_SCHEDULE" }],
  max_unavailable_percentage: 33,
};

function build(props: Partial<Omit<NodeGroupsProps, "dependsOn">> = {}) {
  const stack = minimalStack();
  const cni: ITerraformDependable = new IamRole(stack, "cni", { assumeRolePolicy: "{}" });
  const groups = new NodeGroups(stack, "node_groups", {
    clusterName: "demo",
    namePrefix: "demo",
    kubernetesVersion: "${var.kubernetes_version}",
    tags: { team: "x" },
    partition: "aws",
    subnetIds: ["subnet-0000000a", "subnet-0000000b"],
    nodeGroups: { system: GROUP },
    dependsOn: [cni],
    ...props,
  });
  const { module, probe } = withProbes(stack, { role: groups.nodeRole.role.arn });
  return { module, probe, group: module.resource("aws_eks_node_group", "this"), template: module.resource("aws_launch_template", "node") };
}

describe("NodeGroups", () => {
  const { module, group, template } = build();

  test("node_groups: the prop is its default; the type has no node-template or EFA field unless asked for", () => {
    const variable = module.variable("node_groups");
    expect(variable.default).toEqual({ system: GROUP });
    expect(variable.type).not.toContain("node_template_resources");
    expect(variable.type).not.toContain("efa_interfaces");
    expect(variable.type).toContain('ami_type                   = optional(string, "AL2023_x86_64_STANDARD")');
    expect(build({ nodeTemplateTags: true }).module.variable("node_groups").type).toContain("node_template_resources    = optional(map(string), {})");
  });

  test("the launch template: IMDSv2 with hop limit 1, encrypted gp3 root volume, tags on instances, volumes and ENIs", () => {
    expect(template.for_each).toBe("${var.node_groups}");
    expect(template.name).toBe("demo-${each.key}");
    expect(template.update_default_version).toBe(true);
    expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
    expect(template.block_device_mappings).toEqual([
      {
        device_name: '${startswith(each.value.ami_type, "BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda"}',
        ebs: { volume_size: "${each.value.disk_size_gib}", volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
      },
    ]);
    expect(template.tag_specifications.map((t: { resource_type: string }) => t.resource_type)).toEqual(["instance", "volume", "network-interface"]);
    expect(template.tag_specifications[0].tags).toBe('${merge({"team" = "x"}, {"Name" = "demo-${each.key}"})}');
    expect(template.dynamic).toBeUndefined();
  });

  test("the node role: EC2 only, worker + ECR read-only + SSM; not the CNI policy (vpc-cni has its own role)", () => {
    const role = module.resource("aws_iam_role", "node");
    expect(role.name).toBe("demo-node");
    expect(jsonencoded(role.assume_role_policy).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(Object.values(module.resource("aws_iam_role_policy_attachment", "node").for_each).sort()).toEqual([
      "AmazonEC2ContainerRegistryReadOnly",
      "AmazonEKSWorkerNodePolicy",
      "AmazonSSMManagedInstanceCore",
    ]);
    expect(module.merged.moved.map((m: { from: string }) => m.from)).toEqual([
      "aws_iam_role_policy_attachment.node_ecr_read_only",
      "aws_iam_role_policy_attachment.node_ssm",
      "aws_iam_role_policy_attachment.node_worker_node",
    ]);
  });

  test("the node group: one per entry, a name prefix and create-before-destroy, desired size left to the autoscaler", () => {
    expect(group).toMatchObject({
      for_each: "${var.node_groups}",
      cluster_name: "demo",
      node_group_name_prefix: "${each.key}-",
      node_role_arn: "${aws_iam_role.node.arn}",
      subnet_ids: ["subnet-0000000a", "subnet-0000000b"],
      version: "${var.kubernetes_version}",
      ami_type: "${each.value.ami_type}",
      capacity_type: "${each.value.capacity_type}",
      instance_types: "${each.value.instance_types}",
      labels: "${each.value.labels}",
      scaling_config: { min_size: "${each.value.min_size}", desired_size: "${each.value.desired_size}", max_size: "${each.value.max_size}" },
      update_config: { max_unavailable_percentage: "${each.value.max_unavailable_percentage}" },
      launch_template: { id: "${aws_launch_template.node[each.key].id}", version: "${aws_launch_template.node[each.key].latest_version}" },
      lifecycle: { create_before_destroy: true, ignore_changes: ["scaling_config[0].desired_size"] },
    });
    expect(group.dynamic.taint).toEqual({
      for_each: "${each.value.taints}",
      content: { key: "${taint.value.key}", value: "${taint.value.value}", effect: "${taint.value.effect}" },
    });
    expect(group.taint).toBeUndefined();
  });

  test("waits for what the nodes need (the CNI) and for the node role's policies", () => {
    expect(group.depends_on).toEqual(["aws_iam_role.cni", "aws_iam_role_policy_attachment.node"]);
  });

  test("Cluster Autoscaler auto-discovery tags, keyed by the cluster name, merged into the user's tags", () => {
    expect(module.local("cluster_autoscaler_discovery_tags")).toEqual({ "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/demo": "owned" });
    expect(group.tags).toBe('${merge({"team" = "x"}, local.cluster_autoscaler_discovery_tags)}');
  });

  test("outputs: the node role ARN and the groups' ARNs by name", () => {
    expect(module.output("node_role_arn").value).toBe("${aws_iam_role.node.arn}");
    expect(module.output("node_group_arns").value).toBe("${{ for name, group in aws_eks_node_group.this : name => group.arn }}");
  });

  test("without nodeTemplateTags: no ASG tags", () => {
    expect(module.resources("aws_autoscaling_group_tag")).toEqual({});
    expect(module.merged.locals.cluster_autoscaler_node_template_tags).toBeUndefined();
  });

  describe("with nodeTemplateTags", () => {
    const tagged = build({
      nodeTemplateTags: true,
      nodeGroups: { gpu: { ...GROUP, min_size: 0, desired_size: 0, node_template_resources: { "nvidia.com/gpu": "1" } } },
    }).module;

    test("one aws_autoscaling_group_tag per label, taint and resource, on the ASG EKS made, not propagated", () => {
      expect(tagged.resource("aws_autoscaling_group_tag", "node_template")).toEqual({
        for_each: "${local.cluster_autoscaler_node_template_tags}",
        autoscaling_group_name: "${aws_eks_node_group.this[each.value.node_group].resources[0].autoscaling_groups[0].name}",
        tag: { key: "${each.value.key}", value: "${each.value.value}", propagate_at_launch: false },
      });
    });

    withTerraform("Terraform's value of the tags", () => {
      test("labels, taints (Kubernetes effect spelling, empty value) and resources of every group", () => {
        const groups = {
          gpu: { ...GROUP, labels: { "nvidia.com/gpu.present": "true" }, taints: [{ key: "nvidia.com/gpu", effect: "NO_SCHEDULE" }], node_template_resources: { "nvidia.com/gpu": "8" } },
          spot: { ...GROUP, labels: {}, taints: [{ key: "spot", value: "yes", effect: "PREFER_NO_SCHEDULE" }] },
        };
        const prefix = "k8s.io/cluster-autoscaler/node-template";
        expect(evaluate(tagged, { node_groups: groups }, "local.cluster_autoscaler_node_template_tags", ["cluster_autoscaler_node_template_tags"])).toEqual({
          "gpu/label/nvidia.com/gpu.present": { node_group: "gpu", key: `${prefix}/label/nvidia.com/gpu.present`, value: "true" },
          "gpu/taint/nvidia.com/gpu": { node_group: "gpu", key: `${prefix}/taint/nvidia.com/gpu`, value: ":NoSchedule" },
          "gpu/resources/nvidia.com/gpu": { node_group: "gpu", key: `${prefix}/resources/nvidia.com/gpu`, value: "8" },
          "spot/taint/spot": { node_group: "spot", key: `${prefix}/taint/spot`, value: "yes:PreferNoSchedule" },
        });
      });

      test("no groups, no tags", () => {
        expect(evaluate(tagged, { node_groups: {} }, "local.cluster_autoscaler_node_template_tags", ["cluster_autoscaler_node_template_tags"])).toEqual({});
      });
    });
  });

  withTerraform("Terraform rejects bad node groups", () => {
    const groups = (g: Partial<Record<keyof NodeGroupVariable, unknown>>, name = "system") => ({ node_groups: { [name]: { ...GROUP, ...g } } });
    test.each([
      ["node_groups names must be 1-30 characters", groups({}, "System")],
      ["node_groups names must be 1-30 characters", groups({}, `g${"x".repeat(30)}`)],
      ["Every node group must satisfy min_size <= desired_size <= max_size.", groups({ min_size: 3, desired_size: 2 })],
      ["Every node group must satisfy min_size <= desired_size <= max_size.", groups({ desired_size: 4 })],
      ["Every node group must list at least one instance type.", groups({ instance_types: [] })],
      ["capacity_type must be ON_DEMAND or SPOT.", groups({ capacity_type: "RESERVED" })],
      [`ami_type must be one of ${AMI_TYPES.join(", ")}.`, groups({ ami_type: "AL2_x86_64" })],
      ["taint effects must be one of", groups({ taints: [{ key: "a", effect: "NoSchedule" }] })],
      ["disk_size_gib must be at least 20.", groups({ disk_size_gib: 19 })],
    ])("%s", (message, values) => expectRejected(module, values, message));

    test("and accepts a 30-character name, groups scaled to zero, SPOT and Bottlerocket", () =>
      expectAccepted(module, groups({ min_size: 0, desired_size: 0, max_size: 1, capacity_type: "SPOT", ami_type: "BOTTLEROCKET_ARM_64", instance_types: ["m7g.large"] }, `g${"x".repeat(29)}`)));
  });
});
