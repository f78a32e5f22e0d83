/**
 * cdktf-eks-blueprints, the library: blueprints, their stacks for `cdktf deploy`, and the module
 * emitter behind `cdktf-eks-blueprints synth`.
 *
 *   const { blueprint, settings } = loadBlueprintConfig("blueprint.yaml");
 *   buildBlueprintStacks(new App(), blueprint, settings, "deploy");          // cdktf deploy
 *   writeTreeAtomically("generated", generateModules([{ blueprint, settings }])); // Terraform modules
 */
import type { z } from "zod";

export { blueprints, findBlueprint, UnknownBlueprintError, type BlueprintName } from "./blueprints/registry";
export type { Blueprint, SettingsSchema, AddonInputs, ComputeScope } from "./blueprints/blueprint";
export { Addon, Handoff, addonSettingsSchema, type AddonsSide, type ClusterSide, type BlueprintFacts } from "./modules/addons/contract";
export { buildBlueprintStacks, type BlueprintStacks, type StackFlavor } from "./blueprints/stacks";
export {
  parseSettings,
  formatSettingsError,
  SettingsError,
  type CommonSettings,
  type NodeGroupSettings,
} from "./blueprints/settings";
export { baseline, baselineSettings, type BaselineSettings } from "./blueprints/baseline";
export { generateModules, type BlueprintRequest, type GeneratedTree } from "./emitter/generate";
export { writeTreeAtomically, staleFiles } from "./emitter/write-tree";
export { loadBlueprintConfig, type BlueprintConfig } from "./cli/config";
export { readSettingsFile, parseSettingsText, SettingsFileError, type SettingsFile } from "./cli/settings-file";

/** The settings a blueprint accepts, as written (defaults optional): `SettingsInput<typeof baseline>`. */
export type SettingsInput<B extends { readonly settings: z.ZodType }> = z.input<B["settings"]>;
/** A blueprint's settings after validation and defaults. */
export type SettingsOutput<B extends { readonly settings: z.ZodType }> = z.output<B["settings"]>;
