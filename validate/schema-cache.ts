/**
 * Maps Terraform provider sources to the installed cdktf binding packages and
 * caches the reconstructed schemas under node_modules/.cache/cdktf-eks-blueprints/.
 */
import * as fs from "fs";
import * as path from "path";
import { EXTRACTOR_VERSION, extractProviderSchema, type BindingPackage, type ExtractStats } from "./schema-extract";
import { encodeSchemaResponse } from "./protocol";
import type { ProviderSchema } from "./schema-types";

export interface KnownProvider {
  /** Local name / binary suffix, e.g. "aws" (terraform-provider-aws). */
  name: string;
  /** Fully-qualified source, e.g. "registry.terraform.io/hashicorp/aws". */
  source: string;
  /** Binding package the schema is reconstructed from. */
  bindingPackage: string;
}

export const KNOWN_PROVIDERS: readonly KnownProvider[] = [
  { name: "aws", source: "registry.terraform.io/hashicorp/aws", bindingPackage: "@cdktf/provider-aws" },
  { name: "kubernetes", source: "registry.terraform.io/hashicorp/kubernetes", bindingPackage: "@cdktf/provider-kubernetes" },
  { name: "helm", source: "registry.terraform.io/hashicorp/helm", bindingPackage: "@cdktf/provider-helm" },
];

/**
 * Normalises a `required_providers` source ("hashicorp/aws", "aws",
 * "registry.terraform.io/hashicorp/aws") and returns the known provider, or
 * undefined when no binding package backs it.
 */
export function resolveProviderSource(source: string): KnownProvider | undefined {
  const parts = source.trim().toLowerCase().split("/");
  const full =
    parts.length === 1 ? `registry.terraform.io/hashicorp/${parts[0]}` : parts.length === 2 ? `registry.terraform.io/${parts[0]}/${parts[1]}` : parts.join("/");
  return KNOWN_PROVIDERS.find((p) => p.source === full);
}

export function findBindingPackage(name: string, fromDir: string = __dirname): BindingPackage {
  const pkgJson = require.resolve(`${name}/package.json`, { paths: [fromDir, process.cwd()] });
  const { version } = JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version: string };
  return { name, dir: path.dirname(pkgJson), version };
}

/** node_modules/.cache/cdktf-eks-blueprints next to the node_modules holding the package. */
export function cacheDirFor(pkg: BindingPackage): string {
  const idx = pkg.dir.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  const nodeModules = idx >= 0 ? pkg.dir.slice(0, idx + "/node_modules".length) : path.join(pkg.dir, "..");
  return path.join(nodeModules, ".cache", "cdktf-eks-blueprints");
}

export interface CachedSchema {
  provider: KnownProvider;
  /** Path of the cached schema JSON. */
  file: string;
  /** Path of the pre-serialised tfplugin6 GetProviderSchema.Response. */
  responseFile: string;
  /** True when the schema was (re)extracted by this call. */
  extracted: boolean;
  /** Extraction time in milliseconds (0 when served from cache). */
  extractMs: number;
  stats?: ExtractStats;
}

/**
 * Returns the cached schema file for a provider, extracting it first when the
 * cache is missing or stale (keyed by package name, version and extractor version).
 */
export function ensureSchema(provider: KnownProvider): CachedSchema {
  const pkg = findBindingPackage(provider.bindingPackage);
  const dir = cacheDirFor(pkg);
  const base = pkg.name.replace(/^@/, "").replace(/\//g, "-");
  const file = path.join(dir, `schema-${base}-${pkg.version}-x${EXTRACTOR_VERSION}.json`);
  const responseFile = file.replace(/\.json$/, ".pb");
  if (fs.existsSync(file) && fs.existsSync(responseFile)) return { provider, file, responseFile, extracted: false, extractMs: 0 };
  const t0 = Date.now();
  const stats: ExtractStats = { recursionCuts: 0, dynamicFallbacks: 0 };
  const schema = extractProviderSchema(pkg, provider.source, stats);
  fs.mkdirSync(dir, { recursive: true });
  // Drop caches from other package / extractor versions.
  for (const f of fs.readdirSync(dir)) {
    if (f.startsWith(`schema-${base}-`) && !f.includes(".tmp") && path.join(dir, f) !== file && path.join(dir, f) !== responseFile) {
      fs.rmSync(path.join(dir, f), { force: true });
    }
  }
  atomicWrite(file, JSON.stringify(schema));
  atomicWrite(responseFile, encodeSchemaResponse(schema));
  return { provider, file, responseFile, extracted: true, extractMs: Date.now() - t0, stats };
}

function atomicWrite(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export function readSchema(file: string): ProviderSchema {
  return JSON.parse(fs.readFileSync(file, "utf8")) as ProviderSchema;
}
