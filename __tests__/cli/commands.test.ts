import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { blueprints } from "../../blueprints/registry";
import { generateModules } from "../../emitter/generate";
import { CLI, REPO, run, runCli, snapshot, tempDir } from "./run-cli";

const version = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version as string;
const TRACE = path.join(__dirname, "fixtures", "trace-requires.js");

/** Run the CLI with a preload that records which module files it loaded. */
async function traced(args: string[]): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
  const out = path.join(tempDir("trace"), "loaded.json");
  const result = await run(process.execPath, ["-r", TRACE, CLI, ...args], { env: { TRACE_REQUIRES_OUT: out } });
  return { code: result.code, stdout: result.stdout, loaded: JSON.parse(fs.readFileSync(out, "utf8")) as string[] };
}

const heavy = (loaded: string[]) => loaded.filter((f) => /node_modules[\\/](@cdktf[\\/]provider-|cdktf[\\/]|constructs[\\/])/.test(f));

describe("help, version, list", () => {
  test("--help names every command and the exit codes, and loads neither cdktf nor a provider binding", async () => {
    const { code, stdout, loaded } = await traced(["--help"]);
    expect(code).toBe(0);
    for (const command of ["init [options] [dir]", "list [options]", "synth [options]", "validate [options] [dir...]"]) expect(stdout).toContain(command);
    expect(stdout).toContain("2  bad input or usage");
    expect(heavy(loaded)).toEqual([]);
  });

  test.each([
    ["init", ["--blueprint <name>", "--name <cluster>", "--region <region>", "--kubernetes-version <version>", "--yes", "--force", "--package-spec <spec>", "0    the project was written", "130  cancelled at a prompt"]],
    ["synth", ["--blueprint <name>", "--all", "--config <file>", "--out <dir>", "--check", "One blueprint replaces <out>/<blueprint>/ only", "never replaces a\ndirectory holding files it did not write"]],
    ["validate", ["[dir...]", "--json", "--concurrency <n>"]],
    ["list", ["--json"]],
  ])("%s --help", async (command, expected) => {
    const result = await runCli([command, "--help"]);
    expect(result.code).toBe(0);
    for (const text of expected) expect(result.stdout).toContain(text);
  });

  test("init --help lists init's own exit codes, not synth's or validate's", async () => {
    const result = await runCli(["init", "--help"]);
    expect(result.stdout).not.toContain("synth --check");
    expect(result.stdout).not.toContain("validate:");
  });

  test("synth --help does not suggest writing into modules/ (this repository's TypeScript)", async () => {
    const result = await runCli(["synth", "--help"]);
    expect(result.stdout).not.toMatch(/--out modules\b/);
  });

  // The reader (`true`) is gone before the CLI writes, as when `head` has read its lines: every write meets EPIPE.
  test.each([["--help"], ["list"], ["synth", "--help"]])("`%s | head`: a closed pipe ends the command quietly with exit 0", async (...args) => {
    const result = await run("bash", ["-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args.join(" ")} | true; exit \${PIPESTATUS[0]}`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("--version prints the package version", async () => {
    const result = await runCli(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  test("list shows each blueprint, what it composes and when to pick it, without loading cdktf or the providers", async () => {
    const { code, stdout, loaded } = await traced(["list"]);
    expect(code).toBe(0);
    for (const b of blueprints) {
      expect(stdout).toContain(`${b.name}  ${b.summary}`);
      for (const part of b.composes) expect(stdout).toContain(`    - ${part}`);
      expect(stdout).toContain(`  when to use: ${b.whenToUse}`);
    }
    expect(heavy(loaded)).toEqual([]);
  });

  test("list --json", async () => {
    const result = await runCli(["list", "--json"]);
    expect(JSON.parse(result.stdout).map((b: { name: string }) => b.name)).toEqual(blueprints.map((b) => b.name));
  });
});

describe("synth", () => {
  const settings = { clusterName: "demo", region: "eu-west-1", nodeGroups: { web: { instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 2, maxSize: 4 } } };
  const expected = generateModules([{ blueprint: blueprints.find((b) => b.name === "baseline")!, settings }]);
  let dir: string;

  beforeAll(() => {
    dir = tempDir("synth");
    fs.writeFileSync(path.join(dir, "blueprint.yaml"), ["# yaml-language-server: $schema=schemas/baseline.schema.json", "blueprint: baseline", "clusterName: demo", "region: eu-west-1", "nodeGroups:", "  web: {instanceTypes: [m6i.large], minSize: 1, desiredSize: 2, maxSize: 4}", ""].join("\n"));
    fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({ $schema: "schemas/baseline.schema.json", ...settings }));
    fs.mkdirSync(path.join(dir, "out", "other"), { recursive: true });
    fs.writeFileSync(path.join(dir, "out", "other", "keep.txt"), "not ours\n");
  });

  test("a YAML settings file → <out>/<blueprint>/, exactly what the library generates; other directories stay", async () => {
    const result = await runCli(["synth", "--config", "blueprint.yaml", "--out", "out"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^generated baseline: \d+ files \(\d+\.\d s\)\nwrote \d+ files to out\/baseline\n$/);
    const written = snapshot(path.join(dir, "out"));
    for (const [file, content] of expected) expect(written[file]).toBe(content);
    expect(Object.keys(written).filter((f) => !f.endsWith("/"))).toHaveLength(expected.size + 2); // + other/keep.txt and the marker
    expect(JSON.parse(written["baseline/.generated-by-cdktf-eks-blueprints.json"]).files).toEqual([...expected.keys()].map((f) => f.slice("baseline/".length)).sort());
    expect(written["other/keep.txt"]).toBe("not ours\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["blueprint.yaml", "out", "settings.json"]); // no cdktf.out, no staging left over
  });

  test("--check: 0 when up to date; a JSON file with --blueprint gives the same modules", async () => {
    const yaml = await runCli(["synth", "--config", "blueprint.yaml", "--out", "out", "--check"], { cwd: dir });
    expect(yaml).toMatchObject({ code: 0 });
    expect(yaml.stdout).toContain("out is up to date");
    const json = await runCli(["synth", "--config", "settings.json", "--blueprint", "baseline", "--out", "out", "--check"], { cwd: dir });
    expect(json.code).toBe(0);
  });

  test("--check: 1 with the stale files when out/ differs, and writes nothing", async () => {
    const main = path.join(dir, "out", "baseline", "cluster", "main.tf.json");
    fs.appendFileSync(main, " ");
    fs.writeFileSync(path.join(dir, "out", "baseline", "leftover.tf.json"), "{}");
    const before = snapshot(dir);
    const result = await runCli(["synth", "--config", "blueprint.yaml", "--out", "out", "--check"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("out is stale: 2 file(s) differ from what synth would write:");
    expect(result.stdout).toContain("out/baseline/cluster/main.tf.json (changed)");
    expect(result.stdout).toContain("out/baseline/leftover.tf.json (not generated any more)");
    expect(snapshot(dir)).toEqual(before);
  });

  test("--all replaces <out> with every blueprint at its defaults; --check on a missing directory is stale", async () => {
    const missing = await runCli(["synth", "--all", "--out", "all", "--check"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("baseline/cluster/main.tf.json (missing)");
    expect(fs.existsSync(path.join(dir, "all"))).toBe(false);
    const result = await runCli(["synth", "--all", "--out", "all"], { cwd: dir });
    expect(result.code).toBe(0);
    for (const b of blueprints) expect(result.stdout).toContain(`generated ${b.name}: `);
    expect(fs.readdirSync(path.join(dir, "all")).sort()).toEqual([".generated-by-cdktf-eks-blueprints.json", ...blueprints.map((b) => b.name).sort()]);
  });

  test("synth refuses, before any work and writing nothing, to replace a directory holding files it did not write", async () => {
    const user = tempDir("synth-clobber");
    fs.mkdirSync(path.join(user, "modules"));
    fs.writeFileSync(path.join(user, "modules", "keep.ts"), "export const mine = 1;\n");
    const before = snapshot(user);
    const all = await runCli(["synth", "--all", "--out", "modules"], { cwd: user });
    expect(all.code).toBe(2);
    expect(all.stderr).toContain("error: --out modules: modules holds files synth did not write (keep.ts)");
    expect(all.stdout).toBe(""); // refused before generating anything
    expect(snapshot(user)).toEqual(before);

    // One blueprint: its own directory is what is replaced; a file of the user's in it stops synth too.
    expect((await runCli(["synth", "--blueprint", "baseline", "--out", "gen"], { cwd: user })).code).toBe(0);
    fs.writeFileSync(path.join(user, "gen", "baseline", "cluster", "backend.tf"), "terraform {}\n");
    const again = await runCli(["synth", "--blueprint", "baseline", "--out", "gen"], { cwd: user });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("gen/baseline holds files synth did not write (cluster/backend.tf)");
    expect(fs.readFileSync(path.join(user, "gen", "baseline", "cluster", "backend.tf"), "utf8")).toBe("terraform {}\n");
    fs.rmSync(path.join(user, "gen", "baseline", "cluster", "backend.tf"));
    expect((await runCli(["synth", "--all", "--out", "gen"], { cwd: user })).code).toBe(0); // all of gen/ is ours
  });
});

describe("validate", () => {
  test("delegates to the offline validator: 0 for generated modules, 1 when none is found", async () => {
    const dir = tempDir("validate");
    expect((await runCli(["synth", "--blueprint", "baseline", "--out", "gen"], { cwd: dir })).code).toBe(0);
    const ok = await runCli(["validate", "gen"], { cwd: dir });
    expect(ok.stdout).toContain("validated 2 module(s)");
    expect(ok.code).toBe(0);
    const none = await runCli(["validate", "nothing-here"], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no Terraform module (directory with *.tf or *.tf.json files)");
  }, 120_000);

  test("without a terraform binary: exit 2, naming the version the modules need", async () => {
    const result = await runCli(["validate", "generated"], { env: { PATH: "", TERRAFORM_BINARY: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Install Terraform >= 1.9");
  });
});

/** A pseudo-terminal through util-linux `script`, where available. */
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

(hasScript ? describe : describe.skip)("on a terminal", () => {
  const onTty = (args: string, env: NodeJS.ProcessEnv = {}) =>
    run("script", ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args}`, "/dev/null"], { cwd: tempDir("tty"), env: { CI: "", ...env } });

  test("errors are red, unless NO_COLOR is set", async () => {
    const coloured = await onTty("synth --blueprint nope");
    expect(coloured.stdout).toContain("\u001b[31m");
    expect(coloured.stdout).toContain('unknown blueprint "nope"');
    const plain = await onTty("synth --blueprint nope", { NO_COLOR: "1" });
    expect(plain.stdout).toContain('error: unknown blueprint "nope"');
    expect(plain.stdout).not.toContain("\u001b[");
  });

  test("long steps show a progress line that is replaced when the step is done", async () => {
    const result = await onTty("synth --blueprint baseline --out out", { NO_COLOR: "1" });
    expect(result.stdout).toContain("… generating baseline modules");
    expect(result.stdout).toMatch(/\r\u001b\[2K✔ generated baseline: \d+ files/);
  });
});
