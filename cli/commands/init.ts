import * as fs from "fs";
import { VERSIONS_NEEDING_EXTENDED_SUPPORT } from "../../modules/rules";
import * as path from "path";
import type { Blueprint } from "../../blueprints/blueprint";
import { CatalogEntry, readCatalog, readJsonSchema } from "../catalog";
import { CliError, EXIT } from "../errors";
import { defaultPackageSpec, PACKAGE_NAME } from "../package-root";
import { badInput, unknownBlueprint } from "../problems";
import { settingsErrorMap } from "../../blueprints/settings-messages";
import { ProjectChoices, projectFiles, projectNameFor, SETTINGS_FILE } from "../project-template";
import { color, info } from "../ui";
import { writeProjectAtomically } from "../write-project";

export interface InitOptions {
  readonly blueprint?: string;
  readonly name?: string;
  readonly region?: string;
  readonly kubernetesVersion?: string;
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly packageSpec?: string;
}

type Answers = { blueprint?: string; clusterName?: string; region?: string; kubernetesVersion?: string };

/** Exit code when the person at the terminal cancels a prompt (Ctrl-C), as for SIGINT. */
export const EXIT_CANCELLED = 130;

/**
 * `init [dir]`: a new CDKTF project for one blueprint. Asks for what the flags leave out when a
 * person is at a terminal; otherwise takes flags only (`--yes`: defaults for the rest).
 */
export async function runInit(dirArg: string | undefined, options: InitOptions): Promise<number> {
  const dir = dirArg ?? ".";
  try {
    assertUsableDir(dir, options.force === true);
    const answers: Answers = {
      blueprint: options.blueprint,
      clusterName: options.name,
      region: options.region,
      kubernetesVersion: options.kubernetesVersion,
    };
    const packageSpec = options.packageSpec ?? defaultPackageSpec();
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !options.yes;
    const missing = (["blueprint", "clusterName", "region"] as const).filter((k) => answers[k] === undefined);

    if (missing.length > 0 && interactive) {
      const asked = await ask(answers, dir, packageSpec);
      if (!asked) {
        info("init cancelled; nothing written");
        return EXIT_CANCELLED;
      }
      Object.assign(answers, asked);
    } else if (answers.blueprint === undefined) {
      throw new CliError("--blueprint <name> is required when init cannot ask (no terminal, or --yes); `cdktf-eks-blueprints list` shows the blueprints");
    } else if (missing.length > 0 && !options.yes) {
      const flags = missing.map((k) => (k === "clusterName" ? "--name" : `--${k}`));
      throw new CliError(`${flags.join(" and ")} ${flags.length === 1 ? "is" : "are"} required when init cannot ask (no terminal); pass --yes to take the defaults`);
    }

    const blueprint = loadBlueprint(answers.blueprint!);
    assertFlagsValid(blueprint, options);
    const { parseSettings } = await import("../../blueprints/settings");
    const given = Object.fromEntries(
      (["clusterName", "region", "kubernetesVersion"] as const).filter((k) => answers[k] !== undefined).map((k) => [k, answers[k]]),
    );
    const parsed = parseSettings(blueprint.name, blueprint.settings, given);

    const choices: ProjectChoices = {
      projectName: projectNameFor(path.basename(path.resolve(dir))),
      blueprint: { name: blueprint.name, summary: blueprint.summary },
      settings: { clusterName: parsed.clusterName, region: parsed.region, kubernetesVersion: parsed.kubernetesVersion },
      packageSpec,
    };
    writeProjectAtomically(dir, projectFiles(choices));

    const out = process.stdout;
    info(`${color.green(out, "created")} ${dir}: ${blueprint.name} blueprint, cluster ${parsed.clusterName} in ${parsed.region}, Kubernetes ${parsed.kubernetesVersion}`);
    info(`  depends on ${PACKAGE_NAME} ${packageSpec}${packageSpec.startsWith("file:") ? " (this checkout; see the project README for other ways)" : ""}`);
    info(`next:`);
    if (path.resolve(dir) !== process.cwd()) info(`  cd ${dir}`);
    info(`  npm install`);
    info(`  npm run synth     # ${SETTINGS_FILE} -> generated/${blueprint.name}/{cluster,addons}`);
    info(`  npm test`);
    return EXIT.ok;
  } catch (error) {
    throw badInput(error) ?? error;
  }
}

/** The flag a setting comes from, so that an error names what the user typed. */
const FLAG_OF = { clusterName: "--name", region: "--region", kubernetesVersion: "--kubernetes-version" } as const;

/** Each setting given by flag, checked alone by the blueprint's schema: the error names the flag, not the setting. */
function assertFlagsValid(blueprint: Blueprint, options: InitOptions): void {
  const given = { clusterName: options.name, region: options.region, kubernetesVersion: options.kubernetesVersion };
  const problems = (Object.keys(FLAG_OF) as (keyof typeof FLAG_OF)[]).flatMap((field) => {
    const value = given[field];
    const problem = value === undefined ? undefined : fieldProblem(blueprint, field, value);
    return problem ? [`${FLAG_OF[field]} ${value}: ${problem}`] : [];
  });
  if (problems.length > 0) throw new CliError(problems.join("\n"));
}

function assertUsableDir(dir: string, force: boolean): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new CliError(`${dir} exists and is not a directory`);
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? ", …" : "");
    throw new CliError(`${dir} is not empty (${shown}); init writes only into a new or empty directory, or pass --force to write into it anyway`);
  }
}

function loadBlueprint(name: string): Blueprint {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { blueprints } = require("../../blueprints/registry") as typeof import("../../blueprints/registry");
  const found = blueprints.find((b) => b.name === name);
  if (!found) throw unknownBlueprint(name, blueprints.map((b) => b.name));
  return found;
}

/** The rule a single answer breaks, checked by the blueprint's own schema, or undefined. */
function fieldProblem(blueprint: Blueprint, field: string, value: string): string | undefined {
  const result = blueprint.settings.safeParse({ [field]: value }, { error: settingsErrorMap });
  if (result.success) return undefined;
  return result.error.issues.find((i) => i.path[0] === field)?.message;
}

/** The prompts, for whatever the flags left out. Undefined when cancelled. */
async function ask(given: Answers, dir: string, packageSpec: string): Promise<Answers | undefined> {
  const prompts = await import("@clack/prompts");
  const cancelled = (value: unknown): value is symbol => prompts.isCancel(value);
  const catalog = readCatalog();
  prompts.intro(`cdktf-eks-blueprints init ${dir}`);

  let name = given.blueprint;
  if (name === undefined) {
    const picked = await prompts.select({
      message: "Blueprint",
      options: catalog.blueprints.map((b) => ({ value: b.name, label: b.name, hint: fitHint(b.name, b.summary) })),
      initialValue: catalog.blueprints[0]?.name,
    });
    if (cancelled(picked)) return cancel(prompts);
    name = picked;
  }
  const entry: CatalogEntry | undefined = catalog.blueprints.find((b) => b.name === name);
  const blueprint = loadBlueprint(name);
  const defaults = entry ? readJsonSchema(entry).properties ?? {} : {};

  const askText = async (field: string, message: string, current: string | undefined) => {
    if (current !== undefined) return current;
    const fallback = typeof defaults[field]?.default === "string" ? (defaults[field].default as string) : undefined;
    const value = await prompts.text({
      message,
      placeholder: fallback,
      defaultValue: fallback,
      validate: (v) => fieldProblem(blueprint, field, v === "" && fallback !== undefined ? fallback : v),
    });
    return value;
  };
  const clusterName = await askText("clusterName", "Cluster name", given.clusterName);
  if (cancelled(clusterName)) return cancel(prompts);
  const region = await askText("region", "AWS region", given.region);
  if (cancelled(region)) return cancel(prompts);

  let kubernetesVersion = given.kubernetesVersion;
  if (kubernetesVersion === undefined) {
    // A new cluster on a version about to leave standard support would be upgraded by EKS at once.
    const versions = ((defaults.kubernetesVersion?.enum ?? []) as string[]).filter(
      (v) => !(VERSIONS_NEEDING_EXTENDED_SUPPORT as readonly string[]).includes(v),
    );
    const fallback = defaults.kubernetesVersion?.default as string | undefined;
    if (versions.length > 0) {
      const picked = await prompts.select({
        message: "Kubernetes version",
        options: versions.map((v) => ({ value: v, label: v, hint: v === fallback ? "default" : undefined })),
        initialValue: fallback,
      });
      if (cancelled(picked)) return cancel(prompts);
      kubernetesVersion = picked;
    }
  }

  const go = await prompts.confirm({ message: `Write the project to ${dir}? It depends on ${PACKAGE_NAME} ${packageSpec}`, initialValue: true });
  if (cancelled(go) || !go) return cancel(prompts);
  prompts.outro(`${name} blueprint: cluster ${clusterName} in ${region}${kubernetesVersion ? `, Kubernetes ${kubernetesVersion}` : ""}, into ${dir}`);
  return { blueprint: name, clusterName, region, kubernetesVersion };
}

/**
 * A select option's hint, shortened to stay on one line: a wrapped hint breaks the prompt's left
 * border. The row is "│  ● <label> (<hint>)".
 */
export function fitHint(label: string, hint: string, columns = process.stdout.columns || 80): string {
  const room = columns - `│  ● ${label} ()`.length - 1;
  if (hint.length <= room) return hint;
  return room > 1 ? `${hint.slice(0, room - 1).trimEnd()}…` : "";
}

function cancel(prompts: typeof import("@clack/prompts")): undefined {
  prompts.cancel("cancelled");
  return undefined;
}

