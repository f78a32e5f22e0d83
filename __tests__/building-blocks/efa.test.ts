import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { EfaNodeGroups } from "../../modules/efa";
import { NodeGroups, NodeGroupVariable } from "../../modules/node-groups";
import { moduleVariable } from "../../modules/terraform";
import { minimalStack } from "./fixture";
import { evaluate, expectAccepted, expectRejected, withProbes, withTerraform } from "./hcl";

const EFA_GROUP: NodeGroupVariable = {
  instance_types: ["p5.48xlarge"],
  capacity_type: "ON_DEMAND",
  ami_type: "AL2023_x86_64_NVIDIA",
  min_size: 0,
  desired_size: 0,
  max_size: 2,
  disk_size_gib: 100,
  labels: {},
  taints: [],
  max_unavailable_percentage: 33,
  efa_interfaces: 32,
};
const SUBNETS = ["subnet-0000000a", "subnet-0000000b"];

/** EfaNodeGroups alone, on a `node_groups` variable of its own. */
function alone(subnetAvailabilityZones?: string[]) {
  const stack = minimalStack();
  const nodeGroups = moduleVariable(stack, "node_groups", { type: "map(any)", description: "groups", default: {} });
  const efa = new EfaNodeGroups(stack, "efa", {
    vpcId: "vpc-0123456789abcdef0",
    clusterSecurityGroupId: "sg-0123456789abcdef0",
    subnetAvailabilityZones,
    clusterName: "demo",
    tags: { team: "x" },
    nodeGroups,
    subnetIds: SUBNETS,
  });
  const { module, probe } = withProbes(stack, { subnets: efa.subnetIdsFor(), subnets_of_gpu: efa.subnetIdsFor('"gpu"') });
  return { efa, module, probe };
}

describe("EfaNodeGroups", () => {
  const { module, probe } = alone();

  test("the EFA groups are the node groups with efa_interfaces > 0", () => {
    expect(module.local("efa_node_groups")).toBe("${{ for name, g in var.node_groups : name => g if g.efa_interfaces > 0 }}");
    expect(Object.keys(module.files.get("efa.tf.json")!.locals)).toContain("efa_node_groups");
  });

  test("a security group allowing all traffic to and from itself only, which EFA requires", () => {
    expect(module.resource("aws_security_group", "efa")).toMatchObject({ name: "demo-efa", vpc_id: "vpc-0123456789abcdef0" });
    const self = { security_group_id: "${aws_security_group.efa.id}", referenced_security_group_id: "${aws_security_group.efa.id}", ip_protocol: "-1", tags: { team: "x" } };
    expect(module.resource("aws_vpc_security_group_ingress_rule", "efa_self")).toEqual({ ...self, description: "EFA: all traffic from the EFA security group itself" });
    expect(module.resource("aws_vpc_security_group_egress_rule", "efa_self")).toEqual({ ...self, description: "EFA: all traffic to the EFA security group itself" });
    for (const rule of [...Object.values(module.resources("aws_vpc_security_group_ingress_rule")), ...Object.values(module.resources("aws_vpc_security_group_egress_rule"))]) {
      expect(rule.cidr_ipv4).toBeUndefined();
    }
  });

  test("a cluster placement group per EFA group, failing the plan when no node subnet's zone offers the type", () => {
    const placement = module.resource("aws_placement_group", "efa");
    expect(placement).toMatchObject({ for_each: "${local.efa_node_groups}", name: "demo-${each.key}", strategy: "cluster" });
    expect(placement.lifecycle.precondition[0].condition).toBe("${local.efa_availability_zones[each.key] != null}");
    expect(placement.lifecycle.precondition[0].error_message).toContain("no availability zone of the node subnets offers %s");
  });

  test("the zone: the first, in name order, that offers the instance type and holds a node subnet", () => {
    expect(module.data("aws_ec2_instance_type_offerings", "efa")).toEqual({
      for_each: "${local.efa_node_groups}",
      location_type: "availability-zone",
      filter: [{ name: "instance-type", values: "${each.value.instance_types}" }],
    });
    expect(module.local("efa_availability_zones")).toBe(
      "${{ for name, g in local.efa_node_groups : name => try([for az in sort(data.aws_ec2_instance_type_offerings.efa[name].locations) : az if contains(local.efa_node_subnet_zones, az)][0], null) }}",
    );
    expect(module.output("efa_availability_zones").value).toBe("${local.efa_availability_zones}");
  });

  test("subnet zones: looked up per subnet when not known, taken as given when they are", () => {
    expect(module.data("aws_subnet", "efa_node")).toEqual({ for_each: '${toset(["subnet-0000000a", "subnet-0000000b"])}', id: "${each.value}" });
    expect(module.local("efa_node_subnet_zones")).toBe("${[for id in local.efa_node_subnet_ids : data.aws_subnet.efa_node[id].availability_zone]}");
    const known = alone(["${aws_subnet.private[*].availability_zone}"]).module;
    expect(known.merged.data.aws_subnet).toBeUndefined();
    expect(known.local("efa_node_subnet_zones")).toEqual(["${aws_subnet.private[*].availability_zone}"]);
  });

  test("subnetIdsFor: the zone's subnets for an EFA group, all node subnets for the others", () => {
    expect(probe).toEqual({
      subnets: "${lookup(local.efa_subnet_ids, each.key, local.efa_node_subnet_ids)}",
      subnets_of_gpu: '${lookup(local.efa_subnet_ids, "gpu", local.efa_node_subnet_ids)}',
    });
  });

  withTerraform("Terraform's value of the per-group subnets", () => {
    test("an EFA group gets the subnets of its zone; the zone is null when none offers the type", () => {
      const { module: known } = alone(["us-east-1b", "us-east-1a"]);
      // The offerings stand in as a local: the expression over them is the module's own.
      const withOfferings = {
        ...known,
        merged: {
          ...known.merged,
          locals: {
            ...known.merged.locals,
            efa_availability_zones: String(known.local("efa_availability_zones")).replace(
              "data.aws_ec2_instance_type_offerings.efa[name].locations",
              "local.offerings[name]",
            ),
            offerings: { gpu: ["us-east-1c", "us-east-1b", "us-east-1a"], other: ["us-east-1d"] },
          },
        },
      };
      const values = { node_groups: { gpu: { efa_interfaces: 32 }, other: { efa_interfaces: 1 }, plain: { efa_interfaces: 0 } } };
      expect(evaluate(withOfferings, values, "local.efa_availability_zones")).toEqual({ gpu: "us-east-1a", other: null });
      expect(evaluate(withOfferings, values, "local.efa_subnet_ids")).toEqual({ gpu: ["subnet-0000000b"], other: [] });
    });
  });
});

describe("NodeGroups with EFA", () => {
  const stack = minimalStack();
  new NodeGroups(stack, "node_groups", {
    clusterName: "demo",
    namePrefix: "demo",
    kubernetesVersion: "1.35",
    tags: {},
    partition: "aws",
    subnetIds: SUBNETS,
    nodeGroups: { efa: EFA_GROUP },
    dependsOn: [new IamRole(stack, "cni", { assumeRolePolicy: "{}" })],
    efa: { vpcId: "vpc-0123456789abcdef0", clusterSecurityGroupId: "sg-0123456789abcdef0" },
  });
  const { module } = withProbes(stack, {});

  test("the launch template gets one EFA interface per network card, on the cluster and EFA security groups", () => {
    expect(module.resource("aws_launch_template", "node").dynamic).toEqual({
      network_interfaces: {
        for_each: "${range(each.value.efa_interfaces)}",
        content: {
          network_card_index: "${network_interfaces.value}",
          device_index: "${network_interfaces.value == 0 ? 0 : 1}",
          interface_type: "efa",
          delete_on_termination: "true",
          security_groups: ["sg-0123456789abcdef0", "${aws_security_group.efa.id}"],
        },
      },
      placement: {
        for_each: "${{ for name, pg in aws_placement_group.efa : name => pg.name if name == each.key }}",
        content: { group_name: "${placement.value}" },
      },
    });
  });

  test("the node groups take their subnets through the EFA lookup; the variable gains efa_interfaces", () => {
    expect(module.resource("aws_eks_node_group", "this").subnet_ids).toBe("${lookup(local.efa_subnet_ids, each.key, local.efa_node_subnet_ids)}");
    expect(module.variable("node_groups").type).toContain("efa_interfaces             = optional(number, 0)");
  });

  withTerraform("Terraform rejects bad EFA node groups", () => {
    const groups = (g: Partial<Record<keyof NodeGroupVariable, unknown>>) => ({ node_groups: { efa: { ...EFA_GROUP, ...g } } });
    test.each([
      ["efa_interfaces must be a whole number, 0 or more.", groups({ efa_interfaces: -1 })],
      ["efa_interfaces must be a whole number, 0 or more.", groups({ efa_interfaces: 1.5 })],
      ["A node group with efa_interfaces > 0 must list exactly one instance type", groups({ instance_types: ["p5.48xlarge", "p5e.48xlarge"] })],
    ])("%s", (message, values) => expectRejected(module, values, message));

    test("and accepts several instance types without EFA", () => expectAccepted(module, groups({ efa_interfaces: 0, instance_types: ["g6.xlarge", "g5.xlarge"] })));
  });
});
