import { Construct } from "constructs";
import { Fn, propertyAccess, TerraformCount, TerraformIterator, TerraformLocal, Token } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { setModuleFile } from "./blueprint-stack";
import { ServiceRole } from "./iam";
import { logGroupKey } from "./log-encryption";
import { element, moduleVariable, ofType, splat, withName } from "./terraform";
import { derivedName } from "./names";
import { logRetentionRule } from "./rules";
import { EKS_UNSUPPORTED_ZONE_IDS } from "./aws-limits";
import { subnetRules } from "./aws-input-rules";

/** What the rest of the cluster needs to know about the network, as Terraform expressions. */
export interface NetworkRefs {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  /** Where the control plane places its network interfaces. */
  readonly controlPlaneSubnetIds: string[];
  /**
   * The zones of the control-plane subnets, when they are not the module's own (an existing VPC): the cluster
   * checks before creation that they span two zones, as EKS requires.
   */
  readonly controlPlaneSubnetZones?: string;
}

export interface CreatedNetworkProps {
  readonly clusterName: string;
  /** `local.name_prefix`, for the flow log role's name. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  /** Default of `vpc_cidr`. A /16 to /20; subnets are carved from it with cidrsubnet. */
  readonly vpcCidr: string;
  /** Default of `availability_zone_count` (2–6). */
  readonly availabilityZoneCount: number;
  /** Default of `nat_gateway_mode`: one shared NAT gateway, or one per zone. */
  readonly natGateways: "single" | "onePerAz";
  /** Whether to create /28-or-larger intra subnets (no internet route) for the control-plane ENIs. */
  readonly intraSubnets: boolean;
  /** Default of `flow_log_retention_days`. */
  readonly flowLogRetentionDays: number;
  /** Tags the private subnets get besides the module's (e.g. Karpenter's discovery tag). Default none. */
  readonly privateSubnetTags?: Readonly<Record<string, string>>;
}

/**
 * A VPC across N availability zones with public, private and (optionally) intra subnets.
 *
 * Subnet plan for a VPC of prefix /p: the VPC splits into eight /p+3 blocks. Blocks 0–5 are the
 * private subnets (one per zone, where pods take their IPs), block 6 is split into /p+8 public
 * subnets, block 7 into /p+8 intra subnets. A /16 gives /19 private, /24 public and /24 intra subnets.
 */
export class CreatedNetwork extends Construct implements NetworkRefs {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  /** The zone of each private subnet, in the order of `privateSubnetIds`. */
  readonly privateSubnetAvailabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly controlPlaneSubnetIds: string[];

  constructor(scope: Construct, id: string, props: CreatedNetworkProps) {
    super(scope, id);
    setModuleFile(this, "network");

    const vpcCidr = moduleVariable(this, "vpc_cidr", {
      type: "string",
      description: "IPv4 CIDR block of the VPC, /16 to /20. Subnets are derived from it.",
      default: props.vpcCidr,
      rules: [
        { condition: "can(cidrhost(var.vpc_cidr, 0))", message: "vpc_cidr must be an IPv4 CIDR block such as 10.0.0.0/16." },
        {
          condition: `can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20, false)`,
          message: "vpc_cidr must have a prefix between /16 and /20.",
        },
      ],
    });
    const azCount = moduleVariable(this, "availability_zone_count", {
      type: "number",
      description: "Number of availability zones to spread subnets over (2 to 6). EKS needs at least 2.",
      default: props.availabilityZoneCount,
      rules: [
        {
          condition: "var.availability_zone_count >= 2 && var.availability_zone_count <= 6 && floor(var.availability_zone_count) == var.availability_zone_count",
          message: "availability_zone_count must be a whole number from 2 to 6.",
        },
      ],
    });
    const natMode = moduleVariable(this, "nat_gateway_mode", {
      type: "string",
      description: "\"single\": one NAT gateway shared by all zones (cheapest). \"one_per_az\": one per zone, so losing a zone does not cut the others off.",
      default: props.natGateways === "single" ? "single" : "one_per_az",
      rules: [
        { condition: `contains(["single", "one_per_az"], var.nat_gateway_mode)`, message: "nat_gateway_mode must be \"single\" or \"one_per_az\"." },
      ],
    });
    const flowLogRetention = moduleVariable(this, "flow_log_retention_days", {
      type: "number",
      description: "Days to keep VPC flow logs in CloudWatch Logs.",
      default: props.flowLogRetentionDays,
      rules: [logRetentionRule("flow_log_retention_days")],
    });

    const zones = new DataAwsAvailabilityZones(this, "available", {
      state: "available",
      // Local and Wavelength zones lack EKS and NAT gateways; keep to the region's own zones.
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      // Zones where EKS refuses control-plane subnets (UnsupportedAvailabilityZoneException).
      excludeZoneIds: [...EKS_UNSUPPORTED_ZONE_IDS],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= var.${azCount.friendlyUniqueId}}`,
            errorMessage: `\${format("availability_zone_count is %d, but this region offers only %d zones EKS supports (%s); lower availability_zone_count.", var.${azCount.friendlyUniqueId}, length(self.names), join(", ", self.names))}`,
          },
        ],
      },
    });
    // Indexing, not element(): element() would wrap around and put two subnets in one zone.
    const zoneName = (index: number) => Token.asString(propertyAccess(zones.names, [index]));
    const azs = () => TerraformCount.of(azCount.numberValue);

    const vpc = new Vpc(this, "this", {
      cidrBlock: vpcCidr.stringValue,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: withName(props.tags, props.clusterName),
    });
    this.vpcId = vpc.id;

    // Managing the default security group without rules removes AWS's allow-all-within-group defaults.
    new DefaultSecurityGroup(this, "default", {
      vpcId: vpc.id,
      tags: withName(props.tags, `${props.clusterName}-default-closed`),
    });

    const igw = new InternetGateway(ofType(this, "internet_gateway"), "this", {
      vpcId: vpc.id,
      tags: withName(props.tags, props.clusterName),
    });

    const publicCount = azs();
    const publicSubnet = new Subnet(this, "public", {
      count: publicCount,
      vpcId: vpc.id,
      cidrBlock: Fn.cidrsubnet(Fn.cidrsubnet(vpcCidr.stringValue, 3, 6), 5, publicCount.index),
      availabilityZone: zoneName(publicCount.index),
      mapPublicIpOnLaunch: false,
      tags: Token.asStringMap(
        Fn.merge([props.tags, { Name: `${props.clusterName}-public-${zoneName(publicCount.index)}`, "kubernetes.io/role/elb": "1" }]),
      ),
    });
    const privateCount = azs();
    const privateSubnet = new Subnet(this, "private", {
      count: privateCount,
      vpcId: vpc.id,
      cidrBlock: Fn.cidrsubnet(vpcCidr.stringValue, 3, privateCount.index),
      availabilityZone: zoneName(privateCount.index),
      tags: Token.asStringMap(
        Fn.merge([
          props.tags,
          {
            Name: `${props.clusterName}-private-${zoneName(privateCount.index)}`,
            "kubernetes.io/role/internal-elb": "1",
            ...props.privateSubnetTags,
          },
        ]),
      ),
    });
    this.publicSubnetIds = splat(publicSubnet, "id");
    this.privateSubnetIds = splat(privateSubnet, "id");
    this.privateSubnetAvailabilityZones = splat(privateSubnet, "availability_zone");

    const publicRoutes = new RouteTable(ofType(this, "route_table"), "public", {
      vpcId: vpc.id,
      tags: withName(props.tags, `${props.clusterName}-public`),
    });
    new Route(this, "public_internet", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    const publicAssociationCount = azs();
    new RouteTableAssociation(ofType(this, "route_table_association"), "public", {
      count: publicAssociationCount,
      subnetId: element(publicSubnet, "count.index", "id"),
      routeTableId: publicRoutes.id,
    });

    const singleNat = `var.${natMode.friendlyUniqueId} == "single"`;
    const natCount = TerraformCount.of(Token.asNumber(`\${${singleNat} ? 1 : var.${azCount.friendlyUniqueId}}`));
    const natIp = new Eip(this, "nat", {
      count: natCount,
      domain: "vpc",
      tags: withName(props.tags, `${props.clusterName}-nat-${Token.asString(natCount.index)}`),
    });
    const natGatewayCount = TerraformCount.of(Token.asNumber(`\${${singleNat} ? 1 : var.${azCount.friendlyUniqueId}}`));
    const nat = new NatGateway(ofType(this, "nat_gateway"), "this", {
      count: natGatewayCount,
      allocationId: element(natIp, "count.index", "id"),
      subnetId: element(publicSubnet, "count.index", "id"),
      tags: withName(props.tags, `${props.clusterName}-nat-${Token.asString(natGatewayCount.index)}`),
      dependsOn: [igw],
    });

    const privateRouteCount = azs();
    const privateRoutes = new RouteTable(ofType(this, "route_table"), "private", {
      count: privateRouteCount,
      vpcId: vpc.id,
      tags: withName(props.tags, `${props.clusterName}-private-${zoneName(privateRouteCount.index)}`),
    });
    new Route(this, "private_nat", {
      count: azs(),
      routeTableId: element(privateRoutes, "count.index", "id"),
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: element(nat, `${singleNat} ? 0 : count.index`, "id"),
    });
    new RouteTableAssociation(ofType(this, "route_table_association"), "private", {
      count: azs(),
      subnetId: element(privateSubnet, "count.index", "id"),
      routeTableId: element(privateRoutes, "count.index", "id"),
    });

    if (props.intraSubnets) {
      const intraCount = azs();
      const intraSubnet = new Subnet(this, "intra", {
        count: intraCount,
        vpcId: vpc.id,
        cidrBlock: Fn.cidrsubnet(Fn.cidrsubnet(vpcCidr.stringValue, 3, 7), 5, intraCount.index),
        availabilityZone: zoneName(intraCount.index),
        tags: withName(props.tags, `${props.clusterName}-intra-${zoneName(intraCount.index)}`),
      });
      // No routes beyond the VPC: the control-plane ENIs need nothing outside it.
      const intraRoutes = new RouteTable(ofType(this, "route_table"), "intra", {
        vpcId: vpc.id,
        tags: withName(props.tags, `${props.clusterName}-intra`),
      });
      new RouteTableAssociation(ofType(this, "route_table_association"), "intra", {
        count: azs(),
        subnetId: element(intraSubnet, "count.index", "id"),
        routeTableId: intraRoutes.id,
      });
      this.controlPlaneSubnetIds = splat(intraSubnet, "id");
    } else {
      this.controlPlaneSubnetIds = this.privateSubnetIds;
    }

    const flowLogGroupName = `/aws/vpc-flow-log/${props.clusterName}`;
    const flowLogGroup = new CloudwatchLogGroup(this, "flow_logs", {
      name: flowLogGroupName,
      retentionInDays: flowLogRetention.numberValue,
      kmsKeyId: logGroupKey(this, "flow_logs", {
        logGroupName: flowLogGroupName,
        description: `Encryption of the VPC flow logs of EKS cluster ${props.clusterName}`,
        partition: props.partition,
        tags: props.tags,
      }).arn,
      tags: props.tags,
    });
    const flowLogRole = new ServiceRole(this, {
      address: "flow_logs",
      name: derivedName(props.namePrefix, "-vpc-flow-logs", "iamRole"),
      description: "Lets VPC Flow Logs write to the cluster's flow log group.",
      // Only flow logs of this account and region (VPC user guide, "IAM role for publishing flow logs").
      trust: {
        kind: "service",
        service: "vpc-flow-logs.amazonaws.com",
        sourceAccount: props.accountId,
        sourceArnLike: `arn:${props.partition}:ec2:${props.region}:${props.accountId}:vpc-flow-log/*`,
      },
      tags: props.tags,
      partition: props.partition,
    });
    new IamRolePolicy(ofType(this, "iam_role_policy"), "flow_logs", {
      name: "write-flow-logs",
      role: flowLogRole.role.id,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
            Resource: [flowLogGroup.arn, `${flowLogGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(ofType(this, "flow_log"), "this", {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.role.arn,
      maxAggregationInterval: 60,
      tags: withName(props.tags, props.clusterName),
    });
  }
}

export interface ExistingNetworkProps {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetIds: readonly string[];
  readonly controlPlaneSubnetIds?: readonly string[];
  /**
   * Tags to add to the existing private subnets (e.g. Karpenter's discovery tag), one `aws_ec2_tag` each.
   * Default none.
   */
  readonly privateSubnetTags?: Readonly<Record<string, string>>;
}

/** A VPC the user already has: the module takes its ids as inputs and creates nothing. */
export class ExistingNetwork extends Construct implements NetworkRefs {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  readonly controlPlaneSubnetIds: string[];
  readonly controlPlaneSubnetZones: string;

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    setModuleFile(this, "network");
    const subnetRule = (name: string, min: number): { condition: string; message: string } => ({
      condition: `length(var.${name}) >= ${min} && alltrue([for s in var.${name} : can(regex("^subnet-[0-9a-f]{8,17}$", s))])`,
      message: `${name} must list at least ${min} subnet ids (subnet-...).`,
    });
    this.vpcId = moduleVariable(this, "vpc_id", {
      type: "string",
      description: "ID of the existing VPC the cluster runs in.",
      default: props.vpcId,
      rules: [{ condition: `can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))`, message: "vpc_id must be a VPC id (vpc-...)." }],
    }).stringValue;
    this.privateSubnetIds = moduleVariable(this, "private_subnet_ids", {
      type: "list(string)",
      description: "Existing private subnets (at least two zones) for nodes and internal load balancers. Tag them kubernetes.io/role/internal-elb=1.",
      default: props.privateSubnetIds,
      rules: [subnetRule("private_subnet_ids", 2), ...subnetRules("private_subnet_ids")],
    }).listValue;
    this.publicSubnetIds = moduleVariable(this, "public_subnet_ids", {
      type: "list(string)",
      description: "Existing public subnets for internet-facing load balancers. Tag them kubernetes.io/role/elb=1.",
      default: props.publicSubnetIds,
      rules: [subnetRule("public_subnet_ids", 0), ...subnetRules("public_subnet_ids")],
    }).listValue;
    const controlPlane = moduleVariable(this, "control_plane_subnet_ids", {
      type: "list(string)",
      description: "Existing subnets for the control-plane network interfaces. Empty: the private subnets.",
      default: props.controlPlaneSubnetIds ?? [],
      rules: [subnetRule("control_plane_subnet_ids", 0), ...subnetRules("control_plane_subnet_ids")],
    });
    const chosen = `var.${controlPlane.friendlyUniqueId}`;
    // A local, so that expressions can refer to the choice (a raw expression token would nest `${}`).
    this.controlPlaneSubnetIds = new TerraformLocal(ofType(this, "locals"), "control_plane_subnet_ids", `\${length(${chosen}) > 0 ? ${chosen} : var.private_subnet_ids}`).asList;

    // Facts only AWS knows, checked at plan time: the zones of the subnets the control plane would use.
    const unsupported = JSON.stringify(EKS_UNSUPPORTED_ZONE_IDS);
    const subnets = new DataAwsSubnet(this, "control_plane", {
      forEach: TerraformIterator.fromList(this.controlPlaneSubnetIds),
      id: "${each.value}",
      lifecycle: {
        postcondition: [
          {
            condition: `\${!contains(${unsupported}, self.availability_zone_id)}`,
            errorMessage: `\${format("Subnet %s is in zone %s (%s), where EKS does not place control-plane interfaces (${EKS_UNSUPPORTED_ZONE_IDS.join(", ")}); choose control_plane_subnet_ids in other zones.", self.id, self.availability_zone, self.availability_zone_id)}`,
          },
        ],
      },
    });
    this.controlPlaneSubnetZones = `[for s in ${subnets.fqn} : s.availability_zone]`;

    const extraTags = props.privateSubnetTags ?? {};
    if (Object.keys(extraTags).length > 0) {
      // The subnets belong to another configuration, so their tags are added one by one rather than owned.
      // If that configuration manages the subnets' tags itself, add the tags there instead (the two would fight).
      const values = new TerraformLocal(ofType(this, "locals"), "private_subnet_extra_tags", extraTags);
      const pairs = new TerraformLocal(
        ofType(this, "locals"),
        "private_subnet_extra_tag_pairs",
        `\${{ for pair in setproduct(toset(var.private_subnet_ids), keys(local.${values.friendlyUniqueId})) : "\${pair[0]}/\${pair[1]}" => { subnet_id = pair[0], key = pair[1], value = local.${values.friendlyUniqueId}[pair[1]] } }}`,
      );
      const each = TerraformIterator.fromMap(pairs.expression as unknown as Record<string, unknown>);
      new Ec2Tag(this, "private_subnet", {
        forEach: each,
        resourceId: each.getString("subnet_id"),
        key: each.getString("key"),
        value: each.getString("value"),
      });
    }
  }
}
