import { Blueprint } from "../blueprints/blueprint";
import { ModuleFiles } from "./emit-module";

export function blueprintReadme(blueprint: Blueprint, _cluster: ModuleFiles, _addons: ModuleFiles): string {
  return `# ${blueprint.name}\n\n${blueprint.summary}\n`;
}
