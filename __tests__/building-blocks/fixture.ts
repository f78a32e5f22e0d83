import { App, ITerraformDependable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { AddonsSide, BlueprintFacts, ClusterSide, Handoff } from "../../modules/addons/contract";
import { AddonContext } from "../../modules/addons/context";
import { BlueprintStack } from "../../modules/blueprint-stack";
import { emitModule } from "../../emitter/emit-module";
import { renderJson } from "../../emitter/emit-module";
import { moduleOf, SynthesizedModule } from "../helpers";

/** A building block on a minimal stack: no network, no control plane, only what it is given. */
export function minimalStack(kind: "cluster" | "addons" = "cluster"): BlueprintStack {
  const stack = new BlueprintStack(new App({ stackTraces: false }), `test-${kind}`);
  new AwsProvider(stack, "aws");
  if (kind === "addons") {
    new HelmProvider(stack, "helm");
    new KubernetesProvider(stack, "kubernetes");
  }
  return stack;
}

export const NODE_FACTS: BlueprintFacts = {
  compute: "nodes",
  nodeGroups: {},
  workloadIdentity: "podIdentity",
};

/** The cluster side with literal identity values, recording handoffs. */
export function clusterSide(
  facts: BlueprintFacts = NODE_FACTS,
  computeResources: readonly ITerraformDependable[] = [],
): ClusterSide & { readonly handoffs: Map<Handoff, string> } {
  const handoffs = new Map<Handoff, string>();
  return {
    ...facts,
    identity: {
      clusterName: "demo",
      clusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/demo",
      namePrefix: "demo",
      accountId: "123456789012",
      region: "us-east-1",
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
      oidcIssuer: "oidc.eks.us-east-1.amazonaws.com/id/ABC",
      partition: "aws",
      tags: {},
    },
    network: { vpcId: "vpc-0123", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
    clusterSecurityGroupId: "sg-cluster",
    kubernetesVersion: "1.35",
    computeResources,
    versionForCluster: (key) => `version-of-${key}`,
    handOff: (h, v) => handoffs.set(h, v),
    handoffs,
  };
}

/** The add-ons side on a minimal add-ons stack, with handed-off values given literally. */
export function addonsSide(
  stack: BlueprintStack,
  facts: BlueprintFacts = NODE_FACTS,
  inputs: ReadonlyMap<Handoff, string> = new Map(),
  prerequisites: ITerraformDependable[] = [],
): AddonsSide {
  return {
    ...facts,
    cluster: new AddonContext(stack, "context", { clusterName: "demo" }),
    prerequisites,
    input: (h) => {
      const v = inputs.get(h);
      if (v === undefined) throw new Error(`no input ${h.name}`);
      return v;
    },
  };
}

/** The stack emitted as a module, for assertions. */
export function emitted(stack: BlueprintStack): SynthesizedModule {
  const tree = new Map([...emitModule(stack)].map(([name, doc]) => [`m/${name}`, renderJson(doc)]));
  return moduleOf(tree, "m/");
}
