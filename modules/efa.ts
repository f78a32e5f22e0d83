import { Construct } from "constructs";
import { TerraformIterator, TerraformLocal, TerraformOutput, TerraformVariable, Token } from "cdktf";
import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { PlacementGroup } from "@cdktf/provider-aws/lib/placement-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { setModuleFile } from "./blueprint-stack";
import { ofType, withName } from "./terraform";

/** What EFA node groups need from the cluster and the network. */
export interface EfaProps {
  readonly vpcId: string;
  /**
   * The security group EKS created for the cluster. A launch template with network interfaces must
   * name every security group on them, so EKS no longer adds this one by itself.
   */
  readonly clusterSecurityGroupId: string;
  /**
   * The zone of each node subnet, in the order of the node group's subnets, when the module knows it
   * (subnets it creates). Omitted: read with one `aws_subnet` data source per subnet.
   */
  readonly subnetAvailabilityZones?: string[];
}

export interface EfaNodeGroupsProps extends EfaProps {
  readonly clusterName: string;
  readonly tags: Record<string, string>;
  /** The `node_groups` variable; groups with `efa_interfaces > 0` are the EFA groups. */
  readonly nodeGroups: TerraformVariable;
  /** The subnets node groups use by default (private subnets in every zone). */
  readonly subnetIds: string[];
}

/**
 * What turns a node group with `efa_interfaces > 0` into an EFA group:
 *
 * - a `cluster` placement group per EFA group, so its instances sit close together on the network;
 * - the group's subnets narrowed to one availability zone (a cluster placement group lives in one
 *   zone): the first zone, in name order, that offers the group's instance type
 *   (`aws_ec2_instance_type_offerings`) and holds one of the node subnets;
 * - a security group that allows all traffic to and from itself, which EFA requires, put on every
 *   EFA interface together with the cluster security group.
 *
 * The launch template's EFA interfaces and placement are added by `NodeGroups` through
 * `addToLaunchTemplate`.
 */
export class EfaNodeGroups extends Construct {
  /** Per EFA group, the subnet ids of its zone (`local.efa_subnet_ids`). */
  readonly subnetIdsByGroup: TerraformLocal;
  readonly securityGroup: SecurityGroup;
  readonly placementGroup: PlacementGroup;
  private readonly defaultSubnetIds: string;

  constructor(scope: Construct, id: string, private readonly props: EfaNodeGroupsProps) {
    super(scope, id);
    setModuleFile(this, "efa");

    const groups = new TerraformLocal(
      this,
      "efa_node_groups",
      `\${{ for name, g in var.${props.nodeGroups.friendlyUniqueId} : name => g if g.efa_interfaces > 0 }}`,
    );

    // The node subnets and their zones as locals, so the expressions below can name them.
    const subnetIds = new TerraformLocal(this, "efa_node_subnet_ids", props.subnetIds);
    const ids = `local.${subnetIds.friendlyUniqueId}`;
    this.defaultSubnetIds = ids;
    let subnetZones: TerraformLocal;
    if (props.subnetAvailabilityZones) {
      subnetZones = new TerraformLocal(this, "efa_node_subnet_zones", props.subnetAvailabilityZones);
    } else {
      const subnets = new DataAwsSubnet(this, "efa_node", { forEach: TerraformIterator.fromList(props.subnetIds), id: "${each.value}" });
      subnetZones = new TerraformLocal(
        this,
        "efa_node_subnet_zones",
        `\${[for id in ${ids} : data.${subnets.terraformResourceType}.${subnets.friendlyUniqueId}[id].availability_zone]}`,
      );
    }
    const zones = `local.${subnetZones.friendlyUniqueId}`;

    const eachGroup = TerraformIterator.fromMap(groups.expression as unknown as Record<string, unknown>);
    const offerings = new DataAwsEc2InstanceTypeOfferings(this, "efa", {
      forEach: eachGroup,
      locationType: "availability-zone",
      filter: [{ name: "instance-type", values: eachGroup.getList("instance_types") }],
    });

    const zoneByGroup = new TerraformLocal(
      this,
      "efa_availability_zones",
      `\${{ for name, g in local.${groups.friendlyUniqueId} : name => try([for az in sort(data.${offerings.terraformResourceType}.${offerings.friendlyUniqueId}[name].locations) : az if contains(${zones}, az)][0], null) }}`,
    );
    this.subnetIdsByGroup = new TerraformLocal(
      this,
      "efa_subnet_ids",
      `\${{ for name, az in local.${zoneByGroup.friendlyUniqueId} : name => [for i, id in ${ids} : id if ${zones}[i] == az] }}`,
    );

    this.securityGroup = new SecurityGroup(ofType(this, "security_group"), "efa", {
      name: `${props.clusterName}-efa`,
      description: "EFA traffic between the EFA interfaces of the cluster's EFA node groups (all traffic to and from itself).",
      vpcId: props.vpcId,
      tags: withName(props.tags, `${props.clusterName}-efa`),
    });
    new VpcSecurityGroupIngressRule(ofType(this, "ingress"), "efa_self", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: this.securityGroup.id,
      ipProtocol: "-1",
      description: "EFA: all traffic from the EFA security group itself",
      tags: props.tags,
    });
    new VpcSecurityGroupEgressRule(ofType(this, "egress"), "efa_self", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: this.securityGroup.id,
      ipProtocol: "-1",
      description: "EFA: all traffic to the EFA security group itself",
      tags: props.tags,
    });

    const eachPlacement = TerraformIterator.fromMap(groups.expression as unknown as Record<string, unknown>);
    this.placementGroup = new PlacementGroup(ofType(this, "placement_group"), "efa", {
      forEach: eachPlacement,
      name: `${props.clusterName}-${eachPlacement.key}`,
      strategy: "cluster",
      tags: props.tags,
      lifecycle: {
        precondition: [
          {
            condition: `\${local.${zoneByGroup.friendlyUniqueId}[each.key] != null}`,
            errorMessage: `\${format("Node group %s: no availability zone of the node subnets offers %s; add a subnet in a zone that does (aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=%s).", each.key, each.value.instance_types[0], each.value.instance_types[0])}`,
          },
        ],
      },
    });

    new TerraformOutput(ofType(this, "output"), "efa_availability_zones", {
      value: zoneByGroup.expression,
      description: "The availability zone each EFA node group runs in (its subnets and cluster placement group).",
    });
  }

  /**
   * Per group, `efa_interfaces` EFA network interfaces (network card i, device index 0 on card 0
   * and 1 on the others, as the EKS and EC2 EFA guides lay them out) and, for EFA groups, the
   * placement group. Non-EFA groups get neither: both are dynamic blocks with nothing to iterate.
   * Written by hand for the same reason as the node groups' taints (the iterator would shadow `each`).
   */
  addToLaunchTemplate(template: LaunchTemplate): void {
    template.addOverride("dynamic.network_interfaces", {
      for_each: "${range(each.value.efa_interfaces)}",
      content: {
        network_card_index: "${network_interfaces.value}",
        device_index: "${network_interfaces.value == 0 ? 0 : 1}",
        interface_type: "efa",
        delete_on_termination: "true",
        security_groups: [this.props.clusterSecurityGroupId, this.securityGroup.id],
      },
    });
    template.addOverride("dynamic.placement", {
      for_each: `\${{ for name, pg in ${this.placementGroup.terraformResourceType}.${this.placementGroup.friendlyUniqueId} : name => pg.name if name == each.key }}`,
      content: { group_name: "${placement.value}" },
    });
  }

  /** The subnets of a node group: its zone's for an EFA group, the default subnets for the others. */
  subnetIdsFor(groupKey = "each.key"): string[] {
    return Token.asList(`\${lookup(local.${this.subnetIdsByGroup.friendlyUniqueId}, ${groupKey}, ${this.defaultSubnetIds})}`);
  }
}
