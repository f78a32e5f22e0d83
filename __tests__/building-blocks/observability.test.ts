import { parse } from "yaml";
import { scrapeConfiguration } from "../../modules/addons/prometheus";
import { Json, managedPoliciesOf, settingsErrorFor, synthesize } from "../helpers";

const CI_ON = { addons: { containerInsights: { enabled: true } } };
const PROM_ON = { addons: { prometheus: { enabled: true } } };

/** The jsonencode({...}) of an add-on's configuration, read back as data. */
function configurationOf(addon: Json): string {
  return addon.configuration_values as string;
}

describe("observability add-ons are opt-in", () => {
  test.each(["baseline", "spot-cost-optimized", "gpu", "fargate-only"])("%s: no Container Insights or Prometheus by default", (name) => {
    const { cluster } = synthesize(name);
    expect(cluster.resources("aws_eks_addon").amazon_cloudwatch_observability).toBeUndefined();
    expect(cluster.resources("aws_prometheus_workspace")).toEqual({});
    expect(cluster.resources("aws_prometheus_scraper")).toEqual({});
    expect(cluster.resources("aws_cloudwatch_log_group").container_insights).toBeUndefined();
  });
});

describe("Container Insights", () => {
  const { cluster } = synthesize("baseline", CI_ON);
  const addon = cluster.resource("aws_eks_addon", "amazon_cloudwatch_observability");

  test("the add-on at the catalog's version, its agent's service account associated with a Pod Identity role", () => {
    expect(addon.addon_name).toBe("amazon-cloudwatch-observability");
    expect(addon.addon_version).toBe("v6.4.0-eksbuild.1");
    expect(addon.pod_identity_association).toEqual([{ role_arn: "${aws_iam_role.cloudwatch_observability.arn}", service_account: "cloudwatch-agent" }]);
    expect(managedPoliciesOf(cluster, "cloudwatch_observability")).toEqual(["CloudWatchAgentServerPolicy"]);
    expect(cluster.resources("aws_iam_role_policy_attachment").cloudwatch_observability_xray).toBeUndefined();
  });

  test("Application Signals off (billed per request, on by default in the add-on since 5.0.0); metrics and logs on", () => {
    const config = configurationOf(addon);
    expect(config).toContain('"applicationSignals" = {"enabled" = false}');
    expect(config).toContain('"containerInsights" = {"enabled" = true}');
    expect(config).toContain('"containerLogs" = {"enabled" = true}');
  });

  test("its log groups exist with a retention period before the add-on can create them without one", () => {
    const groups = cluster.resource("aws_cloudwatch_log_group", "container_insights");
    expect(groups.for_each).toBe('${toset(["application", "dataplane", "host", "performance"])}');
    expect(groups.name).toBe("/aws/containerinsights/${aws_eks_cluster.this.name}/${each.value}");
    expect(groups.retention_in_days).toBe(30);
    expect(addon.depends_on).toEqual(["aws_iam_role_policy_attachment.cloudwatch_observability", "aws_cloudwatch_log_group.container_insights", "aws_eks_node_group.this"]);
  });

  test("Application Signals on: X-Ray write access is attached and the add-on waits for it", () => {
    const on = synthesize("gpu", { addons: { containerInsights: { enabled: true, applicationSignals: true, containerLogs: false, logRetentionDays: 7 } } }).cluster;
    const a = on.resource("aws_eks_addon", "amazon_cloudwatch_observability");
    expect(configurationOf(a)).toContain('"applicationSignals" = {"enabled" = true}');
    expect(configurationOf(a)).toContain('"containerLogs" = {"enabled" = false}');
    expect(on.resource("aws_iam_role_policy_attachment", "cloudwatch_observability_xray")).toEqual({
      role: "${aws_iam_role.cloudwatch_observability.name}",
      policy_arn: "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess",
    });
    expect(a.depends_on).toContain("aws_iam_role_policy_attachment.cloudwatch_observability_xray");
    expect(on.resource("aws_cloudwatch_log_group", "container_insights").retention_in_days).toBe(7);
  });

  test("settings: a retention CloudWatch Logs does not offer is refused; fargate-only refuses the add-on with the reason", () => {
    expect(settingsErrorFor("baseline", { addons: { containerInsights: { enabled: true, logRetentionDays: 10 } } })).toContain("addons.containerInsights.logRetentionDays");
    expect(settingsErrorFor("fargate-only", CI_ON)).toContain("DaemonSets, which Fargate does not run");
  });
});

describe("Prometheus (Amazon Managed Service for Prometheus, AWS managed collector)", () => {
  test.each(["baseline", "fargate-only"])("%s: a workspace with its log group, and a scraper in the private subnets with the cluster security group", (name) => {
    const { cluster, addons } = synthesize(name, PROM_ON);
    const workspace = cluster.resource("aws_prometheus_workspace", "this");
    expect(workspace.logging_configuration).toEqual({ log_group_arn: "${aws_cloudwatch_log_group.prometheus.arn}:*" });
    expect(workspace.kms_key_arn).toBeUndefined();
    expect(workspace.tags).toBe('${merge(var.tags, {"AMPAgentlessScraper" = ""})}');
    expect(cluster.resource("aws_cloudwatch_log_group", "prometheus")).toMatchObject({
      name: "/aws/vendedlogs/prometheus/${aws_eks_cluster.this.name}",
      retention_in_days: 30,
    });
    const scraper = cluster.resource("aws_prometheus_scraper", "this");
    expect(scraper.source).toEqual([
      {
        eks: [
          {
            cluster_arn: "${aws_eks_cluster.this.arn}",
            subnet_ids: "${aws_subnet.private[*].id}",
            security_group_ids: ["${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}"],
          },
        ],
      },
    ]);
    expect(scraper.destination).toEqual([{ amp: [{ workspace_arn: "${aws_prometheus_workspace.this.arn}" }] }]);
    // Access entries (authentication mode API): AMP creates the scraper's access itself, so nothing in Kubernetes.
    expect(cluster.resource("aws_eks_cluster", "this").access_config.authentication_mode).toBe("API");
    expect(Object.keys(addons.merged.resource ?? {}).filter((t) => t.includes("cluster_role"))).toEqual([]);
    expect(cluster.output("prometheus_endpoint").value).toBe("${aws_prometheus_workspace.this.prometheus_endpoint}");
  });

  test("the scrape configuration: the interval from settings, the AWS sample jobs, only the token file managed collectors accept", () => {
    const scraper = synthesize("baseline", PROM_ON).cluster.resource("aws_prometheus_scraper", "this");
    const config = parse(scraper.scrape_configuration as string) as Json;
    expect(config.global).toEqual({ scrape_interval: "60s" });
    expect(config.scrape_configs.map((j: Json) => j.job_name)).toEqual(["pod_exporter", "cadvisor", "kubernetes-apiservers", "kube-proxy", "ksh-metrics", "kcm-metrics"]);
    for (const job of config.scrape_configs as Json[]) {
      if (job.authorization) expect(job.authorization).toEqual({ type: "Bearer", credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" });
      expect(job.kubernetes_sd_configs).toHaveLength(1);
    }
    expect(config.scrape_configs[4].metrics_path).toBe("/apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics");
    expect(parse(scrapeConfiguration(30)).global.scrape_interval).toBe("30s");
  });

  test("customer managed key: a rotating KMS key encrypts the workspace", () => {
    const cluster = synthesize("baseline", { addons: { prometheus: { enabled: true, customerManagedKey: true } } }).cluster;
    expect(cluster.resource("aws_kms_key", "prometheus")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(cluster.resource("aws_prometheus_workspace", "this").kms_key_arn).toBe("${aws_kms_key.prometheus.arn}");
  });

  test("a scrape interval under the managed collector's 30-second minimum is refused, naming the field", () => {
    const message = settingsErrorFor("spot-cost-optimized", { addons: { prometheus: { enabled: true, scrapeIntervalSeconds: 15 } } });
    expect(message).toContain("addons.prometheus.scrapeIntervalSeconds");
    expect(message).toContain("at least 30");
  });
});
