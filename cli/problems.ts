import * as fs from "fs";
import * as path from "path";
import { closestMatch, QUOTE_HINT, quoteHint } from "../blueprints/settings-hints";
import { CliError, EXIT } from "./errors";
import type { SettingsFile } from "./settings-file";

/** Errors of bad input, recognised by name so that this module loads nothing heavy. */
const BAD_INPUT = new Set(["SettingsError", "SettingsFileError", "UnknownBlueprintError"]);

/** The CliError (exit code 2) for a bad-input error from the library, or undefined for anything else. */
export function badInput(error: unknown, settingsFile?: SettingsFile): CliError | undefined {
  if (error instanceof CliError) return error;
  if (!(error instanceof Error) || !BAD_INPUT.has(error.name)) return undefined;
  if (error.name === "SettingsError") {
    const { blueprint, details } = error as Error & { blueprint: string; details: string };
    const where = settingsFile ? ` in ${settingsFile.path}` : "";
    return new CliError(`invalid settings for blueprint "${blueprint}"${where}:\n${located(details, settingsFile)}`, EXIT.badInput);
  }
  return new CliError(error.message, EXIT.badInput);
}

/**
 * Prefix each `path: rule` line with where the setting is written (`settings.yaml:7:5: nodeGroups.general: …`),
 * and quote a number as the file writes it: YAML reads `1.30` as 1.3, but the user typed "1.30".
 */
function located(details: string, file: SettingsFile | undefined): string {
  if (!file?.locate) return details;
  return details
    .split("\n")
    .map((line) => {
      const settingPath = line.slice(0, line.indexOf(": "));
      const known = settingPath && settingPath !== "(settings)";
      const written = known && QUOTE_HINT.test(line) ? file.sourceText?.(settingPath) : undefined;
      const text = written ? line.replace(QUOTE_HINT, quoteHint(written)) : line;
      const where = known ? file.locate!(settingPath) : undefined;
      return where ? `${where}: ${text}` : text;
    })
    .join("\n");
}

export function unknownBlueprint(name: string, known: readonly string[]): CliError {
  const match = closestMatch(name, known);
  return new CliError(`unknown blueprint "${name}"${match ? ` (did you mean ${match}?)` : ""}; available: ${known.join(", ")}`, EXIT.badInput);
}

/**
 * Fail early (before minutes of work) when `dir` cannot be a writable directory: it, or its nearest
 * existing ancestor, is not a directory or not writable.
 */
export function assertWritableDir(dir: string, flag: string): void {
  const target = path.resolve(dir);
  let existing = target;
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const problem = (why: string) => new CliError(`${flag} ${dir}: cannot write there: ${why}`, EXIT.badInput);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(existing);
  } catch (error) {
    throw problem((error as Error).message);
  }
  if (!stat.isDirectory()) throw problem(`${existing === target ? dir : existing} is not a directory`);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw problem(`${existing} is not writable`);
  }
}
