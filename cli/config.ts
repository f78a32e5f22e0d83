import type { Blueprint } from "../blueprints/blueprint";
import { findBlueprint } from "../blueprints/registry";
import { chooseBlueprintName, readSettingsFile, SettingsFileError } from "./settings-file";

/** A settings file resolved to its blueprint: ready for `generateModules([config])` or `buildBlueprintStacks`. */
export interface BlueprintConfig {
  readonly blueprint: Blueprint;
  /** The settings as written (without `blueprint` and `$schema`); validated when modules or stacks are built. */
  readonly settings: Record<string, unknown>;
}

/**
 * Read a settings file (YAML, or JSON for `.json`) and find its blueprint: its `blueprint:` key, or
 * `options.blueprint` (which must agree with the key when both are given).
 */
export function loadBlueprintConfig(file: string, options: { blueprint?: string } = {}): BlueprintConfig {
  const parsed = readSettingsFile(file);
  const name = chooseBlueprintName(options.blueprint, parsed);
  if (!name) throw new SettingsFileError(`${file}: name the blueprint with a "blueprint:" key (or pass the blueprint's name)`);
  return { blueprint: findBlueprint(name), settings: parsed.settings };
}
