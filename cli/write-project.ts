import * as fs from "fs";
import * as path from "path";
import { CliError } from "./errors";

/**
 * Write a new project's files so that a failure leaves nothing half-written: everything is staged in
 * a sibling directory first; a new directory is then renamed into place in one step, and an existing
 * (empty, or --force) one receives the staged files by rename, rolled back if any rename fails.
 */
export function writeProjectAtomically(dir: string, files: ReadonlyMap<string, string>): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const fail = (error: unknown) => new CliError(`cannot write the project to ${dir}: ${(error as Error).message}`);
  let staging: string;
  try {
    fs.mkdirSync(parent, { recursive: true });
    staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.init-`));
  } catch (error) {
    throw fail(error);
  }
  // mkdtemp makes a 0700 directory; the project itself gets the usual (umask) permissions.
  const fresh = path.join(staging, "project");
  try {
    for (const [relative, content] of files) {
      const file = path.join(fresh, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    if (!fs.existsSync(target)) {
      fs.renameSync(fresh, target);
      return;
    }
    moveInto(fresh, target, [...files.keys()]);
  } catch (error) {
    throw fail(error);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Move staged files into an existing directory; on failure, undo the moves and restore what they replaced. */
function moveInto(staging: string, target: string, relatives: readonly string[]): void {
  const done: { file: string; backup?: string; createdDirs: string[] }[] = [];
  try {
    for (const relative of relatives) {
      const file = path.join(target, relative);
      const createdDirs = mkdirsRecording(path.dirname(file), target);
      const backup = fs.existsSync(file) ? `${path.join(staging, relative)}.replaced` : undefined;
      if (backup) fs.renameSync(file, backup);
      done.push({ file, backup, createdDirs });
      fs.renameSync(path.join(staging, relative), file);
    }
  } catch (error) {
    for (const { file, backup, createdDirs } of done.reverse()) {
      fs.rmSync(file, { force: true });
      if (backup) fs.renameSync(backup, file);
      for (const dir of createdDirs.reverse()) fs.rmSync(dir, { recursive: true, force: true });
    }
    throw error;
  }
}

function mkdirsRecording(dir: string, root: string): string[] {
  const missing: string[] = [];
  for (let d = dir; d !== root && !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) fs.mkdirSync(d);
  return missing;
}
