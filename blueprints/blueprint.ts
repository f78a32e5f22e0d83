import { ITerraformDependable } from "cdktf";
import { z } from "zod";
import { AnyAddon, BlueprintFacts, Handoff } from "../modules/addons/contract";
import { BlueprintStack } from "../modules/blueprint-stack";
import { Cluster } from "../modules/cluster";
import { NetworkRefs } from "../modules/network";
import { ClusterIdentityRefs } from "../modules/workload-identity";
import { ClusterInputs } from "./compose";
import { CommonSettings } from "./settings";

/** Settings every blueprint has: the common ones, and the `addons` object its add-on list defines. */
export type BlueprintSettings = CommonSettings & { readonly addons: object };

/** A blueprint's settings schema: whatever else it holds, it parses to the common settings and `addons`. */
export type SettingsSchema = z.ZodType<BlueprintSettings, unknown>;

/** What a blueprint's compute is built on, in the cluster module. */
export interface ComputeScope {
  readonly inputs: ClusterInputs;
  readonly network: NetworkRefs;
  readonly cluster: Cluster;
  readonly identity: ClusterIdentityRefs;
  /** The EKS add-ons nodes need before they can become Ready (vpc-cni, kube-proxy, Pod Identity agent). */
  readonly bootstrap: readonly ITerraformDependable[];
  handOff(handoff: Handoff, value: string): void;
}

/**
 * A blueprint: settings (one zod schema), its compute, and its add-ons as a list. The shared
 * composition (compose.ts) builds two stacks from it: the cluster (AWS only) and the add-ons
 * (Helm, Kubernetes, AWS lookups).
 */
export interface Blueprint<Schema extends SettingsSchema = SettingsSchema> {
  readonly name: string;
  /** One line for `list` and `init`. */
  readonly summary: string;
  /** The building blocks it composes, for `list` and the README. */
  readonly composes: readonly string[];
  /** When to pick it, and when not. */
  readonly whenToUse: string;
  /** Markdown for the generated README: what it is for, what it composes, cost drivers, when not to use it. */
  readonly readme?: string;
  readonly settings: Schema;
  /** Its add-ons, in order: EKS managed add-ons, then Helm add-ons. Each one's settings sit under `addons.<key>`. */
  readonly addons: readonly AnyAddon[];
  /** What its add-ons may know about it: compute kind, node groups, workload identity, system placement. */
  facts(settings: z.output<Schema>): BlueprintFacts;
  /** Builds node groups or Fargate profiles in the cluster module; returns what runs pods. */
  buildCompute(stack: BlueprintStack, settings: z.output<Schema>, scope: ComputeScope): readonly ITerraformDependable[];
}

/** How the add-ons side reads a handed-off value: a module input, or a cross-stack reference under `cdktf deploy`. */
export interface AddonInputs {
  readonly clusterName: string;
  input(handoff: Handoff): string;
}
