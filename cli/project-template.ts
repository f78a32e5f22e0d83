import { randomUUID } from "crypto";
import { stringify } from "yaml";
import { PACKAGE_NAME, packageJson } from "./package-root";

/** What `init` asked for: a blueprint and the settings chosen for it (already validated). */
export interface ProjectChoices {
  readonly projectName: string;
  readonly blueprint: { readonly name: string; readonly summary: string };
  readonly settings: { readonly clusterName: string; readonly region: string; readonly kubernetesVersion: string };
  /** How the project depends on this package: a version (default: ours) or `file:/abs/path`. */
  readonly packageSpec: string;
}

export const SETTINGS_FILE = "blueprint.yaml";

/** Every file of a new CDKTF project for one blueprint: relative path → content. */
export function projectFiles(choices: ProjectChoices): Map<string, string> {
  return new Map([
    ["package.json", packageManifest(choices)],
    ["cdktf.json", json({ language: "typescript", app: "npx ts-node main.ts", projectId: randomUUID(), sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} })],
    ["tsconfig.json", tsconfig()],
    [SETTINGS_FILE, settingsFile(choices)],
    ["main.ts", mainTs(choices)],
    ["__tests__/blueprint.test.ts", testTs()],
    ["README.md", readme(choices)],
    [".gitignore", ["node_modules/", "cdktf.out/", ".gen/", ".terraform/", "*.tfstate", "*.tfstate.*", ""].join("\n")],
  ]);
}

/** An npm package name from a directory name. */
export function projectNameFor(dirName: string): string {
  const name = dirName.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "").replace(/-+$/, "").slice(0, 214);
  return name || "eks-cluster";
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function packageManifest({ projectName, blueprint, packageSpec }: ProjectChoices): string {
  const ours = packageJson();
  const pin = (name: string) => {
    const version = ours.dependencies?.[name] ?? ours.devDependencies?.[name];
    if (!version) throw new Error(`${PACKAGE_NAME}'s package.json pins no version of ${name}`);
    return version;
  };
  const stacks = (order: "deploy" | "destroy") => (order === "deploy" ? ["cluster", "addons"] : ["addons", "cluster"]).map((s) => `${blueprint.name}-${s}`).join(" ");
  return json({
    name: projectName,
    version: "0.1.0",
    private: true,
    description: `Amazon EKS cluster from the ${blueprint.name} blueprint of ${PACKAGE_NAME}`,
    scripts: {
      synth: `${PACKAGE_NAME} synth --config ${SETTINGS_FILE} --out generated`,
      check: `${PACKAGE_NAME} synth --config ${SETTINGS_FILE} --out generated --check`,
      validate: `${PACKAGE_NAME} validate generated`,
      // CHECKPOINT_DISABLE: cdktf's version/telemetry check calls out on every run and prints an error offline.
      deploy: `CHECKPOINT_DISABLE=1 cdktf deploy ${stacks("deploy")}`,
      destroy: `CHECKPOINT_DISABLE=1 cdktf destroy ${stacks("destroy")}`,
      test: "jest",
      typecheck: "tsc --noEmit",
    },
    dependencies: {
      [PACKAGE_NAME]: packageSpec,
      cdktf: pin("cdktf"),
      constructs: pin("constructs"),
    },
    devDependencies: Object.fromEntries(["@types/jest", "@types/node", "cdktf-cli", "jest", "ts-jest", "ts-node", "typescript"].map((n) => [n, pin(n)])),
    jest: {
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__"],
      transform: { "^.+\\.ts$": "ts-jest" },
      testTimeout: 60000,
    },
  });
}

function tsconfig(): string {
  return json({
    compilerOptions: {
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node",
      lib: ["ES2022"],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node", "jest"],
    },
    include: ["main.ts", "__tests__"],
    exclude: ["node_modules", "cdktf.out", "generated"],
  });
}

function settingsFile({ blueprint, settings }: ProjectChoices): string {
  return [
    `# yaml-language-server: $schema=./node_modules/${PACKAGE_NAME}/schemas/${blueprint.name}.schema.json`,
    `#`,
    `# Settings of the ${blueprint.name} blueprint: the same shape as its TypeScript props, checked by the`,
    `# same schema. Every setting left out takes its default; your editor completes the others`,
    `# (network, endpoint, nodeGroups, addons, tags, ...) from the JSON Schema named above.`,
    `#   npm run synth    Terraform JSON modules in generated/${blueprint.name}/{cluster,addons}`,
    `#   npm run deploy   deploy both stacks with cdktf (main.ts reads this file too)`,
    stringify({ blueprint: blueprint.name, ...settings }).trimEnd(),
    "",
  ].join("\n");
}

function mainTs({ blueprint }: ProjectChoices): string {
  return `import * as path from "path";
import { App } from "cdktf";
import { buildBlueprintStacks, loadBlueprintConfig } from "${PACKAGE_NAME}";

/**
 * The CDKTF app behind \`npm run deploy\`: the ${blueprint.name} blueprint as two stacks,
 * ${blueprint.name}-cluster and ${blueprint.name}-addons (deployed in that order), with the settings in
 * ${SETTINGS_FILE}, the same file \`npm run synth\` turns into Terraform modules.
 */
const { blueprint, settings } = loadBlueprintConfig(path.join(__dirname, "${SETTINGS_FILE}"), { blueprint: "${blueprint.name}" });
const app = new App();
buildBlueprintStacks(app, blueprint, settings, "deploy");
app.synth();
`;
}

function testTs(): string {
  return `import * as path from "path";
import { Testing } from "cdktf";
import { buildBlueprintStacks, generateModules, loadBlueprintConfig } from "${PACKAGE_NAME}";

const config = loadBlueprintConfig(path.join(__dirname, "..", "${SETTINGS_FILE}"));

test("${SETTINGS_FILE} is valid and synthesizes both modules", () => {
  const files = [...generateModules([config]).keys()];
  expect(files).toContain(\`\${config.blueprint.name}/cluster/main.tf.json\`);
  expect(files).toContain(\`\${config.blueprint.name}/addons/main.tf.json\`);
});

test("the deploy stacks build with these settings", () => {
  const stacks = buildBlueprintStacks(Testing.app(), config.blueprint, config.settings, "deploy");
  expect(Testing.synth(stacks.cluster)).toContain("aws_eks_cluster");
});
`;
}

function readme({ projectName, blueprint, settings, packageSpec }: ProjectChoices): string {
  return `# ${projectName}

Amazon EKS cluster **${settings.clusterName}** in ${settings.region} (Kubernetes ${settings.kubernetesVersion}),
built from the **${blueprint.name}** blueprint of \`${PACKAGE_NAME}\`:
${blueprint.summary}

## Layout

| file | what it is |
| --- | --- |
| \`${SETTINGS_FILE}\` | the blueprint's settings; the one file to edit |
| \`main.ts\` | the CDKTF app (\`npm run deploy\`), reading \`${SETTINGS_FILE}\` |
| \`generated/${blueprint.name}/\` | plain Terraform JSON modules, \`cluster\` and \`addons\` (\`npm run synth\`) |
| \`__tests__/\` | checks that the settings are valid and the stacks build (\`npm test\`) |

## Use

\`\`\`sh
npm install
npm run synth      # ${SETTINGS_FILE} -> generated/${blueprint.name}/{cluster,addons}
npm run check      # exit 1 if generated/ is stale (for CI)
npm run validate   # offline terraform validate of generated/ (needs the terraform binary)
npm test
npm run deploy     # cdktf deploy ${blueprint.name}-cluster ${blueprint.name}-addons (needs AWS credentials)
\`\`\`

\`npm run deploy\` and \`npm run destroy\` set \`CHECKPOINT_DISABLE=1\`, which stops cdktf's version check
(an HTTP call on every run that prints \`getaddrinfo ENOTFOUND\` without network). Run \`npx cdktf …\`
yourself with it too, or export it in your shell or CI.

Two ways to ship it: use the modules in \`generated/\` from your own Terraform (see
\`generated/${blueprint.name}/README.md\` for their inputs, outputs and how to wire cluster to add-ons),
or deploy the two stacks with \`npm run deploy\`.

## Settings

\`${SETTINGS_FILE}\` has the same shape as the blueprint's TypeScript props and is checked by the same
schema. Editors with the YAML language server (VS Code's YAML extension, for one) complete and check it
through the \`# yaml-language-server: $schema=...\` line at its top. Mistakes are reported with the
field and the rule, for example:

\`\`\`
error: invalid settings for blueprint "${blueprint.name}" in ${SETTINGS_FILE}:
  ${SETTINGS_FILE}:9:1: nodeGroup: unknown setting (did you mean nodeGroups?)
\`\`\`

See what else the blueprint can do with \`npx ${PACKAGE_NAME} list\`.

## Where ${PACKAGE_NAME} comes from

\`package.json\` depends on \`"${PACKAGE_NAME}": "${packageSpec}"\`${packageSpec.startsWith("file:") ? ", the checkout \`init\` ran from: \`npm install\` links it, so it works on this machine only" : ""}.
Any npm dependency spec works; change it and run \`npm install\`:

| spec | when |
| --- | --- |
| \`file:/path/to/checkout\` | trying it out from a local checkout (what \`init\` writes when run from one) |
| \`git+https://<your-host>/<org>/${PACKAGE_NAME}.git#<tag>\` | a team sharing an unreleased version: npm clones the tag and builds it (its \`prepare\` script) |
| \`file:./vendor/${PACKAGE_NAME}-<version>.tgz\` | a tarball made with \`npm pack\` in the checkout, committed or on an internal server |
| \`<version>\` | once the package is published to your registry (what \`init\` writes when run from an installed package) |
`;
}
