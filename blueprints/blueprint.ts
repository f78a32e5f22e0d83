import { z } from "zod";
import { BlueprintStack } from "../modules/blueprint-stack";
import { ClusterInputs } from "./compose";
import { CommonSettings } from "./settings";

/** A blueprint's settings schema: whatever else it holds, it parses to the common settings. */
export type SettingsSchema = z.ZodType<CommonSettings, unknown>;

/**
 * A blueprint: settings (one zod schema) and a composition of building blocks into two stacks,
 * the cluster (AWS only) and the add-ons (Helm, Kubernetes, AWS lookups).
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
  /** Builds the cluster module's constructs; returns what the add-ons side needs from it. */
  buildCluster(stack: BlueprintStack, settings: z.output<Schema>, inputs: ClusterInputs): ClusterHandoff;
  /** Builds the add-ons module's constructs. */
  buildAddons(stack: BlueprintStack, settings: z.output<Schema>, handoff: AddonInputs): void;
}

/** Values the cluster module produces that the add-ons module takes as inputs (role ARNs for IRSA). */
export type ClusterHandoff = Readonly<Record<string, { readonly value: string; readonly description: string }>>;

/** How the add-ons side reads a handed-off value: a module input, or a cross-stack reference under `cdktf deploy`. */
export interface AddonInputs {
  readonly clusterName: string;
  input(name: string): string;
}
