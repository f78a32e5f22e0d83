import { Construct } from "constructs";
import { logGroupKey } from "../log-encryption";
import { ITerraformDependable, TerraformIterator } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { z } from "zod";
import { EksManagedAddon } from "../eks-addons";
import { ofType } from "../terraform";
import { WorkloadRole } from "../workload-identity";
import { ClusterSide } from "./contract";
import { logRetentionDays } from "./log-retention";

/**
 * The log groups the add-on writes (`/aws/containerinsights/<cluster>/<kind>`): performance (the Container
 * Insights metrics as embedded metric format), and Fluent Bit's application, dataplane and host logs. Fluent Bit
 * creates missing groups without retention ("never expire"), so the module creates them first.
 */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ["application", "dataplane", "host", "performance"] as const;

const settings = z
  .strictObject({
    /**
     * Default false: opt-in. Container Insights bills every node, pod and container metric (per observation with
     * enhanced observability) plus $0.50 per GB of container logs ingested: on a busy cluster often more than the
     * control plane. Turn it on where CloudWatch is the monitoring system.
     */
    enabled: z.boolean().default(false),
    /** Default true: Fluent Bit ships container logs to CloudWatch Logs (the application log group). */
    containerLogs: z.boolean().default(true),
    /**
     * Default false: Application Signals (APM: automatic instrumentation of Java, Python, .NET and Node.js pods,
     * traces to X-Ray) is billed per request. The add-on turns it on by default from v5.0.0; this module does not.
     * True also attaches AWSXrayWriteOnlyAccess to the add-on's role.
     */
    applicationSignals: z.boolean().default(false),
    /** Default 30 days of Container Insights logs and metrics events in CloudWatch Logs. */
    logRetentionDays: logRetentionDays.default(30),
  })
  .prefault({});
export type ContainerInsightsSettings = z.output<typeof settings>;

/**
 * Container Insights through the `amazon-cloudwatch-observability` EKS managed add-on: the CloudWatch agent
 * (metrics) and Fluent Bit (logs) as DaemonSets, with a Pod Identity role (CloudWatchAgentServerPolicy; Pod
 * Identity is supported from add-on 3.1.0, CloudWatch user guide, "Quick start with the Amazon CloudWatch
 * Observability EKS add-on"), and its log groups with a retention period. EC2 nodes only: the add-on's agents
 * are DaemonSets, which Fargate does not run.
 */
export class ContainerInsights extends EksManagedAddon<"amazon_cloudwatch_observability", ContainerInsightsSettings, "containerInsights"> {
  readonly settings = settings;

  constructor() {
    super("amazon_cloudwatch_observability", "containerInsights");
  }

  isEnabled(s: ContainerInsightsSettings): boolean {
    return s.enabled;
  }

  /** Keys of the add-on's configuration schema (chart amazon-cloudwatch-observability values.yaml, 6.4.0). */
  protected configurationValues(_side: ClusterSide, s: ContainerInsightsSettings): Record<string, unknown> {
    return {
      containerInsights: { enabled: true },
      containerLogs: { enabled: s.containerLogs },
      applicationSignals: { enabled: s.applicationSignals },
    };
  }

  protected beforeAddon(scope: Construct, side: ClusterSide, s: ContainerInsightsSettings, role: WorkloadRole | undefined): ITerraformDependable[] {
    const each = TerraformIterator.fromList([...CONTAINER_INSIGHTS_LOG_GROUPS]);
    // One key for the four groups of this cluster (the key policy admits the prefix only).
    const logKey = logGroupKey(scope, "container_insights_logs", {
      logGroupName: `/aws/containerinsights/${side.identity.clusterName}/*`,
      description: `Encryption of the Container Insights log groups of EKS cluster ${side.identity.clusterName}`,
      partition: side.identity.partition,
      tags: side.identity.tags,
    });
    const logGroups = new CloudwatchLogGroup(ofType(scope, "log_group"), "container_insights", {
      forEach: each,
      name: `/aws/containerinsights/${side.identity.clusterName}/${each.value}`,
      retentionInDays: s.logRetentionDays,
      kmsKeyId: logKey.arn,
      tags: side.identity.tags,
    });
    const xray =
      s.applicationSignals && role
        ? [
            new IamRolePolicyAttachment(ofType(scope, "policy_attachment"), "cloudwatch_observability_xray", {
              role: role.serviceRole.role.name,
              policyArn: `arn:${side.identity.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess`,
            }),
          ]
        : [];
    return [logGroups, ...xray];
  }
}
