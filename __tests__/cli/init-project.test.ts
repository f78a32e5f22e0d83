import { VERSIONS_NEEDING_EXTENDED_SUPPORT } from "../../modules/rules";
import * as fs from "fs";
import * as path from "path";
import { findBlueprint } from "../../blueprints/registry";
import { generateModules } from "../../emitter/generate";
import { kubernetesVersions } from "../../modules/catalog";
import { REPO, run, runCli, snapshot, tempDir } from "./run-cli";

/**
 * The whole path a user takes, as the README writes it: `init` with no --package-spec (run from this
 * checkout, the project depends on it as `file:<checkout>`), `npm install`, `npm run synth` its
 * modules, check them, and run its CDKTF app.
 * Dev dependencies (cdktf-cli, jest, ts-node, typescript) are left out of the install to keep it
 * quick; main.ts is compiled with this repository's TypeScript instead.
 */
describe("init → npm install → npm run synth", () => {
  const root = tempDir("init");
  const project = path.join(root, "edge-cluster");
  // The oldest version new clusters may start on with standard support.
  const version = kubernetesVersions.filter((v) => !VERSIONS_NEEDING_EXTENDED_SUPPORT.includes(v))[0];

  test("a new project installs, synthesizes its modules, is up to date, and its app builds the deploy stacks", async () => {
    const init = await runCli(["init", project, "--blueprint", "baseline", "--name", "edge-1", "--region", "eu-central-1", "--kubernetes-version", version]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`created ${project}: baseline blueprint, cluster edge-1 in eu-central-1, Kubernetes ${version}`);
    expect(init.stdout).toContain(`depends on cdktf-eks-blueprints file:${REPO} (this checkout`);
    expect(Object.keys(snapshot(project)).sort()).toEqual([".gitignore", "README.md", "__tests__/", "__tests__/blueprint.test.ts", "blueprint.yaml", "cdktf.json", "main.ts", "package.json", "tsconfig.json"]);
    expect(fs.statSync(project).mode & 0o777).not.toBe(0o700);

    const readme = fs.readFileSync(path.join(project, "README.md"), "utf8");
    expect(readme).not.toContain("npmjs.com"); // no link to a registry page that does not exist before a release
    expect(readme).toContain(`depends on \`"cdktf-eks-blueprints": "file:${REPO}"\``);
    expect(readme).toContain("git+https://");
    const manifest = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
    expect(manifest.dependencies["cdktf-eks-blueprints"]).toBe(`file:${REPO}`);
    expect(manifest.scripts.synth).toBe("cdktf-eks-blueprints synth --config blueprint.yaml --out generated");
    expect(manifest.scripts.deploy).toBe("CHECKPOINT_DISABLE=1 cdktf deploy baseline-cluster baseline-addons");
    expect(fs.readFileSync(path.join(project, "blueprint.yaml"), "utf8")).toContain(
      ["blueprint: baseline", "clusterName: edge-1", "region: eu-central-1", `kubernetesVersion: "${version}"`].join("\n"),
    );

    // --ignore-scripts: npm runs a file: dependency's `prepare`, which would rebuild this checkout's
    // dist/ while other test files run it; the build is current (npm test builds first).
    const install = await run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], { cwd: project });
    expect(install.stderr.replace(/npm warn[^\n]*\n/gi, "")).toBe("");
    expect(install.code).toBe(0);
    // The editor's schema, as blueprint.yaml's first line names it, is in the installed package.
    expect(fs.existsSync(path.join(project, "node_modules", "cdktf-eks-blueprints", "schemas", "baseline.schema.json"))).toBe(true);

    const synth = await run("npm", ["run", "--silent", "synth"], { cwd: project });
    expect(synth.stderr.replace(/npm warn[^\n]*\n/gi, "")).toBe("");
    expect(synth.code).toBe(0);
    const expected = generateModules([{ blueprint: findBlueprint("baseline"), settings: { clusterName: "edge-1", region: "eu-central-1", kubernetesVersion: version } }]);
    const written = snapshot(path.join(project, "generated"));
    expect(Object.keys(written).filter((f) => !f.endsWith("/")).sort()).toEqual(["baseline/.generated-by-cdktf-eks-blueprints.json", ...expected.keys()].sort());
    for (const [file, content] of expected) expect(written[file]).toBe(content);

    const check = await run("npm", ["run", "--silent", "check"], { cwd: project });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("generated is up to date");

    // main.ts type-checks against the package's declarations and, run, synthesizes both deploy stacks.
    const tsc = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
    const types = ["--typeRoots", path.join(REPO, "node_modules", "@types"), "--types", "node"];
    const compile = await run(process.execPath, [tsc, "--strict", "--esModuleInterop", "--skipLibCheck", "--module", "commonjs", "--target", "ES2022", "--moduleResolution", "node", ...types, "--outDir", ".build", "main.ts"], { cwd: project });
    expect(compile.stdout).toBe("");
    expect(compile.code).toBe(0);
    fs.copyFileSync(path.join(project, "blueprint.yaml"), path.join(project, ".build", "blueprint.yaml"));
    const app = await run(process.execPath, [path.join(".build", "main.js")], { cwd: project });
    expect(app.stderr).toBe("");
    expect(app.code).toBe(0);
    const stacks = path.join(project, "cdktf.out", "stacks");
    expect(fs.readdirSync(stacks).sort()).toEqual(["baseline-addons", "baseline-cluster"]);
    const cluster = JSON.parse(fs.readFileSync(path.join(stacks, "baseline-cluster", "cdk.tf.json"), "utf8"));
    expect(cluster.provider.aws[0].region).toBe("eu-central-1");
  }, 300_000);

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
});
