import * as fs from "fs";
import * as path from "path";

export const PACKAGE_NAME = "cdktf-eks-blueprints";

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

let cached: { root: string; manifest: PackageJson } | undefined;

/** This package's root (where its package.json is), found from this file whether it runs from dist/ or from source. */
export function packageRoot(): string {
  return load().root;
}

export function packageJson(): PackageJson {
  return load().manifest;
}

function load(): { root: string; manifest: PackageJson } {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as PackageJson;
      if (manifest.name === PACKAGE_NAME) return (cached = { root: dir, manifest });
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${__dirname}`);
  }
}

/**
 * How a new project depends on this package by default: a checkout (not inside node_modules) is
 * not published under its version, so the project points at it (`file:<checkout>`); an installed
 * package is its own version on the registry it came from.
 */
export function defaultPackageSpec(): string {
  const root = packageRoot();
  return root.split(path.sep).includes("node_modules") ? packageJson().version : `file:${root}`;
}
