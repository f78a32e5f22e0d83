import * as fs from "fs";
import * as path from "path";
import { GeneratedTree } from "./generate";

/**
 * The list of what a write put in a directory. A later write replaces the directory only while every
 * file in it is on such a list (its own, its parent's, or a subdirectory's), so that files of the
 * user's own are never deleted.
 */
export const MARKER_FILE = ".generated-by-cdktf-eks-blueprints.json";

/** Files Terraform itself creates in a module directory (`terraform init`): disposable, replaced without asking. */
const TERRAFORM_WORKING_FILES = [/^(.*\/)?\.terraform\//, /^(.*\/)?\.terraform\.lock\.hcl$/];

/** `outDir` holds files that no write of ours put there: replacing it would delete them. */
export class ForeignFilesError extends Error {
  constructor(
    readonly outDir: string,
    readonly files: readonly string[],
  ) {
    const shown = files.slice(0, 5).join(", ") + (files.length > 5 ? `, … (${files.length} files)` : "");
    super(
      `${outDir} holds files synth did not write (${shown}); it replaces only a directory it wrote itself (listed in ${MARKER_FILE}). ` +
        `Choose another output directory, or move those files away`,
    );
    this.name = "ForeignFilesError";
  }
}

/**
 * Replace `outDir` with exactly `tree` plus its marker, atomically at the directory level: the new
 * tree is written beside it first, then swapped in by rename. A failure before the swap leaves
 * `outDir` as it was. Throws ForeignFilesError, writing nothing, when `outDir` holds files no write
 * of ours put there.
 */
export function writeTreeAtomically(outDir: string, tree: GeneratedTree): void {
  const foreign = foreignFiles(outDir);
  if (foreign.length > 0) throw new ForeignFilesError(outDir, foreign);
  tree = new Map([...tree, [MARKER_FILE, markerContent(tree)]]);
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.new-`));
  // mkdtemp makes a 0700 directory; the tree itself is made with the usual (umask) permissions.
  const fresh = path.join(staging, "tree");
  try {
    fs.mkdirSync(fresh);
    for (const [relative, content] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
      const file = path.join(fresh, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const previous = fs.existsSync(target) ? `${staging}.old` : undefined;
    if (previous) fs.renameSync(target, previous);
    try {
      fs.renameSync(fresh, target);
    } catch (error) {
      if (previous) fs.renameSync(previous, target);
      throw error;
    }
    if (previous) fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function markerContent(tree: GeneratedTree): string {
  const files = [...tree.keys()].filter((f) => path.posix.basename(f) !== MARKER_FILE).sort();
  const about = "Written by cdktf-eks-blueprints synth. Synth replaces this directory only while it holds these files and no others of yours.";
  return `${JSON.stringify({ about, files }, null, 2)}\n`;
}

/** Files under `outDir` (relative) that no marker lists: in `outDir`, its parent, or a directory between. */
export function foreignFiles(outDir: string): string[] {
  const root = path.resolve(outDir);
  const listed = new Map<string, ReadonlySet<string>>();
  const markerOf = (dir: string) => {
    let files = listed.get(dir);
    if (!files) {
      files = readMarker(dir);
      listed.set(dir, files);
    }
    return files;
  };
  return listFiles(root).filter((relative) => {
    if (TERRAFORM_WORKING_FILES.some((p) => p.test(relative))) return false;
    const file = path.join(root, relative);
    if (path.basename(file) === MARKER_FILE) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (markerOf(dir).has(path.relative(dir, file).split(path.sep).join("/"))) return false;
      if (dir === path.dirname(root) || dir === path.dirname(dir)) return true;
    }
  });
}

function readMarker(dir: string): ReadonlySet<string> {
  try {
    const { files } = JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), "utf8")) as { files?: unknown };
    return new Set(Array.isArray(files) ? files.filter((f): f is string => typeof f === "string") : []);
  } catch {
    return new Set();
  }
}

/**
 * Files that differ between `outDir` and `tree`: changed, missing or extra. Empty when up to date.
 * The marker and Terraform's own working files are not part of the comparison.
 */
export function staleFiles(outDir: string, tree: GeneratedTree): string[] {
  const onDisk = new Set(
    listFiles(outDir).filter((f) => path.posix.basename(f) !== MARKER_FILE && !TERRAFORM_WORKING_FILES.some((p) => p.test(f))),
  );
  const stale: string[] = [];
  for (const [relative, content] of tree) {
    const file = path.join(outDir, relative);
    if (!onDisk.has(relative)) stale.push(`${relative} (missing)`);
    else if (fs.readFileSync(file, "utf8") !== content) stale.push(`${relative} (changed)`);
    onDisk.delete(relative);
  }
  for (const extra of onDisk) stale.push(`${extra} (not generated any more)`);
  return stale.sort();
}

function listFiles(dir: string, prefix = ""): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}
