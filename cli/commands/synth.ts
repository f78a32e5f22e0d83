import * as path from "path";
import type { Blueprint } from "../../blueprints/blueprint";
import { CliError, EXIT } from "../errors";
import { assertWritableDir, badInput, unknownBlueprint } from "../problems";
import { chooseBlueprintName, readSettingsFile, SettingsFile } from "../settings-file";
import { color, info, step } from "../ui";

export interface SynthOptions {
  readonly blueprint?: string;
  readonly all?: boolean;
  readonly config?: string;
  readonly out: string;
  readonly check?: boolean;
}

/**
 * `synth`: settings → Terraform JSON modules. One blueprint replaces `<out>/<blueprint>/` and leaves
 * other blueprints' directories alone; `--all` replaces `<out>` with every blueprint at its defaults.
 * `--check` writes nothing: exit 1 and the stale files when `<out>` differs, 0 when up to date.
 */
export async function runSynth(options: SynthOptions): Promise<number> {
  let file: SettingsFile | undefined;
  try {
    file = options.config ? readSettingsFile(options.config) : undefined;
    const name = chooseBlueprintName(options.blueprint, file);
    if (options.all && file) throw new CliError("--all synthesizes every blueprint with its defaults; it takes no --config");
    if (!options.all && !name) {
      throw new CliError(
        options.config
          ? `${options.config} names no blueprint: add a "blueprint:" key or pass --blueprint <name>`
          : "say what to synthesize: --blueprint <name>, --config <settings file>, or --all",
      );
    }
    if (!options.check) assertWritableDir(options.out, "--out");

    const [{ blueprints }, { generateModules }, { ForeignFilesError, foreignFiles, staleFiles, writeTreeAtomically }] = await Promise.all([
      import("../../blueprints/registry"),
      import("../../emitter/generate"),
      import("../../emitter/write-tree"),
    ]);
    const known = blueprints.map((b) => b.name);
    let chosen: readonly Blueprint[] = blueprints;
    if (!options.all) {
      const found = blueprints.find((b) => b.name === name);
      if (!found) throw unknownBlueprint(name!, known);
      chosen = [found];
    }

    // Where the tree goes: the whole <out> for --all, <out>/<blueprint> for one blueprint.
    const single = options.all ? undefined : chosen[0].name;
    const targetDir = single ? path.join(options.out, single) : options.out;
    const notOurs = (files: readonly string[]) => new CliError(`--out ${options.out}: ${new ForeignFilesError(targetDir, files).message}`);
    if (!options.check) {
      // Before minutes of work: a directory with the user's own files in it is never replaced.
      const foreign = foreignFiles(targetDir);
      if (foreign.length > 0) throw notOurs(foreign);
    }

    // Validate every blueprint's settings before building any (generateModules validates first, too).
    const tree = new Map<string, string>();
    for (const blueprint of chosen) {
      const part = await step(
        `generating ${blueprint.name} modules`,
        () => generateModules([{ blueprint, settings: file?.settings ?? {} }]),
        (t) => `generated ${blueprint.name}: ${t.size} files`,
      );
      for (const [k, v] of part) tree.set(k, v);
    }

    const targetTree = single ? stripPrefix(tree, `${single}/`) : tree;
    const shown = (p: string) => (single ? `${single}/${p}` : p);

    if (options.check) {
      const stale = staleFiles(targetDir, targetTree).map(shown);
      if (stale.length === 0) {
        info(`${options.out} is up to date`);
        return EXIT.ok;
      }
      const out = process.stdout;
      info(`${color.yellow(out, `${options.out} is stale`)}: ${stale.length} file(s) differ from what synth would write:`);
      for (const s of stale) info(`  ${path.join(options.out, s)}`);
      info(`run synth without --check to update it`);
      return EXIT.failed;
    }

    try {
      writeTreeAtomically(targetDir, targetTree);
    } catch (error) {
      if (error instanceof ForeignFilesError) throw notOurs(error.files);
      throw new CliError(`--out ${options.out}: cannot write there: ${(error as Error).message}`);
    }
    info(`wrote ${targetTree.size} files to ${targetDir}`);
    return EXIT.ok;
  } catch (error) {
    throw badInput(error, file) ?? error;
  }
}

function stripPrefix(tree: Map<string, string>, prefix: string): Map<string, string> {
  return new Map([...tree].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
