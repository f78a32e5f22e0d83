import { Construct } from "constructs";
import { Fn, TerraformOutput, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { BlueprintStack } from "../modules/blueprint-stack";
import { moduleVariable } from "../modules/terraform";
import { AddonInputs, Blueprint } from "./blueprint";
import { clusterNameRule } from "../modules/rules";
import { ClusterInputsConstruct, composeAddons, composeCluster } from "./compose";
import { parseSettings } from "./settings";

/**
 * "module": the stacks become generated/ modules (the emitter strips providers and backends).
 * "deploy": the stacks are `cdktf deploy` targets with configured providers; the add-ons stack
 * reads the cluster stack's values through cross-stack references and deploys after it.
 */
export type StackFlavor = "module" | "deploy";

export interface BlueprintStacks {
  readonly cluster: BlueprintStack;
  readonly addons: BlueprintStack;
}

/** Validate the settings, then build a blueprint's two stacks. Nothing is built when a setting is invalid. */
export function buildBlueprintStacks(
  scope: Construct,
  blueprint: Blueprint,
  rawSettings: unknown,
  flavor: StackFlavor,
): BlueprintStacks {
  const settings = parseSettings(blueprint.name, blueprint.settings, rawSettings ?? {});
  const region: string = settings.region;

  const cluster = new BlueprintStack(scope, `${blueprint.name}-cluster`);
  new AwsProvider(cluster, "aws", flavor === "deploy" ? { region } : {});
  const handoffs = composeCluster(cluster, blueprint, settings, new ClusterInputsConstruct(cluster, settings));

  const addons = new BlueprintStack(scope, `${blueprint.name}-addons`);
  // Required in a module: the add-ons belong to whichever cluster the caller names, never to a default.
  // A deploy stack is the cluster stack's companion, so it defaults to the settings' name.
  const clusterName = moduleVariable(addons, "cluster_name", {
    type: "string",
    description: "Name of the EKS cluster to install the add-ons into: the cluster module's cluster_name output.",
    default: flavor === "deploy" ? settings.clusterName : undefined,
    rules: [clusterNameRule("cluster_name")],
  }).stringValue;
  const inputs: AddonInputs = {
    clusterName,
    input(handoff) {
      const value = handoffs.get(handoff);
      if (value === undefined) throw new Error(`blueprint ${blueprint.name}: the cluster module hands off no ${handoff.name}`);
      if (flavor === "deploy") return value;
      const existing = addons.node.tryFindChild(handoff.name) as TerraformVariable | undefined;
      return (existing ?? moduleVariable(addons, handoff.name, { type: "string", description: handoff.description })).stringValue;
    },
  };
  // In name order, so that outputs.tf.json does not depend on the order add-ons are listed in.
  for (const [{ name, description }, value] of [...handoffs].sort(([a], [b]) => a.name.localeCompare(b.name))) {
    new TerraformOutput(cluster, `handoff_${name}`, { value, description }).overrideLogicalId(name);
  }

  if (flavor === "deploy") {
    new AwsProvider(addons, "aws", { region });
    const target = new DataAwsEksCluster(addons, "provider_target", { name: clusterName });
    const kubernetes = {
      host: target.endpoint,
      clusterCaCertificate: Fn.base64decode(target.certificateAuthority.get(0).data),
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        // A fresh token per call: tokens from aws_eks_cluster_auth expire after 15 minutes mid-apply.
        args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region],
      },
    };
    new HelmProvider(addons, "helm", { kubernetes });
    new KubernetesProvider(addons, "kubernetes", { ...kubernetes, exec: [kubernetes.exec] });
    addons.addDependency(cluster);
  } else {
    new AwsProvider(addons, "aws", {});
    new HelmProvider(addons, "helm", {});
    new KubernetesProvider(addons, "kubernetes", {});
  }
  composeAddons(addons, blueprint, settings, inputs);
  return { cluster, addons };
}
