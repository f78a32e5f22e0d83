import { Blueprint } from "./blueprint";
import { baseline } from "./baseline";
import { fargateOnly } from "./fargate-only";
import { gpu } from "./gpu";
import { spotCostOptimized } from "./spot-cost-optimized";

/** Every blueprint, in the order `list` shows them. Adding one = one file + one line here. */
export const blueprints = [baseline, spotCostOptimized, fargateOnly, gpu] as const satisfies readonly Blueprint[];

export type BlueprintName = (typeof blueprints)[number]["name"];

export function findBlueprint(name: string): Blueprint {
  const found = blueprints.find((b) => b.name === name);
  if (!found) {
    throw new UnknownBlueprintError(name);
  }
  return found;
}

export class UnknownBlueprintError extends Error {
  constructor(readonly blueprint: string) {
    super(`unknown blueprint "${blueprint}"; available: ${blueprints.map((b) => b.name).join(", ")}`);
    this.name = "UnknownBlueprintError";
  }
}
