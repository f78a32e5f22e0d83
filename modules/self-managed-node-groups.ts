import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformIterator, TerraformLocal, TerraformOutput, Token } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { setModuleFile } from "./blueprint-stack";
import { nodeRolePolicies, ServiceRole } from "./iam";
import { derivedName } from "./names";
import { NodeGroupVariable } from "./node-groups";
import { AMI_TYPES } from "./rules";
import { EKS_ENUMS } from "./facts";
import { nodeGroupInstanceTypesRule, nodeGroupLabelTaintRules } from "./aws-input-rules";
import { moduleVariable, ofType, VariableRule } from "./terraform";

/** A self-managed node group as the `self_managed_node_groups` variable spells it: a node group plus an optional AMI id. */
export interface SelfManagedNodeGroupVariable extends NodeGroupVariable {
  /** A custom AMI. Omitted: the EKS-optimized (or Bottlerocket) AMI SSM publishes for the Kubernetes version and AMI type. */
  readonly ami_id?: string;
}

export const SELF_MANAGED_VARIABLE = "self_managed_node_groups";

const SELF_MANAGED_TYPE = `map(object({
    instance_types             = list(string)
    capacity_type              = optional(string, "ON_DEMAND")
    ami_type                   = optional(string, "AL2023_x86_64_STANDARD")
    ami_id                     = optional(string)
    min_size                   = number
    desired_size               = number
    max_size                   = number
    disk_size_gib              = optional(number, 50)
    labels                     = optional(map(string), {})
    taints                     = optional(list(object({ key = string, value = optional(string), effect = string })), [])
    max_unavailable_percentage = optional(number, 33)
  }))`;

/**
 * SSM parameters of the AMIs AWS publishes per Kubernetes version, by AMI type. Sources: Amazon EKS user
 * guide, "Retrieve recommended Amazon Linux AMI IDs" (retrieve-ami-id.html:
 * /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/<x86_64|arm64>/<standard|nvidia>/recommended/image_id)
 * and "Retrieve recommended Bottlerocket AMI IDs" (retrieve-ami-id-bottlerocket.html:
 * /aws/service/bottlerocket/aws-k8s-<k8s>[-nvidia]/<x86_64|arm64>/latest/image_id); the same map as
 * terraform-aws-eks v21.19.0 modules/self-managed-node-group/main.tf (ami_type_to_ssm_param).
 */
export const AMI_SSM_PARAMETERS: Readonly<Record<(typeof AMI_TYPES)[number], string>> = {
  AL2023_x86_64_STANDARD: "/aws/service/eks/optimized-ami/%s/amazon-linux-2023/x86_64/standard/recommended/image_id",
  AL2023_ARM_64_STANDARD: "/aws/service/eks/optimized-ami/%s/amazon-linux-2023/arm64/standard/recommended/image_id",
  AL2023_x86_64_NVIDIA: "/aws/service/eks/optimized-ami/%s/amazon-linux-2023/x86_64/nvidia/recommended/image_id",
  BOTTLEROCKET_x86_64: "/aws/service/bottlerocket/aws-k8s-%s/x86_64/latest/image_id",
  BOTTLEROCKET_ARM_64: "/aws/service/bottlerocket/aws-k8s-%s/arm64/latest/image_id",
  BOTTLEROCKET_x86_64_NVIDIA: "/aws/service/bottlerocket/aws-k8s-%s-nvidia/x86_64/latest/image_id",
};

/** EKS API taint effects (the variable's spelling) as kubelet and Bottlerocket write them. */
const KUBERNETES_EFFECTS = `{ NO_SCHEDULE = "NoSchedule", NO_EXECUTE = "NoExecute", PREFER_NO_SCHEDULE = "PreferNoSchedule" }`;

/** Spot allocation: the lowest-priced pools among those with the most spare capacity (fewest interruptions). */
export const SPOT_ALLOCATION_STRATEGY = "price-capacity-optimized";
const MIME_BOUNDARY = "//";
/** Read by name inside a dynamic block's expression, where CDKTF would not unwrap a token. */
const ASG_TAGS_LOCAL = "self_managed_asg_tags";
const SERVICE_CIDR_LOCAL = "self_managed_service_cidr";
const AMI_ID_PATTERN = "^ami-[0-9a-f]{8,17}$";

/** The node_groups rules, stated once in aws-input-rules.ts / node-groups.ts, applied to this variable. */
function forThisVariable(rule: VariableRule): VariableRule {
  return {
    condition: rule.condition.split("var.node_groups").join(`var.${SELF_MANAGED_VARIABLE}`),
    message: rule.message.split("node_groups").join(SELF_MANAGED_VARIABLE).replace("node group", "self-managed node group"),
  };
}

const RULES: readonly VariableRule[] = [
  {
    condition: `alltrue([for n, g in var.${SELF_MANAGED_VARIABLE} : can(regex("^[a-z][a-z0-9-]{0,29}$", n))])`,
    message: `${SELF_MANAGED_VARIABLE} names must be 1-30 characters: lower-case letters, digits and hyphens, starting with a letter.`,
  },
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : g.min_size <= g.desired_size && g.desired_size <= g.max_size])`,
    message: "Every self-managed node group must satisfy min_size <= desired_size <= max_size.",
  },
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : length(g.instance_types) > 0])`,
    message: "Every self-managed node group must list at least one instance type.",
  },
  forThisVariable(nodeGroupInstanceTypesRule),
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])`,
    message: "capacity_type must be ON_DEMAND or SPOT.",
  },
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : contains(${JSON.stringify(AMI_TYPES)}, g.ami_type)])`,
    message: `ami_type must be one of ${AMI_TYPES.join(", ")}.`,
  },
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : g.ami_id == null ? true : can(regex("${AMI_ID_PATTERN}", g.ami_id))])`,
    message: "ami_id must be an AMI id such as ami-0123456789abcdef0, or omitted for the AMI SSM publishes.",
  },
  {
    condition: `alltrue(flatten([for g in var.${SELF_MANAGED_VARIABLE} : [for t in g.taints : contains(${JSON.stringify(EKS_ENUMS.TaintEffect)}, t.effect)]]))`,
    message: `taint effects must be one of ${EKS_ENUMS.TaintEffect.join(", ")}.`,
  },
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : g.disk_size_gib >= 20])`,
    message: "disk_size_gib must be at least 20.",
  },
  {
    condition: `alltrue([for g in var.${SELF_MANAGED_VARIABLE} : g.max_unavailable_percentage >= 1 && g.max_unavailable_percentage <= 100])`,
    message: "max_unavailable_percentage must be between 1 and 100.",
  },
  ...nodeGroupLabelTaintRules.map(forThisVariable),
];

export interface SelfManagedNodeGroupsProps {
  /** The cluster resource: its name, endpoint, CA and service CIDR go into the nodes' bootstrap settings. */
  readonly cluster: EksCluster;
  /** `local.name_prefix`, for the node role and launch template names. */
  readonly namePrefix: string;
  /** `var.kubernetes_version`: which AMIs the SSM parameters name. */
  readonly kubernetesVersion: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  /** The private subnets the Auto Scaling groups launch into. */
  readonly subnetIds: string[];
  /** Default of the `self_managed_node_groups` variable, keyed by group name. */
  readonly nodeGroups: Readonly<Record<string, SelfManagedNodeGroupVariable>>;
  /** Add-ons the nodes need before they can become Ready (the CNI above all). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Self-managed node groups: one EC2 Auto Scaling group per entry of `self_managed_node_groups`, launched
 * from its own launch template (IMDSv2 required with a hop limit of 1, encrypted gp3 volumes, the
 * cluster security group as managed nodes have) with bootstrap user data that joins the cluster:
 * nodeadm's `NodeConfig` in a MIME multi-part document on AL2023, Bottlerocket settings (TOML) on
 * Bottlerocket. A mixed-instances policy spreads a group over its instance types (Spot groups:
 * price-capacity-optimized with capacity rebalancing), and an instance refresh rolls the nodes when the
 * launch template changes.
 *
 * The nodes have their own role, joined to the cluster by an `EC2_LINUX` access entry. Not the managed
 * node groups' role: EKS creates an access entry for that one itself, and one principal may have only
 * one access entry, so a second entry for it would fail to create.
 */
export class SelfManagedNodeGroups extends Construct {
  readonly nodeRole: ServiceRole;
  readonly autoscalingGroups: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: SelfManagedNodeGroupsProps) {
    super(scope, id);
    setModuleFile(this, "self_managed_node_groups");
    const { cluster } = props;
    const groups = moduleVariable(this, SELF_MANAGED_VARIABLE, {
      type: SELF_MANAGED_TYPE,
      description:
        "Self-managed node groups (EC2 Auto Scaling groups) by name. Sizes must satisfy min_size <= desired_size <= max_size; desired_size is only the initial size, the Cluster Autoscaler owns it afterwards. " +
        "ami_id null: the EKS-optimized AMI (or Bottlerocket's) that SSM publishes for kubernetes_version; a new one rolls the nodes through an instance refresh on the next apply.",
      default: props.nodeGroups,
      rules: [...RULES],
    });
    const variable = `var.${SELF_MANAGED_VARIABLE}`;

    this.nodeRole = new ServiceRole(this, {
      address: "self_managed_node",
      name: derivedName(props.namePrefix, "-self-managed-node", "iamRole"),
      description: "Assumed by the EC2 instances of the cluster's self-managed node groups.",
      trust: { kind: "service", service: "ec2.amazonaws.com" },
      managedPolicies: nodeRolePolicies(),
      tags: props.tags,
      partition: props.partition,
    });
    const profile = new IamInstanceProfile(this, "self_managed_node", {
      name: derivedName(props.namePrefix, "-self-managed-node", "instanceProfile"),
      role: this.nodeRole.role.name,
      tags: props.tags,
    });
    // Without it the nodes' kubelets cannot authenticate: EKS maps the role to system:nodes only through this entry.
    const accessEntry = new EksAccessEntry(ofType(this, "access_entry"), "self_managed_node", {
      clusterName: cluster.name,
      principalArn: this.nodeRole.role.arn,
      type: "EC2_LINUX",
      tags: props.tags,
    });

    const amiLookup = new TerraformLocal(
      this,
      "self_managed_ami_ssm_parameters",
      Object.fromEntries(Object.entries(AMI_SSM_PARAMETERS).map(([type, path]) => [type, `\${format("${path}", ${props.kubernetesVersion})}`])),
    );
    const needsLookup = TerraformIterator.fromMap(`\${{ for name, g in ${variable} : name => g if g.ami_id == null }}` as unknown as Record<string, unknown>);
    const ami = new DataAwsSsmParameter(this, "self_managed_ami", {
      forEach: needsLookup,
      name: `\${${inner(amiLookup.expression)}[each.value.ami_type]}`,
    });

    // Bootstrap settings per group, from the cluster resource (so they wait for it) and the group's labels and taints.
    // one(): EKS always reports the service CIDR, but an offline plan may see the block empty rather than unknown.
    new TerraformLocal(this, SERVICE_CIDR_LOCAL, `\${one(${cluster.fqn}.kubernetes_network_config[*].service_ipv4_cidr)}`);
    const SERVICE_CIDR = `local.${SERVICE_CIDR_LOCAL}`;
    const nodeLabels = `join(",", [for k, v in g.labels : "\${k}=\${v}"])`;
    const nodeTaints = `join(",", [for t in g.taints : "\${t.key}=\${t.value == null ? "" : t.value}:\${${KUBERNETES_EFFECTS}[t.effect]}"])`;
    const nodeConfig =
      `yamlencode({ apiVersion = "node.eks.aws/v1alpha1", kind = "NodeConfig", spec = { ` +
      `cluster = { name = "\${${cluster.fqn}.name}", apiServerEndpoint = "\${${cluster.fqn}.endpoint}", certificateAuthority = "\${${cluster.fqn}.certificate_authority[0].data}", cidr = ${SERVICE_CIDR} }, ` +
      `kubelet = { flags = concat(length(g.labels) > 0 ? ["--node-labels=\${${nodeLabels}}"] : [], length(g.taints) > 0 ? ["--register-with-taints=\${${nodeTaints}}"] : []) } } })`;
    const mime = (part: string) =>
      `join("\\n", ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\\"${MIME_BOUNDARY}\\"", "", "--${MIME_BOUNDARY}", "Content-Type: application/node.eks.aws", "", ${part}, "--${MIME_BOUNDARY}--", ""])`;
    const toml =
      `join("\\n", concat(["[settings.kubernetes]", "\\"cluster-name\\" = \${jsonencode(${cluster.fqn}.name)}", "\\"api-server\\" = \${jsonencode(${cluster.fqn}.endpoint)}", ` +
      `"\\"cluster-certificate\\" = \${jsonencode(${cluster.fqn}.certificate_authority[0].data)}", "\\"cluster-dns-ip\\" = \${jsonencode(${SERVICE_CIDR} == null ? null : cidrhost(${SERVICE_CIDR}, 10))}"], ` +
      `length(g.labels) > 0 ? concat(["", "[settings.kubernetes.node-labels]"], [for k, v in g.labels : "\${jsonencode(k)} = \${jsonencode(v)}"]) : [], ` +
      `length(g.taints) > 0 ? concat(["", "[settings.kubernetes.node-taints]"], [for k, ts in { for t in g.taints : t.key => "\${t.value == null ? "" : t.value}:\${${KUBERNETES_EFFECTS}[t.effect]}"... } : "\${jsonencode(k)} = \${jsonencode(ts)}"]) : [], [""]))`;
    const userData = new TerraformLocal(
      this,
      "self_managed_user_data",
      `\${{ for name, g in ${variable} : name => base64encode(startswith(g.ami_type, "BOTTLEROCKET") ? ${toml} : ${mime(nodeConfig)}) }}`,
    );

    const each = TerraformIterator.fromMap(groups.value);
    const launchTemplate = new LaunchTemplate(ofType(this, "launch_template"), "self_managed", {
      forEach: each,
      // Node group names have at most 30 characters (the variable's rule).
      name: derivedName(props.namePrefix, `-sm-${each.key}`, "launchTemplate", 34),
      description: `Self-managed node group ${each.key} of EKS cluster ${cluster.name}`,
      imageId: `\${each.value.ami_id != null ? each.value.ami_id : ${ami.fqn}[each.key].insecure_value}`,
      iamInstanceProfile: { arn: profile.arn },
      // The cluster security group, as EKS gives managed nodes: control plane, managed and self-managed nodes talk freely.
      vpcSecurityGroupIds: [cluster.vpcConfig.clusterSecurityGroupId],
      userData: `\${${inner(userData.expression)}[each.key]}`,
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      monitoring: { enabled: false },
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: Token.asStringMap(Fn.merge([props.tags, { Name: `${cluster.name}-${each.key}` }])),
      })),
      tags: props.tags,
    });
    // Bottlerocket: the OS volume /dev/xvda at the AMI's size, images and containers on the data volume /dev/xvdb; AL2023: one root volume.
    launchTemplate.addOverride("dynamic.block_device_mappings", {
      for_each:
        '${concat(startswith(each.value.ami_type, "BOTTLEROCKET") ? [{ device_name = "/dev/xvda", volume_size = null }] : [], ' +
        '[{ device_name = startswith(each.value.ami_type, "BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda", volume_size = each.value.disk_size_gib }])}',
      content: {
        device_name: "${block_device_mappings.value.device_name}",
        ebs: { volume_size: "${block_device_mappings.value.volume_size}", volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
      },
    });

    const prefix = "k8s.io/cluster-autoscaler";
    new TerraformLocal(
      this,
      ASG_TAGS_LOCAL,
      `\${{ for name, g in ${variable} : name => merge(` +
        // Auto-discovery (and the Cluster Autoscaler's IAM condition) on the group; not copied to instances.
        `{ "${prefix}/enabled" = "true", "${prefix}/\${${cluster.fqn}.name}" = "owned" }, ` +
        // Node-template hints: the labels and taints of a node of a group scaled to zero.
        `{ for k, v in g.labels : "${prefix}/node-template/label/\${k}" => v }, ` +
        `{ for t in g.taints : "${prefix}/node-template/taint/\${t.key}" => "\${t.value == null ? "" : t.value}:\${${KUBERNETES_EFFECTS}[t.effect]}" }) }}`,
    );

    const eachGroup = TerraformIterator.fromMap(groups.value);
    this.autoscalingGroups = new AutoscalingGroup(ofType(this, "autoscaling_group"), "self_managed", {
      forEach: eachGroup,
      // A prefix with create_before_destroy: a replaced group comes up before the old one goes.
      namePrefix: `${eachGroup.key}-`,
      minSize: eachGroup.getNumber("min_size"),
      maxSize: eachGroup.getNumber("max_size"),
      desiredCapacity: eachGroup.getNumber("desired_size"),
      vpcZoneIdentifier: props.subnetIds,
      healthCheckType: "EC2",
      // Spot groups replace a node EC2 signals is at elevated risk of interruption before it is interrupted.
      capacityRebalance: `\${each.value.capacity_type == "SPOT"}` as unknown as boolean,
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: `\${each.value.capacity_type == "SPOT" ? 0 : 100}` as unknown as number,
          onDemandAllocationStrategy: "prioritized",
          spotAllocationStrategy: SPOT_ALLOCATION_STRATEGY,
        },
        launchTemplate: {
          launchTemplateSpecification: {
            launchTemplateId: `\${${launchTemplate.fqn}[each.key].id}`,
            version: `\${${launchTemplate.fqn}[each.key].latest_version}`,
          },
        },
      },
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: `\${100 - each.value.max_unavailable_percentage}` as unknown as number },
      },
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ["desired_capacity"] },
      dependsOn: [...props.dependsOn, ...this.nodeRole.attachments, accessEntry],
    });
    // Written by hand: CDKTF's dynamic blocks reuse the name "each", which would shadow the group.
    this.autoscalingGroups.addOverride("mixed_instances_policy.launch_template.dynamic.override", {
      for_each: "${each.value.instance_types}",
      content: { instance_type: "${override.value}" },
    });
    this.autoscalingGroups.addOverride("dynamic.tag", {
      for_each:
        `\${concat(` +
        `[for k, v in merge(${inner(props.tags)}, { Name = "\${${cluster.fqn}.name}-\${each.key}", "kubernetes.io/cluster/\${${cluster.fqn}.name}" = "owned" }) : { key = k, value = v, propagate_at_launch = true }], ` +
        `[for k, v in local.${ASG_TAGS_LOCAL}[each.key] : { key = k, value = v, propagate_at_launch = false }])}`,
      content: { key: "${tag.value.key}", value: "${tag.value.value}", propagate_at_launch: "${tag.value.propagate_at_launch}" },
    });

    new TerraformOutput(this, "self_managed_node_role_arn", {
      value: this.nodeRole.role.arn,
      description: "ARN of the IAM role of the self-managed node groups' instances.",
    });
    new TerraformOutput(this, "self_managed_autoscaling_group_names", {
      value: `\${{ for name, group in ${this.autoscalingGroups.fqn} : name => group.name }}`,
      description: "Names of the self-managed node groups' Auto Scaling groups, by group name.",
    });
  }
}

/** A token (a local, a variable) as a string, to be written inside a larger HCL expression. */
function inner(value: unknown): string {
  return Token.asString(value);
}
