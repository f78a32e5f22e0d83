import { Construct } from "constructs";
import { accountAdministration, logGroupKey } from "../log-encryption";
import { Fn, ITerraformDependable, TerraformOutput, Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { PrometheusScraper } from "@cdktf/provider-aws/lib/prometheus-scraper";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace";
import { stringify } from "yaml";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { ofType } from "../terraform";
import { Addon, ClusterSide } from "./contract";
import { logRetentionDays } from "./log-retention";

/** AWS managed collectors refuse scrape intervals under 30 seconds (AMP user guide, "Scraper configuration"). */
export const MIN_SCRAPE_INTERVAL_SECONDS = 30;

const settings = z
  .strictObject({
    /**
     * Default false: opt-in. Amazon Managed Service for Prometheus bills samples ingested (from $0.90 per 10 million)
     * and stored, and the managed collector by the hour it runs plus samples it collects.
     */
    enabled: z.boolean().default(false),
    /** Default 60: half the samples (and the ingestion bill) of the 30-second minimum, enough for dashboards and alerts. */
    scrapeIntervalSeconds: z
      .number()
      .int()
      .min(MIN_SCRAPE_INTERVAL_SECONDS, `must be at least ${MIN_SCRAPE_INTERVAL_SECONDS} (the AWS managed collector's minimum)`)
      .max(3600)
      .default(60),
    /**
     * Default false: the workspace is encrypted at rest with an AWS owned key. True creates a customer managed KMS
     * key (rotated yearly, about $1 a month) instead; a workspace cannot switch between the two later.
     */
    customerManagedKey: z.boolean().default(false),
    /** Default 30 days of the workspace's own logs (rule and alert manager errors, ingestion throttling). */
    logRetentionDays: logRetentionDays.default(30),
  })
  .prefault({});
export type PrometheusSettings = z.output<typeof settings>;

/**
 * The scrape configuration: the AWS sample configuration of the AMP user guide ("Scraper configuration",
 * sample configuration file): annotated pods, cAdvisor through the API server's node proxy, the API server,
 * kube-proxy, and the kube-scheduler and kube-controller-manager metrics EKS exposes (Kubernetes 1.28+).
 */
export function scrapeConfiguration(intervalSeconds: number): string {
  const bearer = { type: "Bearer", credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" };
  const apiServerEndpoint = {
    source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"],
    action: "keep",
    regex: "default;kubernetes;https",
  };
  const controlPlane = (job: string, component: string) => ({
    job_name: job,
    kubernetes_sd_configs: [{ role: "endpoints" }],
    metrics_path: `/apis/metrics.eks.amazonaws.com/v1/${component}/container/metrics`,
    scheme: "https",
    authorization: bearer,
    relabel_configs: [apiServerEndpoint],
  });
  return stringify({
    global: { scrape_interval: `${intervalSeconds}s` },
    scrape_configs: [
      { job_name: "pod_exporter", kubernetes_sd_configs: [{ role: "pod" }] },
      {
        job_name: "cadvisor",
        scheme: "https",
        authorization: bearer,
        kubernetes_sd_configs: [{ role: "node" }],
        relabel_configs: [
          { action: "labelmap", regex: "__meta_kubernetes_node_label_(.+)" },
          { replacement: "kubernetes.default.svc:443", target_label: "__address__" },
          {
            source_labels: ["__meta_kubernetes_node_name"],
            regex: "(.+)",
            target_label: "__metrics_path__",
            replacement: "/api/v1/nodes/$1/proxy/metrics/cadvisor",
          },
        ],
      },
      {
        job_name: "kubernetes-apiservers",
        scheme: "https",
        authorization: bearer,
        kubernetes_sd_configs: [{ role: "endpoints" }],
        relabel_configs: [apiServerEndpoint],
      },
      {
        job_name: "kube-proxy",
        honor_labels: true,
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
          { action: "keep", source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name"], separator: "/", regex: "kube-system/kube-proxy.+" },
          { source_labels: ["__address__"], action: "replace", target_label: "__address__", regex: "(.+?)(\\:\\d+)?", replacement: "$1:10249" },
        ],
      },
      controlPlane("ksh-metrics", "ksh"),
      controlPlane("kcm-metrics", "kcm"),
    ],
  });
}

/**
 * Prometheus metrics into Amazon Managed Service for Prometheus, collected by the AWS managed collector
 * (`aws_prometheus_scraper`) rather than an in-cluster agent: nothing to run, patch or give credentials to in
 * the cluster, it works on Fargate as on nodes, and its ENIs sit in the cluster's private subnets with the
 * cluster security group. Because the cluster authenticates with access entries (mode API), AMP creates the
 * scraper's access entry and its read-only access policy itself (AMP user guide, "Configuring your Amazon EKS
 * cluster"); no aws-auth mapping or RBAC objects are needed. Cluster module only (all AWS resources).
 */
export class Prometheus extends Addon<"prometheus", PrometheusSettings> {
  readonly key = "prometheus";
  readonly settings = settings;

  isEnabled(s: PrometheusSettings): boolean {
    return s.enabled;
  }

  buildCluster(scope: Construct, side: ClusterSide, s: PrometheusSettings): ITerraformDependable[] {
    const holder = new Construct(scope, "prometheus");
    setModuleFile(holder, "prometheus");
    const { identity } = side;
    // /aws/vendedlogs/: the prefix CloudWatch Logs recommends for logs AWS services deliver.
    const logGroupName = `/aws/vendedlogs/prometheus/${identity.clusterName}`;
    const logKey = logGroupKey(holder, "prometheus_logs", {
      logGroupName,
      description: `Encryption of the Amazon Managed Service for Prometheus log group of EKS cluster ${identity.clusterName}`,
      partition: identity.partition,
      tags: identity.tags,
    });
    const logGroup = new CloudwatchLogGroup(ofType(holder, "log_group"), "prometheus", {
      name: logGroupName,
      retentionInDays: s.logRetentionDays,
      kmsKeyId: logKey.arn,
      tags: identity.tags,
    });
    const key = s.customerManagedKey
      ? new KmsKey(ofType(holder, "kms_key"), "prometheus", {
          description: `Encryption at rest of the Amazon Managed Service for Prometheus workspace of EKS cluster ${identity.clusterName}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: Fn.jsonencode({ Version: "2012-10-17", Statement: [accountAdministration(identity.partition, identity.accountId)] }),
          tags: identity.tags,
        })
      : undefined;
    if (key) new KmsAlias(ofType(holder, "kms_alias"), "prometheus", { name: `alias/eks/${identity.clusterName}/prometheus`, targetKeyId: key.keyId });
    const workspace = new PrometheusWorkspace(ofType(holder, "workspace"), "this", {
      alias: identity.clusterName,
      kmsKeyArn: key?.arn,
      loggingConfiguration: { logGroupArn: `${logGroup.arn}:*` },
      // The scraper tags its destination; declaring the tag keeps every plan from removing it (provider docs).
      tags: Token.asStringMap(Fn.merge([identity.tags, { AMPAgentlessScraper: "" }])),
    });
    const scraper = new PrometheusScraper(ofType(holder, "scraper"), "this", {
      alias: identity.clusterName,
      source: [{ eks: [{ clusterArn: identity.clusterArn, subnetIds: side.network.privateSubnetIds, securityGroupIds: [side.clusterSecurityGroupId] }] }],
      destination: [{ amp: [{ workspaceArn: workspace.arn }] }],
      scrapeConfiguration: scrapeConfiguration(s.scrapeIntervalSeconds),
      tags: identity.tags,
    });
    const outputs: Array<[string, string, string]> = [
      ["prometheus_workspace_arn", workspace.arn, "ARN of the Amazon Managed Service for Prometheus workspace."],
      ["prometheus_endpoint", workspace.prometheusEndpoint, "Prometheus-compatible endpoint of the workspace (query, remote write)."],
      ["prometheus_scraper_arn", scraper.arn, "ARN of the AWS managed collector scraping the cluster."],
    ];
    for (const [name, value, description] of outputs) new TerraformOutput(holder, name, { value, description });
    return [];
  }
}
