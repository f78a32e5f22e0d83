import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { setModuleFile } from "../blueprint-stack";
import { FARGATE_LOG_GROUP_NAME } from "../fargate";
import { Addon, AddonsSide, BlueprintFacts } from "./contract";

/**
 * Configuration of Fargate's built-in Fluent Bit log router (EKS user guide, "Start AWS Fargate
 * logging for your cluster"): the `aws-observability` namespace, labelled `aws-observability: enabled`,
 * and its `aws-logging` ConfigMap, which may hold only `[FILTER]` (filters.conf), `[OUTPUT]`
 * (output.conf) and `[PARSER]` (parsers.conf) sections plus `flb_log_cw`, in at most 5300 characters.
 *
 * Containers' stdout/stderr go to the log group the cluster module created (handed off), one stream per container, with Kubernetes
 * metadata merged in. The router reads the ConfigMap when a pod starts: pods running before it
 * existed (or changed) keep their old configuration until restarted.
 */
export class FargateLogging extends Addon<"fargateLogging"> {
  readonly key = "fargateLogging";

  isEnabled(_settings: undefined, facts: BlueprintFacts): boolean {
    return facts.compute === "fargate";
  }

  buildAddons(scope: Construct, side: AddonsSide): ITerraformDependable[] {
    const holder = new Construct(scope, "fargate_logging");
    setModuleFile(holder, "fargate_logging");
    const logGroupName = side.input(FARGATE_LOG_GROUP_NAME);
    const namespace = new NamespaceV1(holder, "aws_observability", {
      metadata: { name: "aws-observability", labels: { "aws-observability": "enabled" } },
    });
    // Directives at column 0, their keys indented by four: Fargate requires keys indented more than directives.
    const section = (name: string, entries: Array<[string, string]>) =>
      [`[${name}]`, ...entries.map(([k, v]) => `    ${k} ${v}`)].join("\n") + "\n";
    const configMap = new ConfigMapV1(holder, "aws_logging", {
      metadata: { name: "aws-logging", namespace: namespace.metadata.name },
      data: {
        // Fluent Bit's own process logs would be extra ingestion cost; off.
        flb_log_cw: "false",
        "filters.conf":
          section("FILTER", [
            ["Name", "parser"],
            ["Match", "*"],
            ["Key_name", "log"],
            ["Parser", "crio"],
          ]) +
          section("FILTER", [
            ["Name", "kubernetes"],
            ["Match", "kube.*"],
            ["Merge_Log", "On"],
            ["Keep_Log", "Off"],
            ["Buffer_Size", "0"],
            ["Kube_Meta_Cache_TTL", "300s"],
          ]),
        "output.conf": section("OUTPUT", [
          ["Name", "cloudwatch_logs"],
          ["Match", "kube.*"],
          ["region", side.cluster.region],
          ["log_group_name", logGroupName],
          ["log_stream_prefix", "fargate-"],
          // The cluster module creates the group with a retention period; never create one without it.
          ["auto_create_group", "false"],
        ]),
        "parsers.conf": section("PARSER", [
          ["Name", "crio"],
          ["Format", "Regex"],
          ["Regex", "^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>P|F) (?<log>.*)$"],
          ["Time_Key", "time"],
          ["Time_Format", "%Y-%m-%dT%H:%M:%S.%L%z"],
        ]),
      },
    });
    return [configMap];
  }
}
