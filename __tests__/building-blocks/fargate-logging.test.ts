import { fargatePodNetworking } from "../../modules/pod-networking";
import { BlueprintFacts } from "../../modules/addons/contract";
import { FargateLogging } from "../../modules/addons/fargate-logging";
import { FARGATE_LOG_GROUP_NAME } from "../../modules/fargate";
import { addonsSide, minimalStack, NODE_FACTS } from "./fixture";
import { withProbes } from "./hcl";

const FARGATE: BlueprintFacts = { compute: "fargate", nodeGroups: {}, workloadIdentity: "irsa", networking: fargatePodNetworking("ipv4") };

describe("FargateLogging", () => {
  const stack = minimalStack("addons");
  const returned = new FargateLogging().buildAddons(stack, addonsSide(stack, FARGATE, new Map([[FARGATE_LOG_GROUP_NAME, "${var.fargate_log_group_name}"]])));
  const module = withProbes(stack, {}).module;
  const data = module.resource("kubernetes_config_map_v1", "aws_logging").data;

  test("only on Fargate", () => {
    expect(new FargateLogging().isEnabled(undefined, FARGATE)).toBe(true);
    expect(new FargateLogging().isEnabled(undefined, NODE_FACTS)).toBe(false);
  });

  test("the aws-observability namespace, labelled as EKS requires, and its aws-logging ConfigMap", () => {
    expect(module.resource("kubernetes_namespace_v1", "aws_observability").metadata).toEqual({
      name: "aws-observability",
      labels: { "aws-observability": "enabled" },
    });
    expect(module.resource("kubernetes_config_map_v1", "aws_logging").metadata).toEqual({
      name: "aws-logging",
      namespace: "${kubernetes_namespace_v1.aws_observability.metadata[0].name}",
    });
    expect(returned).toHaveLength(1);
  });

  test("only the sections Fargate accepts, within its 5300 characters", () => {
    expect(Object.keys(data).sort()).toEqual(["filters.conf", "flb_log_cw", "output.conf", "parsers.conf"]);
    expect(data.flb_log_cw).toBe("false");
    expect(Object.values(data as Record<string, string>).join("").length).toBeLessThanOrEqual(5300);
    expect(data["filters.conf"].match(/^\[\w+\]$/gm)).toEqual(["[FILTER]", "[FILTER]"]);
    expect(data["output.conf"].match(/^\[\w+\]$/gm)).toEqual(["[OUTPUT]"]);
    expect(data["parsers.conf"].match(/^\[\w+\]$/gm)).toEqual(["[PARSER]"]);
    // Fargate requires keys indented more than their directive.
    for (const text of Object.values(data as Record<string, string>).slice(1)) {
      for (const line of text.split("\n").filter((l) => l && !l.startsWith("["))) expect(line).toMatch(/^ {4}\S/);
    }
  });

  test("to the handed-off log group in the cluster's region, never creating a group without retention", () => {
    expect(data["output.conf"]).toBe(
      [
        "[OUTPUT]",
        "    Name cloudwatch_logs",
        "    Match kube.*",
        "    region ${data.aws_region.current.region}",
        "    log_group_name ${var.fargate_log_group_name}",
        "    log_stream_prefix fargate-",
        "    auto_create_group false",
        "",
      ].join("\n"),
    );
  });

  test("without the handed-off log group it cannot be built", () => {
    const other = minimalStack("addons");
    expect(() => new FargateLogging().buildAddons(other, addonsSide(other, FARGATE))).toThrow("no input fargate_log_group_name");
  });
});
