import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformIterator, TerraformOutput } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Handoff } from "./addons/contract";
import { setModuleFile } from "./blueprint-stack";
import { logGroupKey } from "./log-encryption";
import { ServiceRole } from "./iam";
import { derivedName } from "./names";
import { logRetentionRule } from "./rules";
import { fargateSelectorLabelRules } from "./aws-input-rules";
import { moduleVariable, ofType } from "./terraform";

/** A Fargate profile as the generated module's `fargate_profiles` variable spells it. */
export interface FargateProfileVariable {
  /** At most five; a pod runs on Fargate when it matches any of them. */
  readonly selectors: ReadonlyArray<{ readonly namespace: string; readonly labels: Readonly<Record<string, string>> }>;
}

/** The log group Fargate's log router writes to: created (with retention) here, configured in the add-ons module. */
export const FARGATE_LOG_GROUP_NAME = new Handoff(
  "fargate_log_group_name",
  "CloudWatch log group the Fargate log router ships container logs to.",
);

/** EKS: at most five selectors per profile. */
export const MAX_FARGATE_SELECTORS = 5;
/** EKS Fargate profile names: letters, digits, hyphens and underscores, starting with a letter or digit. */
export const FARGATE_PROFILE_NAME_PATTERN = "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$";

const FARGATE_PROFILES_TYPE = `map(object({
    selectors = list(object({ namespace = string, labels = optional(map(string), {}) }))
  }))`;

export interface FargateProfilesProps {
  readonly clusterName: string;
  /** `local.name_prefix`, for the pod execution role's name. */
  readonly namePrefix: string;
  readonly accountId: string;
  /** ARN of the cluster, to limit who may assume the pod execution role to this cluster's profiles. */
  readonly clusterArn: string;
  readonly tags: Record<string, string>;
  readonly partition: string;
  /** Fargate runs pods in private subnets only. */
  readonly privateSubnetIds: string[];
  /** Default of the `fargate_profiles` variable, keyed by profile name. */
  readonly profiles: Readonly<Record<string, FargateProfileVariable>>;
  /** Default of `fargate_log_retention_days`: container logs shipped by Fargate's log router. */
  readonly logRetentionDays: number;
  /** Add-ons that must exist before pods are scheduled. Default none. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Fargate profiles (one per entry of `fargate_profiles`, in the private subnets), their shared pod
 * execution role, and the CloudWatch log group Fargate's built-in Fluent Bit log router writes to.
 *
 * The pod execution role is what the Fargate kubelet uses to pull images and ship logs; pods never
 * get its permissions (they use IRSA). Its trust policy only admits this cluster's Fargate profiles
 * (aws:SourceArn, as the EKS user guide's "Pod execution IAM role" page recommends).
 */
export class FargateProfiles extends Construct {
  readonly podExecutionRole: ServiceRole;
  readonly profiles: EksFargateProfile;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: FargateProfilesProps) {
    super(scope, id);
    setModuleFile(this, "fargate");

    const profiles = moduleVariable(this, "fargate_profiles", {
      type: FARGATE_PROFILES_TYPE,
      description:
        "Fargate profiles by name. A pod runs on Fargate when its namespace (and labels, if given) match a selector; pods matching no profile stay Pending, as there are no EC2 nodes. One profile must select kube-system (CoreDNS and the controllers run there).",
      default: props.profiles,
      rules: [
        {
          condition: `alltrue([for n, p in var.fargate_profiles : can(regex("${FARGATE_PROFILE_NAME_PATTERN}", n))])`,
          message: "fargate_profiles names must be 1-100 letters, digits, hyphens or underscores, starting with a letter or digit.",
        },
        {
          condition: `alltrue([for p in var.fargate_profiles : length(p.selectors) >= 1 && length(p.selectors) <= ${MAX_FARGATE_SELECTORS}])`,
          message: `Every Fargate profile must have between 1 and ${MAX_FARGATE_SELECTORS} selectors.`,
        },
        {
          condition: `anytrue(flatten([for p in var.fargate_profiles : [for s in p.selectors : s.namespace == "kube-system" && length(s.labels) == 0]]))`,
          message: "One Fargate profile must select the whole kube-system namespace (no labels): CoreDNS and the controllers run there.",
        },
        ...fargateSelectorLabelRules,
      ],
    });
    const retention = moduleVariable(this, "fargate_log_retention_days", {
      type: "number",
      description: "Days to keep the container logs Fargate's log router ships to CloudWatch Logs.",
      default: props.logRetentionDays,
      rules: [logRetentionRule("fargate_log_retention_days")],
    });

    const logGroupName = `/aws/eks/${props.clusterName}/fargate`;
    this.logGroup = new CloudwatchLogGroup(ofType(this, "log_group"), "fargate", {
      name: logGroupName,
      retentionInDays: retention.numberValue,
      kmsKeyId: logGroupKey(this, "fargate_logs", {
        logGroupName,
        description: `Encryption of the Fargate container logs of EKS cluster ${props.clusterName}`,
        partition: props.partition,
        tags: props.tags,
      }).arn,
      tags: props.tags,
    });

    this.podExecutionRole = new ServiceRole(this, {
      address: "fargate_pod_execution",
      name: derivedName(props.namePrefix, "-fargate-pod-execution", "iamRole"),
      description: "Assumed by the Fargate infrastructure of the cluster's Fargate profiles to pull images and ship logs.",
      trust: {
        kind: "service",
        service: "eks-fargate-pods.amazonaws.com",
        sourceAccount: props.accountId,
        // arn:<partition>:eks:<region>:<account>:fargateprofile/<cluster>/*
        sourceArnLike: `${Fn.replace(props.clusterArn, ":cluster/", ":fargateprofile/")}/*`,
      },
      managedPolicies: ["AmazonEKSFargatePodExecutionRolePolicy"],
      tags: props.tags,
      partition: props.partition,
    });

    // The permissions the EKS "Fargate logging" page asks for, on this one log group only.
    const logging = new IamRolePolicy(this, "fargate_logging", {
      name: "fargate-logging",
      role: this.podExecutionRole.role.id,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
          },
        ],
      }),
    });

    const each = TerraformIterator.fromMap(profiles.value);
    this.profiles = new EksFargateProfile(this, "this", {
      forEach: each,
      clusterName: props.clusterName,
      fargateProfileName: each.key,
      podExecutionRoleArn: this.podExecutionRole.role.arn,
      subnetIds: props.privateSubnetIds,
      selector: [],
      tags: props.tags,
      dependsOn: [...(props.dependsOn ?? []), ...this.podExecutionRole.attachments, logging],
    });
    // Written by hand: CDKTF's dynamic blocks reuse the name "each", which would shadow the profile.
    this.profiles.addOverride("selector", undefined);
    this.profiles.addOverride("dynamic.selector", {
      for_each: "${each.value.selectors}",
      content: { namespace: "${selector.value.namespace}", labels: "${selector.value.labels}" },
    });

    const outputs: Array<[string, string, string]> = [
      ["fargate_pod_execution_role_arn", this.podExecutionRole.role.arn, "ARN of the Fargate pod execution role (image pulls and log shipping, never pod permissions)."],
      [
        "fargate_profile_arns",
        `\${{ for name, profile in ${this.profiles.fqn} : name => profile.arn }}`,
        "ARNs of the Fargate profiles, by name.",
      ],
    ];
    // The log group's name is not output here: a blueprint hands it to the add-ons module (which configures
    // the log router), and the hand-off is itself an output.
    for (const [name, value, description] of outputs) new TerraformOutput(this, name, { value, description });
  }
}
