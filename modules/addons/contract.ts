import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { z } from "zod";
import { NetworkRefs } from "../network";
import { NodeGroupVariable } from "../node-groups";
import { ClusterIdentityRefs, WorkloadIdentity } from "../workload-identity";
import { AddonContext } from "./context";
import { Placement } from "./helm-release";
import { PodNetworking } from "../pod-networking";

/**
 * The add-on contract. An add-on is one file: a subclass of `Addon` that declares
 * - `key` and `settings`: its place under a blueprint's `addons` settings and its zod schema, with defaults;
 * - `clusterPhase` and `buildCluster`: what it adds to the cluster module (IAM role, Pod Identity association
 *   or IRSA, EKS managed add-on), before or after the blueprint's compute;
 * - `after` and `buildAddons`: what it adds to the add-ons module (Helm release, Kubernetes objects), and which
 *   add-ons (by class) must be in place first;
 * - `handoffs` it writes on the cluster side and reads on the add-ons side, as typed `Handoff` constants;
 * - its outputs, created next to the resources they describe.
 *
 * A blueprint lists add-on instances as data; `composeCluster` and `composeAddons` (blueprints/compose.ts)
 * walk the list for both modules. No string lookups: prerequisites are classes, handoffs are constants.
 */

/**
 * A value the cluster module hands to the add-ons module: an output of `cluster/` and a required input of
 * `addons/` under the same name (or a cross-stack reference under `cdktf deploy`). Declare each once, as an
 * exported constant, and refer to the constant on both sides: a misspelt name does not compile.
 */
export class Handoff {
  constructor(
    readonly name: string,
    readonly description: string,
  ) {}
}

/** What scales a node-group blueprint's nodes: the Cluster Autoscaler (node groups) or Karpenter (its own nodes). */
export const AUTOSCALERS = ["cluster-autoscaler", "karpenter"] as const;
export type Autoscaler = (typeof AUTOSCALERS)[number];

/** What an add-on may know about the blueprint it is part of, on either side. Decided at synth time. */
export interface BlueprintFacts {
  /** `nodes` for EC2 node groups, `fargate` for a Fargate-only data plane. */
  readonly compute: "nodes" | "fargate";
  /** Default of the `node_groups` variable (EKS API spelling); empty on Fargate. */
  readonly nodeGroups: Readonly<Record<string, NodeGroupVariable>>;
  /** Default of the `self_managed_node_groups` variable (Auto Scaling groups named `<group>-<suffix>`). Default none. */
  readonly selfManagedNodeGroups?: Readonly<Record<string, NodeGroupVariable>>;
  /** How pods get AWS credentials: Pod Identity on EC2 nodes, IRSA on Fargate. */
  readonly workloadIdentity: WorkloadIdentity;
  /** Where cluster-critical add-ons run (system nodes). Undefined: anywhere. */
  readonly systemPlacement?: Placement;
  /** What scales the nodes (setting `autoscaler` of node-group blueprints). Undefined: nothing (Fargate). */
  readonly autoscaler?: Autoscaler;
  /** IP family, NetworkPolicy engine and VPC CNI modes. */
  readonly networking: PodNetworking;
}

/** The cluster module, as an add-on sees it. */
export interface ClusterSide extends BlueprintFacts {
  readonly identity: ClusterIdentityRefs;
  /** The cluster's VPC and the private subnets its workloads run in (file system mount targets, scrapers). */
  readonly network: Pick<NetworkRefs, "vpcId" | "privateSubnetIds">;
  /** The security group EKS creates for the cluster; managed nodes and Fargate pods carry it too. */
  readonly clusterSecurityGroupId: string;
  /** `var.kubernetes_version`, as a token. */
  readonly kubernetesVersion: string;
  /** The compute the add-on's pods run on; `afterCompute` add-ons depend on it. */
  readonly computeResources: readonly ITerraformDependable[];
  /** `local.eks_addon_versions[var.kubernetes_version].<key>`: an EKS add-on version that follows the control plane. */
  versionForCluster(key: string): string;
  handOff(handoff: Handoff, value: string): void;
}

/** The add-ons module, as an add-on sees it. */
export interface AddonsSide extends BlueprintFacts {
  /** The cluster looked up by name: its name, region and VPC. */
  readonly cluster: AddonContext;
  /** Resources of the add-ons named in `after` that this blueprint has (empty when none are present). */
  readonly prerequisites: ITerraformDependable[];
  input(handoff: Handoff): string;
}

/** A class of add-on, as `after` names it. */
// Constructor parameters vary per add-on; only the instance type matters for `instanceof`.
export type AddonClass = abstract new (...args: never[]) => AnyAddon;

export type AnyAddon = Addon<string, unknown>;

export abstract class Addon<Key extends string = string, Settings = undefined> {
  /** The add-on's key under the blueprint's `addons` settings. */
  abstract readonly key: Key;
  /** Schema of `addons.<key>`, defaults included. Undefined: the add-on has no settings. */
  readonly settings?: z.ZodType<Settings>;
  /** Whether its cluster-module side goes before the compute (nodes need it to become Ready) or after. */
  readonly clusterPhase: "beforeCompute" | "afterCompute" = "afterCompute";
  /** Add-ons whose Kubernetes side must be ready before this one's. Default none. */
  readonly after: readonly AddonClass[] = [];

  /** Whether the blueprint gets this add-on at all with these settings. Default: always. */
  isEnabled(_settings: Settings, _facts: BlueprintFacts): boolean {
    return true;
  }

  /** Cluster-module side; a `beforeCompute` add-on returns what the compute waits for. Default: nothing. */
  buildCluster(_scope: Construct, _side: ClusterSide, _settings: Settings): ITerraformDependable[] {
    return [];
  }

  /** Add-ons-module side; returns what later add-ons that name this one in `after` wait for. Default: nothing. */
  buildAddons(_scope: Construct, _side: AddonsSide, _settings: Settings): ITerraformDependable[] {
    return [];
  }
}

type WithSettings<A> = A extends Addon<infer K, infer S> ? (S extends undefined ? never : K) : never;
type SettingsOf<L extends readonly AnyAddon[], K> = Extract<L[number], { key: K }> extends Addon<string, infer S> ? S : never;

/** The `addons` settings of a blueprint whose add-on list is L: one key per add-on that has settings. */
export type AddonSettings<L extends readonly AnyAddon[]> = { readonly [K in WithSettings<L[number]>]: SettingsOf<L, K> };

/** A setting a blueprint rejects with a reason, rather than a bare "unknown setting". */
export function rejectedSetting(reason: string) {
  return z.never({ error: `unknown setting: ${reason}` }).optional();
}

/**
 * The zod schema of a blueprint's `addons` settings, built from its add-on list. `rejected` names settings
 * other blueprints have, with the reason this one refuses them (a clearer error than "unknown setting").
 */
export function addonSettingsSchema<L extends readonly AnyAddon[]>(
  addons: L,
  rejected: Readonly<Record<string, string>> = {},
): z.ZodType<AddonSettings<L>, unknown> {
  const shape: Record<string, z.ZodType> = {};
  for (const addon of addons) if (addon.settings) shape[addon.key] = addon.settings;
  for (const [key, reason] of Object.entries(rejected)) shape[key] = rejectedSetting(reason);
  return z.strictObject(shape).prefault({}) as unknown as z.ZodType<AddonSettings<L>, unknown>;
}

/** The settings of one add-on out of a blueprint's parsed `addons` settings. */
export function settingsOf(addon: AnyAddon, addons: unknown): unknown {
  return (addons as Readonly<Record<string, unknown>>)[addon.key];
}
