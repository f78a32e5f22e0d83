#!/usr/bin/env node
/**
 * The JavaScript build (no type-checking: `npm test` type-checks with tsc, `npm run build` also writes
 * the declarations). Two outputs in dist/:
 *
 * - every source file transpiled on its own (the library, validate/, and everything tests load);
 * - the process entry points that must start fast bundled into one file each, written over their own
 *   transpiled file, so a command loads one file instead of resolving and compiling ~550. The synth
 *   command keeps the CLI shell (what cli/index.ts loads before dispatching) external, so both share
 *   one copy of its modules (CliError is caught by `instanceof`). The library entry is not bundled:
 *   a user's app must share its cdktf and provider classes with ours.
 *
 * Skipped when nothing it reads has changed since the last build (a content hash in dist/). `--force`
 * rebuilds anyway.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".build-stamp");
const SOURCE_DIRS = ["modules", "blueprints", "emitter", "cli", "validate", "security"];
const SOURCE_FILES = ["main.ts", "index.ts"];
/** Read by the build besides the sources: a change here changes the output. */
const BUILD_INPUTS = ["package-lock.json", "tsconfig.json", "scripts/build.js"];
/** Entry points bundled into one file (each replaces its own transpiled output). */
const BUNDLES = ["cli/commands/synth.ts", "emitter/synth-all.ts", "cli/gen-schemas.ts", "validate/stub-provider.ts"];
/** Bundled with the CLI shell external (see above). */
const CLI_SHELL_BUNDLES = new Set(["cli/commands/synth.ts"]);
const CLI_ENTRY = "cli/index.ts";

// `import()` of a local module becomes require(), as tsc emits it for CommonJS (Node's ESM loader would need extensions).
const common = {
  absWorkingDir: ROOT,
  platform: "node",
  target: "node20",
  format: "cjs",
  supported: { "dynamic-import": false },
  logLevel: "warning",
  tsconfig: path.join(ROOT, "tsconfig.json"),
  // ESM entry points first: UMD builds (jsonc-parser's) require their parts dynamically, which a bundle cannot follow.
  mainFields: ["module", "main"],
};

function listSources() {
  const files = [...SOURCE_FILES];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if ((entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || entry.name.endsWith(".json")) files.push(rel);
    }
  };
  SOURCE_DIRS.forEach(walk);
  return files.sort();
}

function fingerprint(sources) {
  const hash = crypto.createHash("sha256").update(process.version);
  for (const file of [...sources, ...BUILD_INPUTS]) {
    hash.update(file).update("\0").update(fs.readFileSync(path.join(ROOT, file))).update("\0");
  }
  return hash.digest("hex");
}

/** Transpiled outputs whose source is gone would still load (and be tested); remove them. */
function removeOrphans(sources) {
  const expected = new Set(sources.map((s) => s.replace(/\.ts$/, "")));
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|d\.ts)$/.test(entry.name)) {
        const rel = path.relative(DIST, full).split(path.sep).join("/").replace(/(\.d\.ts|\.js)$/, "");
        if (!expected.has(rel) && !rel.startsWith("__tests__/")) fs.rmSync(full);
      }
    }
  };
  walk(DIST);
}

/** Absolute paths of the local modules cli/index.ts loads itself (its commands are loaded lazily). */
async function cliShell() {
  const result = await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, CLI_ENTRY)],
    bundle: true,
    packages: "external",
    write: false,
    metafile: true,
    outfile: path.join(DIST, "shell.js"),
    plugins: [
      {
        name: "commands-external",
        setup(build) {
          build.onResolve({ filter: /^\.\/commands\// }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  return new Set(Object.keys(result.metafile.inputs).map((input) => path.resolve(ROOT, input)));
}

/** Keeps the given source modules out of a bundle: they are required from their transpiled files. */
function externalModules(modules, outfile) {
  return {
    name: "shared-modules-external",
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const resolved = path.resolve(args.resolveDir, args.path);
        const source = [`${resolved}.ts`, path.join(resolved, "index.ts")].find((candidate) => modules.has(candidate));
        if (!source) return undefined;
        const compiled = path.join(DIST, path.relative(ROOT, source)).replace(/\.ts$/, ".js");
        let relative = path.relative(path.dirname(outfile), compiled).split(path.sep).join("/");
        if (!relative.startsWith(".")) relative = `./${relative}`;
        return { path: relative, external: true };
      });
    },
  };
}

async function main() {
  const force = process.argv.includes("--force");
  const sources = listSources();
  const stamp = fingerprint(sources);
  if (!force && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === stamp) return;

  const started = Date.now();
  fs.rmSync(STAMP, { force: true }); // an interrupted build must not look complete
  const code = sources.filter((s) => s.endsWith(".ts"));
  removeOrphans(code);
  await esbuild.build({ ...common, entryPoints: code.map((s) => path.join(ROOT, s)), outdir: DIST, outbase: ROOT });
  // JSON the sources require at run time (the AWS facts snapshots) sits next to their transpiled files.
  for (const json of sources.filter((s) => s.endsWith(".json"))) {
    fs.mkdirSync(path.dirname(path.join(DIST, json)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, json), path.join(DIST, json));
  }
  const shell = await cliShell();
  await Promise.all(
    BUNDLES.map((entry) => {
      const outfile = path.join(DIST, entry.replace(/\.ts$/, ".js"));
      return esbuild.build({
        ...common,
        entryPoints: [path.join(ROOT, entry)],
        bundle: true,
        outfile,
        // jsonc-parser's UMD build requires its parts at run time; a bundle cannot inline them.
        external: ["jsonc-parser"],
        plugins: CLI_SHELL_BUNDLES.has(entry) ? [externalModules(shell, outfile)] : [],
      });
    }),
  );
  fs.writeFileSync(STAMP, stamp);
  if (process.argv.includes("--verbose")) console.log(`built dist/ in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
