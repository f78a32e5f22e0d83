import { CreatedNetwork, CreatedNetworkProps, ExistingNetwork } from "../../modules/network";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../../modules/aws-limits";
import { LOG_RETENTION_DAYS } from "../../modules/rules";
import { minimalStack } from "./fixture";
import { expectAccepted, expectRejected, jsonencoded, withProbes, withTerraform } from "./hcl";

const PROPS: CreatedNetworkProps = {
  clusterName: "demo",
  namePrefix: "demo",
  accountId: "123456789012",
  region: "us-east-1",
  tags: { team: "x" },
  partition: "aws",
  vpcCidr: "10.0.0.0/16",
  availabilityZoneCount: 3,
  natGateways: "single",
  intraSubnets: true,
  flowLogRetentionDays: 90,
};

function created(props: Partial<CreatedNetworkProps> = {}) {
  const stack = minimalStack();
  const network = new CreatedNetwork(stack, "network", { ...PROPS, ...props });
  const { module, probe } = withProbes(stack, {
    control_plane: network.controlPlaneSubnetIds,
    private: network.privateSubnetIds,
    public: network.publicSubnetIds,
    private_zones: network.privateSubnetAvailabilityZones,
    vpc: network.vpcId,
  });
  return { network, module, probe };
}

describe("CreatedNetwork", () => {
  const { module, probe } = created();

  test("its resources go to network.tf.json; the account and region lookups to main.tf.json", () => {
    expect(Object.keys(module.files.get("network.tf.json")!.resource).sort()).toEqual([
      "aws_cloudwatch_log_group",
      "aws_default_security_group",
      "aws_eip",
      "aws_flow_log",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_internet_gateway",
      "aws_kms_key",
      "aws_nat_gateway",
      "aws_route",
      "aws_route_table",
      "aws_route_table_association",
      "aws_subnet",
      "aws_vpc",
    ]);
    expect(Object.keys(module.files.get("main.tf.json")!.data).sort()).toEqual(["aws_caller_identity", "aws_region"]);
  });

  test("the props are the variables' defaults, each with its validation", () => {
    expect(module.variable("vpc_cidr")).toMatchObject({ type: "string", default: "10.0.0.0/16", nullable: false });
    expect(module.variable("availability_zone_count")).toMatchObject({ type: "number", default: 3, nullable: false });
    expect(module.variable("nat_gateway_mode")).toMatchObject({ type: "string", default: "single" });
    expect(created({ natGateways: "onePerAz" }).module.variable("nat_gateway_mode").default).toBe("one_per_az");
    expect(module.variable("flow_log_retention_days")).toMatchObject({ type: "number", default: 90 });
    expect(module.variable("flow_log_retention_days").validation).toEqual([
      {
        condition: `\${contains([${LOG_RETENTION_DAYS.join(", ")}], var.flow_log_retention_days)}`,
        error_message: `flow_log_retention_days must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(", ")}.`,
      },
    ]);
  });

  test("zones: the region's own, without those EKS refuses, and at least as many as asked for", () => {
    const zones = module.data("aws_availability_zones", "available");
    expect(zones.state).toBe("available");
    expect(zones.filter).toEqual([{ name: "opt-in-status", values: ["opt-in-not-required"] }]);
    expect(zones.exclude_zone_ids).toEqual([...EKS_UNSUPPORTED_ZONE_IDS]);
    expect(zones.lifecycle.postcondition[0].condition).toBe("${length(self.names) >= var.availability_zone_count}");
    // Indexed, not element(): element() would wrap around and put two subnets in one zone.
    for (const subnet of Object.values(module.resources("aws_subnet"))) {
      expect(subnet.availability_zone).toBe("${data.aws_availability_zones.available.names[count.index]}");
      expect(subnet.count).toBe("${var.availability_zone_count}");
    }
  });

  test("subnet plan: private /p+3 blocks 0-5, public in block 6, intra in block 7; no public IPs on launch", () => {
    const subnets = module.resources("aws_subnet");
    expect(subnets.private.cidr_block).toBe("${cidrsubnet(var.vpc_cidr, 3, count.index)}");
    expect(subnets.public.cidr_block).toBe("${cidrsubnet(cidrsubnet(var.vpc_cidr, 3, 6), 5, count.index)}");
    expect(subnets.intra.cidr_block).toBe("${cidrsubnet(cidrsubnet(var.vpc_cidr, 3, 7), 5, count.index)}");
    expect(subnets.public.map_public_ip_on_launch).toBe(false);
    expect(subnets.public.tags).toContain('"kubernetes.io/role/elb" = "1"');
    expect(subnets.private.tags).toContain('"kubernetes.io/role/internal-elb" = "1"');
    expect(subnets.intra.tags).not.toContain("kubernetes.io/role");
  });

  test("the default security group is managed without rules (AWS's allow-all-within-group removed)", () => {
    const sg = module.resource("aws_default_security_group", "default");
    expect(sg).toEqual({ vpc_id: "${aws_vpc.this.id}", tags: '${merge({"team" = "x"}, {"Name" = "demo-default-closed"})}' });
    expect(module.resource("aws_vpc", "this")).toMatchObject({ cidr_block: "${var.vpc_cidr}", enable_dns_support: true, enable_dns_hostnames: true });
  });

  test("routes: public to the internet gateway; private to one NAT gateway or one per zone; intra nowhere", () => {
    const routes = module.resources("aws_route");
    expect(Object.keys(routes).sort()).toEqual(["private_nat", "public_internet"]);
    expect(routes.public_internet).toEqual({
      route_table_id: "${aws_route_table.public.id}",
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: "${aws_internet_gateway.this.id}",
    });
    expect(routes.private_nat.nat_gateway_id).toBe('${aws_nat_gateway.this[var.nat_gateway_mode == "single" ? 0 : count.index].id}');
    const natCount = '${var.nat_gateway_mode == "single" ? 1 : var.availability_zone_count}';
    expect(module.resource("aws_nat_gateway", "this")).toMatchObject({
      count: natCount,
      subnet_id: "${aws_subnet.public[count.index].id}",
      allocation_id: "${aws_eip.nat[count.index].id}",
      depends_on: ["aws_internet_gateway.this"],
    });
    expect(module.resource("aws_eip", "nat")).toMatchObject({ count: natCount, domain: "vpc" });
    expect(module.resource("aws_route_table_association", "intra")).toMatchObject({
      route_table_id: "${aws_route_table.intra.id}",
      subnet_id: "${aws_subnet.intra[count.index].id}",
    });
  });

  test("the control plane uses the intra subnets when there are some, else the private ones", () => {
    expect(probe).toEqual({
      control_plane: "${aws_subnet.intra[*].id}",
      private: "${aws_subnet.private[*].id}",
      public: "${aws_subnet.public[*].id}",
      private_zones: "${aws_subnet.private[*].availability_zone}",
      vpc: "${aws_vpc.this.id}",
    });
    const without = created({ intraSubnets: false });
    expect(without.probe.control_plane).toBe("${aws_subnet.private[*].id}");
    expect(without.module.resources("aws_subnet").intra).toBeUndefined();
    expect(without.module.resources("aws_route_table").intra).toBeUndefined();
    expect(without.module.resources("aws_route_table_association").intra).toBeUndefined();
  });

  test("flow logs: all traffic, to a KMS-encrypted log group with the variable's retention", () => {
    expect(module.resource("aws_flow_log", "this")).toMatchObject({
      vpc_id: "${aws_vpc.this.id}",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: "${aws_cloudwatch_log_group.flow_logs.arn}",
      iam_role_arn: "${aws_iam_role.flow_logs.arn}",
      max_aggregation_interval: 60,
    });
    expect(module.resource("aws_cloudwatch_log_group", "flow_logs")).toEqual({
      name: "/aws/vpc-flow-log/demo",
      retention_in_days: "${var.flow_log_retention_days}",
      kms_key_id: "${aws_kms_key.flow_logs.arn}",
      tags: { team: "x" },
    });
    const key = module.resource("aws_kms_key", "flow_logs");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(jsonencoded(key.policy).Statement[1].Condition).toEqual({
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn":
          "arn:aws:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/vpc-flow-log/demo",
      },
    });
  });

  test("the flow log role: only this account's flow logs in this region may assume it; it writes to its one log group", () => {
    const role = module.resource("aws_iam_role", "flow_logs");
    expect(role.name).toBe("demo-vpc-flow-logs");
    expect(jsonencoded(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
          },
        },
      ],
    });
    const policy = module.resource("aws_iam_role_policy", "flow_logs");
    expect(policy.role).toBe("${aws_iam_role.flow_logs.id}");
    expect(jsonencoded(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
          Resource: ["${aws_cloudwatch_log_group.flow_logs.arn}", "${aws_cloudwatch_log_group.flow_logs.arn}:*"],
        },
      ],
    });
    expect(module.resources("aws_iam_role_policy_attachment")).toEqual({});
  });

  withTerraform("Terraform rejects bad values of its variables", () => {
    test.each([
      [{ vpc_cidr: "10.0.0.0" }, "vpc_cidr must be an IPv4 CIDR block such as 10.0.0.0/16."],
      [{ vpc_cidr: "10.0.0.0/24" }, "vpc_cidr must have a prefix between /16 and /20."],
      [{ availability_zone_count: 1 }, "availability_zone_count must be a whole number from 2 to 6."],
      [{ availability_zone_count: 2.5 }, "availability_zone_count must be a whole number from 2 to 6."],
      [{ nat_gateway_mode: "onePerAz" }, 'nat_gateway_mode must be "single" or "one_per_az".'],
      [{ flow_log_retention_days: 10 }, "flow_log_retention_days must be one of the CloudWatch Logs retention periods"],
    ])("%j", (values, message) => expectRejected(module, values, message));

    test("and accepts the edges", () =>
      expectAccepted(module, { vpc_cidr: "172.16.0.0/20", availability_zone_count: 6, nat_gateway_mode: "one_per_az", flow_log_retention_days: 3653 }));
  });
});

describe("ExistingNetwork", () => {
  const stack = minimalStack();
  const network = new ExistingNetwork(stack, "network", {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
    publicSubnetIds: ["subnet-0000000c"],
  });
  const { module, probe } = withProbes(stack, {
    vpc: network.vpcId,
    private: network.privateSubnetIds,
    public: network.publicSubnetIds,
    control_plane: network.controlPlaneSubnetIds,
    control_plane_zones: `\${${network.controlPlaneSubnetZones}}`,
  });

  test("creates nothing: the ids are variables, defaulted from the props", () => {
    expect(module.merged.resource).toBeUndefined();
    expect(probe.vpc).toBe("${var.vpc_id}");
    expect(probe.private).toBe("${var.private_subnet_ids}");
    expect(probe.public).toBe("${var.public_subnet_ids}");
    expect(module.variable("vpc_id")).toMatchObject({ type: "string", default: "vpc-0123456789abcdef0" });
    expect(module.variable("private_subnet_ids")).toMatchObject({ type: "list(string)", default: ["subnet-0000000a", "subnet-0000000b"] });
    expect(module.variable("public_subnet_ids")).toMatchObject({ type: "list(string)", default: ["subnet-0000000c"] });
    expect(module.variable("control_plane_subnet_ids")).toMatchObject({ type: "list(string)", default: [] });
  });

  test("the control plane takes control_plane_subnet_ids, or the private subnets when it is empty", () => {
    expect(module.local("control_plane_subnet_ids")).toBe(
      "${length(var.control_plane_subnet_ids) > 0 ? var.control_plane_subnet_ids : var.private_subnet_ids}",
    );
    expect(probe.control_plane).toBe("${local.control_plane_subnet_ids}");
  });

  test("each control-plane subnet is looked up; one in a zone EKS refuses fails the plan; its zones go to the cluster", () => {
    const subnet = module.data("aws_subnet", "control_plane");
    expect(subnet.for_each).toBe("${toset(local.control_plane_subnet_ids)}");
    expect(subnet.id).toBe("${each.value}");
    expect(subnet.lifecycle.postcondition[0].condition).toBe(`\${!contains(${JSON.stringify(EKS_UNSUPPORTED_ZONE_IDS)}, self.availability_zone_id)}`);
    expect(probe.control_plane_zones).toBe("${[for s in data.aws_subnet.control_plane : s.availability_zone]}");
  });

  withTerraform("Terraform rejects bad values of its variables", () => {
    test.each([
      [{ vpc_id: "vpc-xyz" }, "vpc_id must be a VPC id (vpc-...)."],
      [{ private_subnet_ids: ["subnet-0000000a"] }, "private_subnet_ids must list at least 2 subnet ids (subnet-...)."],
      [{ private_subnet_ids: ["subnet-0000000a", "sn-0000000b"] }, "private_subnet_ids must list at least 2 subnet ids (subnet-...)."],
      [{ control_plane_subnet_ids: ["subnet-0000000g"] }, "control_plane_subnet_ids must list at least 0 subnet ids (subnet-...)."],
      [{ public_subnet_ids: ["subnet-0000000a"] }, "A subnet cannot be both in public_subnet_ids and private_subnet_ids"],
    ])("%j", (values, message) => expectRejected(module, values, message));

    test("and accepts no public subnets and explicit control-plane subnets", () =>
      expectAccepted(module, { public_subnet_ids: [], control_plane_subnet_ids: ["subnet-0123456789abcdef0", "subnet-0000000c"] }));
  });
});
