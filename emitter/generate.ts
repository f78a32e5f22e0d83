import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import stackTraceModule = require("cdktf/lib/tokens/private/stack-trace");
import { Blueprint } from "../blueprints/blueprint";
import { buildBlueprintStacks } from "../blueprints/stacks";
import { moduleAssetsOf } from "../modules/module-asset";
import { emitModule, ModuleFiles, renderJson } from "./emit-module";
import { blueprintPlace, blueprintReadme, moduleReadme, ReadmePlace } from "./readme";

/**
 * Emission reads stacks in memory and never writes the app's output directory, but cdktf's App creates
 * it; keep that out of the caller's working directory (the CLI runs in users' projects).
 */
const EMIT_OUTDIR = path.join(os.tmpdir(), "cdktf-eks-blueprints-emit");

/** Relative path → file content, for a whole `generated/` tree. */
export type GeneratedTree = Map<string, string>;

export interface BlueprintRequest {
  readonly blueprint: Blueprint;
  /** Raw settings; validated by the blueprint's schema. Default: the blueprint's defaults. */
  readonly settings?: unknown;
  /**
   * Where the modules go in the tree and what their READMEs say they were made from. Default: the
   * blueprint's name, made from its defaults (`<bp>/cluster`, …); examples go to `examples/<name>/`.
   */
  readonly place?: ReadmePlace;
}

/**
 * Synthesize blueprints into module files in memory: `<bp>/cluster/*.tf.json`, `<bp>/addons/*.tf.json`,
 * a README in each module directory, the files building blocks ship inside a module (`ModuleAsset`, e.g.
 * `<bp>/addons/charts/...`) and `<bp>/README.md`. Throws before anything is returned if any settings are invalid.
 */
export function generateModules(requests: readonly BlueprintRequest[]): GeneratedTree {
  return withoutTokenStackTraces(() => synthesizeAll(requests));
}

function synthesizeAll(requests: readonly BlueprintRequest[]): GeneratedTree {
  const tree: GeneratedTree = new Map();
  for (const { blueprint, settings, place = blueprintPlace(blueprint) } of requests) {
    // One app per blueprint: no stack of one blueprint can see another's constructs.
    fs.mkdirSync(EMIT_OUTDIR, { recursive: true }); // before App's own non-recursive mkdir, which races in parallel runs
    const app = new App({ outdir: EMIT_OUTDIR, skipValidation: true, stackTraces: false, context: { excludeStackIdFromLogicalIds: "true", allowSepCharsInLogicalIds: "true" } });
    const stacks = buildBlueprintStacks(app, blueprint, settings, "module");
    const cluster = emitModule(stacks.cluster);
    const addons = emitModule(stacks.addons);
    const root = place.dir;
    addFiles(tree, `${root}/cluster`, cluster);
    addFiles(tree, `${root}/addons`, addons);
    for (const [stack, dir] of [[stacks.cluster, "cluster"], [stacks.addons, "addons"]] as const) {
      for (const [relative, content] of moduleAssetsOf(stack)) tree.set(`${root}/${dir}/${relative}`, content);
    }
    tree.set(`${root}/README.md`, blueprintReadme(blueprint, cluster, addons, place));
    tree.set(`${root}/cluster/README.md`, moduleReadme(blueprint, "cluster", cluster, place));
    tree.set(`${root}/addons/README.md`, moduleReadme(blueprint, "addons", addons, place));
  }
  return tree;
}

function addFiles(tree: GeneratedTree, dir: string, files: ModuleFiles): void {
  for (const [name, doc] of files) tree.set(`${dir}/${name}`, renderJson(doc));
}

const tokenStackTrace = stackTraceModule as { captureStackTrace: typeof stackTraceModule.captureStackTrace };

/**
 * CDKTF captures a full stack trace (no depth limit) for every token it creates, only to decorate its
 * own diagnostics; capturing was a fifth of synthesis time and much of its garbage. While synthesizing,
 * tokens record no creation stack (through the module's exports, which its callers read at each call,
 * hence the `require` import: a bundler's namespace copy would not reach them), and stacks captured
 * elsewhere are not formatted. V8 formats an error's stack lazily, on first read, so an error thrown
 * out of here still gets its normal stack once the formatter is restored.
 */
function withoutTokenStackTraces<T>(synthesize: () => T): T {
  const capture = tokenStackTrace.captureStackTrace;
  const formatter = Error.prepareStackTrace;
  tokenStackTrace.captureStackTrace = () => [];
  Error.prepareStackTrace = () => "";
  try {
    return synthesize();
  } finally {
    tokenStackTrace.captureStackTrace = capture;
    Error.prepareStackTrace = formatter;
  }
}
