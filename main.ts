import { App } from "cdktf";
import { blueprints } from "./blueprints/registry";
import { buildBlueprintStacks } from "./blueprints/stacks";

/**
 * The CDKTF app behind `cdktf synth` and `cdktf deploy`: every blueprint as two deploy stacks,
 * `<blueprint>-cluster` and `<blueprint>-addons`, with their default settings.
 * Deploy one with `npx cdktf deploy baseline-cluster baseline-addons`; change settings here.
 */
const app = new App();
for (const blueprint of blueprints) {
  buildBlueprintStacks(app, blueprint, {}, "deploy");
}
app.synth();
