import * as fs from "fs";
import * as path from "path";
import { blueprints } from "../blueprints/registry";
import { Json, synthesize } from "./helpers";

/**
 * Resource addresses are public API: renaming or removing one makes Terraform destroy the resource
 * on a user's next apply. The addresses of every release are recorded in resource-addresses.json;
 * a change must be deliberate (with a `moved` block for a rename) and recorded by running
 * `UPDATE_ADDRESSES=1 npx jest __tests__/addresses.test.ts`.
 */
const LOCK = path.join(__dirname, "resource-addresses.json");

function addressesOf(module: { merged: Json }): string[] {
  const out: string[] = [];
  for (const [type, instances] of Object.entries((module.merged.resource ?? {}) as Json)) {
    for (const name of Object.keys(instances)) out.push(`${type}.${name}`);
  }
  for (const [type, instances] of Object.entries((module.merged.data ?? {}) as Json)) {
    for (const name of Object.keys(instances)) out.push(`data.${type}.${name}`);
  }
  return out.sort();
}

/** Addresses a module's `moved` blocks move resources away from. */
function movedFrom(module: { files: Map<string, Json> }): string[] {
  return ((module.files.get("migrations.tf.json")?.moved ?? []) as Array<{ from: string }>).map((m) => m.from);
}

const current: Record<string, string[]> = {};
const moved: Record<string, string[]> = {};
// Each blueprint with its defaults, and the node-group blueprints with Karpenter (opt-in, so absent from the defaults).
const variants = [
  ...blueprints.map(({ name }) => ({ key: name, name, settings: undefined as unknown })),
  ...["baseline", "spot-cost-optimized", "gpu"].map((name) => ({ key: `${name}+karpenter`, name, settings: { autoscaler: "karpenter" } as unknown })),
];
for (const { key, name, settings } of variants) {
  const { cluster, addons } = synthesize(name, settings);
  current[`${key}/cluster`] = addressesOf(cluster);
  current[`${key}/addons`] = addressesOf(addons);
  moved[`${key}/cluster`] = movedFrom(cluster);
  moved[`${key}/addons`] = movedFrom(addons);
}

if (process.env.UPDATE_ADDRESSES) {
  fs.writeFileSync(LOCK, JSON.stringify(current, null, 2) + "\n");
}
const locked = JSON.parse(fs.readFileSync(LOCK, "utf8")) as Record<string, string[]>;

describe.each(Object.keys(current))("%s resource addresses", (module) => {
  test("no recorded address disappeared (a rename needs a moved block)", () => {
    const recorded = locked[module] ?? [];
    expect(recorded.filter((a) => !current[module].includes(a) && !moved[module].includes(a))).toEqual([]);
  });

  test("every address is recorded", () => {
    expect(current[module].filter((a) => !(locked[module] ?? []).includes(a))).toEqual([]);
  });
});
