import { blueprints } from "../blueprints/registry";
import { generateModules } from "./generate";
import { writeTreeAtomically } from "./write-tree";

/** `npm start`: every blueprint with its default settings → generated/. */
function main(): void {
  const tree = generateModules(blueprints.map((blueprint) => ({ blueprint })));
  writeTreeAtomically("generated", tree);
  console.log(`generated/: ${tree.size} files for ${blueprints.map((b) => b.name).join(", ")}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
