import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformIterator, TerraformLocal, TerraformOutput, Token } from "cdktf";
import { AutoscalingGroupTagA } from "@cdktf/provider-aws/lib/autoscaling-group-tag";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { setModuleFile } from "./blueprint-stack";
import { nodeRolePolicies, ServiceRole } from "./iam";
import { EfaNodeGroups, EfaProps } from "./efa";
import { derivedName } from "./names";
import { moduleVariable } from "./terraform";
import { AMI_TYPES } from "./rules";
import { EKS_ENUMS } from "./facts";
import { nodeGroupInstanceTypesRule, nodeGroupLabelTaintRules } from "./aws-input-rules";

/** A node group as the generated module's `node_groups` variable spells it (EKS API values). */
export interface NodeGroupVariable {
  readonly instance_types: readonly string[];
  readonly capacity_type: "ON_DEMAND" | "SPOT";
  readonly ami_type: string;
  readonly min_size: number;
  readonly desired_size: number;
  readonly max_size: number;
  readonly disk_size_gib: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: ReadonlyArray<{ readonly key: string; readonly value?: string; readonly effect: string }>;
  readonly max_unavailable_percentage: number;
  /**
   * Extended resources a node of the group offers, as Cluster Autoscaler node-template tags
   * (e.g. `{ "nvidia.com/gpu": "1" }`). Only in modules built with `nodeTemplateTags`.
   */
  readonly node_template_resources?: Readonly<Record<string, string>>;
  /**
   * EFA interfaces in the group's launch template, one per network card (0: none). Only in modules
   * built with `efa`; such a group gets a cluster placement group and the subnets of one zone.
   */
  readonly efa_interfaces?: number;
}

const NODE_GROUPS_TYPE_WITH_NODE_TEMPLATE = (withNodeTemplate: boolean, withEfa = false) => `map(object({
    instance_types             = list(string)
    capacity_type              = optional(string, "ON_DEMAND")
    ami_type                   = optional(string, "AL2023_x86_64_STANDARD")
    min_size                   = number
    desired_size               = number
    max_size                   = number
    disk_size_gib              = optional(number, 50)
    labels                     = optional(map(string), {})
    taints                     = optional(list(object({ key = string, value = optional(string), effect = string })), [])
    max_unavailable_percentage = optional(number, 33)${
      withNodeTemplate ? "\n    node_template_resources    = optional(map(string), {})" : ""
    }${withEfa ? "\n    efa_interfaces             = optional(number, 0)" : ""}
  }))`;

const TAINT_EFFECTS = EKS_ENUMS.TaintEffect;

const EFA_RULES = [
  {
    condition: "alltrue([for g in var.node_groups : g.efa_interfaces >= 0 && floor(g.efa_interfaces) == g.efa_interfaces])",
    message: "efa_interfaces must be a whole number, 0 or more.",
  },
  {
    condition: "alltrue([for g in var.node_groups : g.efa_interfaces == 0 || length(g.instance_types) == 1])",
    message: "A node group with efa_interfaces > 0 must list exactly one instance type: its EFA interfaces, placement group and zone depend on the type.",
  },
];

export interface NodeGroupsProps {
  readonly clusterName: string;
  /** `local.name_prefix`, for the node role and launch template names. */
  readonly namePrefix: string;
  readonly kubernetesVersion: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  readonly subnetIds: string[];
  /** Default of the `node_groups` variable, keyed by node group name. */
  readonly nodeGroups: Readonly<Record<string, NodeGroupVariable>>;
  /** Add-ons the nodes need before they can become Ready (the CNI above all). */
  readonly dependsOn: ITerraformDependable[];
  /**
   * Tag each group's Auto Scaling group with Cluster Autoscaler node-template hints (its labels,
   * taints and `node_template_resources`), so that a group scaled to zero can still be scaled up
   * for pods that need them. Default false (the variable then has no `node_template_resources`).
   */
  readonly nodeTemplateTags?: boolean;
  /**
   * Support EFA node groups (`efa_interfaces > 0` in the variable). Omitted: the module has no EFA
   * field, resource or rule at all.
   */
  readonly efa?: EfaProps;
}

/**
 * EKS managed node groups, one per entry of the `node_groups` variable, each with its own launch
 * template: IMDSv2 required with a hop limit of 1 (pods cannot reach the node's credentials), an
 * encrypted gp3 root volume, and tags propagated to instances, volumes and network interfaces.
 *
 * The node role carries the worker, ECR read-only and SSM policies only. The CNI policy is not on
 * it: vpc-cni gets its own IRSA role, so no pod on the node inherits the right to manage ENIs.
 */
export class NodeGroups extends Construct {
  readonly nodeRole: ServiceRole;
  readonly nodeGroups: EksNodeGroup;

  constructor(scope: Construct, id: string, props: NodeGroupsProps) {
    super(scope, id);
    setModuleFile(this, "node_groups");

    const groups = moduleVariable(this, "node_groups", {
      type: NODE_GROUPS_TYPE_WITH_NODE_TEMPLATE(props.nodeTemplateTags === true, props.efa !== undefined),
      description:
        "EKS managed node groups by name. Sizes must satisfy min_size <= desired_size <= max_size; desired_size is only the initial size, the Cluster Autoscaler owns it afterwards.",
      default: props.nodeGroups,
      rules: [
        {
          condition: "alltrue([for n, g in var.node_groups : can(regex(\"^[a-z][a-z0-9-]{0,29}$\", n))])",
          message: "node_groups names must be 1-30 characters: lower-case letters, digits and hyphens, starting with a letter.",
        },
        {
          condition: "alltrue([for g in var.node_groups : g.min_size <= g.desired_size && g.desired_size <= g.max_size])",
          message: "Every node group must satisfy min_size <= desired_size <= max_size.",
        },
        {
          condition: "alltrue([for g in var.node_groups : length(g.instance_types) > 0])",
          message: "Every node group must list at least one instance type.",
        },
        nodeGroupInstanceTypesRule,
        {
          condition: "alltrue([for g in var.node_groups : contains([\"ON_DEMAND\", \"SPOT\"], g.capacity_type)])",
          message: "capacity_type must be ON_DEMAND or SPOT.",
        },
        {
          condition: `alltrue([for g in var.node_groups : contains(${JSON.stringify(AMI_TYPES)}, g.ami_type)])`,
          message: `ami_type must be one of ${AMI_TYPES.join(", ")}.`,
        },
        {
          condition: `alltrue(flatten([for g in var.node_groups : [for t in g.taints : contains(${JSON.stringify(TAINT_EFFECTS)}, t.effect)]]))`,
          message: `taint effects must be one of ${TAINT_EFFECTS.join(", ")}.`,
        },
        {
          condition: "alltrue([for g in var.node_groups : g.disk_size_gib >= 20])",
          message: "disk_size_gib must be at least 20.",
        },
        ...nodeGroupLabelTaintRules,
        ...(props.efa ? EFA_RULES : []),
      ],
    });

    this.nodeRole = new ServiceRole(this, {
      address: "node",
      name: derivedName(props.namePrefix, "-node", "iamRole"),
      description: "Assumed by the EC2 instances of the cluster's managed node groups.",
      trust: { kind: "service", service: "ec2.amazonaws.com" },
      managedPolicies: nodeRolePolicies(),
      tags: props.tags,
      partition: props.partition,
    });

    const eachTemplate = TerraformIterator.fromMap(groups.value);
    const nodeTags = Token.asStringMap(Fn.merge([props.tags, { Name: `${props.clusterName}-${eachTemplate.key}` }]));
    const launchTemplate = new LaunchTemplate(this, "node", {
      forEach: eachTemplate,
      // Node group names have at most 30 characters (the node_groups rule).
      name: derivedName(props.namePrefix, `-${eachTemplate.key}`, "launchTemplate", 31),
      description: `Node group ${eachTemplate.key} of EKS cluster ${props.clusterName}`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          // Bottlerocket keeps its OS on /dev/xvda and images and containers on the data volume /dev/xvdb.
          deviceName: `\${startswith(each.value.ami_type, "BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda"}`,
          ebs: {
            volumeSize: eachTemplate.getNumber("disk_size_gib"),
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: nodeTags,
      })),
      tags: props.tags,
    });

    let efa: EfaNodeGroups | undefined;
    if (props.efa) {
      efa = new EfaNodeGroups(this, "efa", { ...props.efa, clusterName: props.clusterName, tags: props.tags, nodeGroups: groups, subnetIds: props.subnetIds });
      efa.addToLaunchTemplate(launchTemplate);
    }

    const eachGroup = TerraformIterator.fromMap(groups.value);
    // A local, because the per-cluster tag key is an expression and only an HCL object can hold it.
    const autoscalerTags = new TerraformLocal(this, "cluster_autoscaler_discovery_tags", {
      "k8s.io/cluster-autoscaler/enabled": "true",
      [`k8s.io/cluster-autoscaler/${props.clusterName}`]: "owned",
    });
    this.nodeGroups = new EksNodeGroup(this, "this", {
      forEach: eachGroup,
      clusterName: props.clusterName,
      // A prefix, not a fixed name, with create_before_destroy: a change that replaces the group (instance
      // types, capacity type, AMI type) brings the new group up before the old one is drained and deleted.
      nodeGroupNamePrefix: `${eachGroup.key}-`,
      nodeRoleArn: this.nodeRole.role.arn,
      // EFA groups: the subnets of the one zone their placement group is in.
      subnetIds: efa ? efa.subnetIdsFor() : props.subnetIds,
      version: props.kubernetesVersion,
      amiType: eachGroup.getString("ami_type"),
      capacityType: eachGroup.getString("capacity_type"),
      instanceTypes: eachGroup.getList("instance_types"),
      labels: eachGroup.getStringMap("labels"),
      scalingConfig: {
        minSize: eachGroup.getNumber("min_size"),
        desiredSize: eachGroup.getNumber("desired_size"),
        maxSize: eachGroup.getNumber("max_size"),
      },
      updateConfig: { maxUnavailablePercentage: eachGroup.getNumber("max_unavailable_percentage") },
      launchTemplate: {
        id: `\${${launchTemplate.fqn}[each.key].id}`,
        version: `\${${launchTemplate.fqn}[each.key].latest_version}`,
      },
      // EKS copies these auto-discovery tags to the node group's Auto Scaling group itself.
      tags: Token.asStringMap(Fn.merge([props.tags, autoscalerTags.expression])),
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ["scaling_config[0].desired_size"] },
      dependsOn: [...props.dependsOn, ...this.nodeRole.attachments],
    });

    // Written by hand: CDKTF's dynamic blocks reuse the name "each", which would shadow the group.
    this.nodeGroups.addOverride("dynamic.taint", {
      for_each: "${each.value.taints}",
      content: { key: "${taint.value.key}", value: "${taint.value.value}", effect: "${taint.value.effect}" },
    });

    if (props.nodeTemplateTags) this.addNodeTemplateTags();

    new TerraformOutput(this, "node_role_arn", {
      value: this.nodeRole.role.arn,
      description: "ARN of the IAM role of the managed node groups' instances.",
    });
    new TerraformOutput(this, "node_group_arns", {
      value: `\${{ for name, group in ${this.nodeGroups.fqn} : name => group.arn }}`,
      description: "ARNs of the managed node groups, by name.",
    });
  }

  /**
   * EKS does not copy a managed node group's labels and taints to its Auto Scaling group, and the
   * Cluster Autoscaler only learns a group's extended resources (GPUs) from ASG tags. One
   * `aws_autoscaling_group_tag` per label, taint and resource of every group, on the ASG EKS created.
   * (For never-scaled groups the autoscaler can also read labels and taints from eks:DescribeNodegroup.)
   */
  private addNodeTemplateTags(): void {
    const prefix = "k8s.io/cluster-autoscaler/node-template";
    const effects = `{ NO_SCHEDULE = "NoSchedule", NO_EXECUTE = "NoExecute", PREFER_NO_SCHEDULE = "PreferNoSchedule" }`;
    const tags = new TerraformLocal(
      this,
      "cluster_autoscaler_node_template_tags",
      `\${merge(flatten([for name, g in var.node_groups : [` +
        `{ for k, v in g.labels : format("%s/label/%s", name, k) => { node_group = name, key = format("${prefix}/label/%s", k), value = v } }, ` +
        `{ for t in g.taints : format("%s/taint/%s", name, t.key) => { node_group = name, key = format("${prefix}/taint/%s", t.key), value = format("%s:%s", t.value == null ? "" : t.value, ${effects}[t.effect]) } }, ` +
        `{ for r, q in g.node_template_resources : format("%s/resources/%s", name, r) => { node_group = name, key = format("${prefix}/resources/%s", r), value = q } }` +
        `]])...)}`,
    );
    const each = TerraformIterator.fromMap(tags.expression as unknown as Record<string, unknown>);
    new AutoscalingGroupTagA(this, "node_template", {
      forEach: each,
      autoscalingGroupName: `\${${this.nodeGroups.fqn}[each.value.node_group].resources[0].autoscaling_groups[0].name}`,
      tag: { key: each.getString("key"), value: each.getString("value"), propagateAtLaunch: false },
    });
  }
}
