import { blueprints } from "../blueprints/registry";
import { loadExamples, repositoryTree } from "./examples";
import { writeTreeAtomically } from "./write-tree";

/** `npm start`: every blueprint with its default settings, and every example settings file → generated/. */
function main(): void {
  const tree = repositoryTree(".");
  writeTreeAtomically("generated", tree);
  const examples = loadExamples(".").map((e) => e.name);
  console.log(`generated/: ${tree.size} files for ${blueprints.map((b) => b.name).join(", ")}; examples: ${examples.join(", ") || "none"}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
