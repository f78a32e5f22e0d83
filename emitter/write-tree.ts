import * as fs from "fs";
import * as path from "path";
import { GeneratedTree } from "./generate";

/**
 * Replace `outDir` with exactly `tree`, atomically at the directory level: the new tree is written
 * beside it first, then swapped in by rename. A failure before the swap leaves `outDir` as it was.
 */
export function writeTreeAtomically(outDir: string, tree: GeneratedTree): void {
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

/** Files that differ between `outDir` and `tree`: changed, missing or extra. Empty when up to date. */
export function staleFiles(outDir: string, tree: GeneratedTree): string[] {
  const onDisk = new Set(listFiles(outDir));
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
