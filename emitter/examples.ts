import * as fs from "fs";
import * as path from "path";
import { blueprints } from "../blueprints/registry";
import { SettingsError } from "../blueprints/settings";
import { BlueprintConfig, loadBlueprintConfig } from "../cli/config";
import { BlueprintRequest, GeneratedTree, generateModules } from "./generate";

/**
 * Example settings files: `examples/<name>.yaml`, each as a user writes one (a `blueprint:` key and the
 * settings), synthesized by `npm start` to `generated/examples/<name>/{cluster,addons}` and validated and
 * planned like the blueprints. The file's first comment paragraph says what the example shows.
 */
export const EXAMPLES_DIR = "examples";
/** Where the examples' modules go inside generated/. */
export const GENERATED_EXAMPLES_DIR = "examples";

/** File names become directory names and module sources: keep them plain. */
const EXAMPLE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface Example extends BlueprintConfig {
  /** The file name without `.yaml`: the directory under generated/examples/. */
  readonly name: string;
  /** Path of the settings file, relative to the repository: `examples/<name>.yaml`. */
  readonly file: string;
  /** The first comment paragraph of the file, on one line: what the example shows. */
  readonly description: string;
}

/** An example file that cannot be used: the message names the file and what is wrong. */
export class ExampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExampleError";
  }
}

/** Every `examples/*.yaml` under `root`, by name. Throws ExampleError naming the file when one is unusable. */
export function loadExamples(root: string): Example[] {
  const dir = path.join(root, EXAMPLES_DIR);
  if (!fs.existsSync(dir)) return [];
  // By example name ("karpenter" before "karpenter-spot"), not by file name.
  const stem = (f: string) => f.replace(/\.yaml$/, "");
  const entries = fs.readdirSync(dir).sort((a, b) => (stem(a) < stem(b) ? -1 : stem(a) > stem(b) ? 1 : 0));
  const others = entries.filter((f) => !f.endsWith(".yaml"));
  if (others.length > 0) {
    throw new ExampleError(`${EXAMPLES_DIR}/ holds ${others.join(", ")}: examples are .yaml settings files (examples/<name>.yaml) and nothing else`);
  }
  return entries.map((entry) => {
    const name = entry.slice(0, -".yaml".length);
    const file = `${EXAMPLES_DIR}/${entry}`;
    if (!EXAMPLE_NAME.test(name)) {
      throw new ExampleError(`${file}: example names must be lower-case words joined by hyphens (they become generated/examples/<name>/)`);
    }
    const text = fs.readFileSync(path.join(dir, entry), "utf8");
    const description = leadingComment(text);
    if (!description) throw new ExampleError(`${file}: start the file with a comment saying what the example shows (it is the README's table row)`);
    // An example names its blueprint itself, as a user's settings file does.
    const config = loadBlueprintConfig(path.join(dir, entry));
    return { ...config, name, file, description };
  });
}

/**
 * The first paragraph of comment lines at the top of the file, joined into one line. An editor's
 * modeline (`# yaml-language-server: …`) is not part of it.
 */
export function leadingComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^#\s*yaml-language-server:/.test(line)) continue;
    const comment = /^#\s?(.*)$/.exec(line);
    if (!comment) break;
    const body = comment[1].trim();
    if (body === "") {
      if (lines.length > 0) break;
      continue;
    }
    lines.push(body);
  }
  return lines.join(" ");
}

/** What generateModules needs for one example: its settings, and generated/examples/<name>/ as its place. */
export function exampleRequest(example: Example): BlueprintRequest {
  return {
    blueprint: example.blueprint,
    settings: example.settings,
    place: { name: example.name, dir: `${GENERATED_EXAMPLES_DIR}/${example.name}`, source: example.file, intro: example.description },
  };
}

/**
 * Everything `npm start` writes to generated/: each blueprint with its defaults, each example, and
 * generated/examples/README.md listing the examples. Invalid example settings throw, naming the file.
 */
export function repositoryTree(root: string): GeneratedTree {
  const examples = loadExamples(root);
  const tree = generateModules(blueprints.map((blueprint) => ({ blueprint })));
  for (const example of examples) {
    let part: GeneratedTree;
    try {
      part = generateModules([exampleRequest(example)]);
    } catch (error) {
      if (error instanceof SettingsError) throw new ExampleError(`${example.file}: ${error.message}`);
      throw error;
    }
    for (const [file, content] of part) tree.set(file, content);
  }
  if (examples.length > 0) tree.set(`${GENERATED_EXAMPLES_DIR}/README.md`, examplesIndex(examples));
  return tree;
}

/** The table of examples: README.md carries the same rows (a test keeps them equal). */
export function examplesTable(examples: readonly Example[], linkTo: (example: Example) => string): string {
  return [
    "| example | blueprint | what it shows |",
    "| --- | --- | --- |",
    ...examples.map((e) => `| [\`${e.name}\`](${linkTo(e)}) | ${e.blueprint.name} | ${e.description.replace(/\|/g, "\\|")} |`),
  ].join("\n");
}

function examplesIndex(examples: readonly Example[]): string {
  return [
    "# Examples",
    `<!-- Generated by cdktf-eks-blueprints (npm start). Do not edit: change ${EXAMPLES_DIR}/*.yaml and regenerate. -->`,
    `Each directory holds the \`cluster/\` and \`addons/\` modules synthesized from one settings file in [\`${EXAMPLES_DIR}/\`](../../${EXAMPLES_DIR}/), ` +
      "validated and planned offline by `npm test` like the blueprints. Copy a settings file, change it, and run " +
      "`cdktf-eks-blueprints synth --config <file>` to get your own modules.",
    examplesTable(examples, (e) => `${e.name}/README.md`),
  ].join("\n\n") + "\n";
}
