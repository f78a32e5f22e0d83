/**
 * `npm run facts`: snapshot what AWS itself accepts from its API models into modules/facts/*.json.
 *
 * Source: botocore's data files at the version pinned in modules/catalog.ts (awsServiceModels),
 * installed with pip into a temporary directory. Run by hand when bumping that pin; never at synth
 * time, and nothing here is needed at runtime: the modules read only the committed JSON.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { awsServiceModels } from "../modules/catalog";

interface Shape {
  readonly type: string;
  readonly enum?: string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly member?: { shape: string };
  readonly key?: { shape: string };
  readonly value?: { shape: string };
}
interface Model {
  readonly metadata: { apiVersion: string };
  readonly shapes: Record<string, Shape>;
}

const root = path.resolve(__dirname, "..");
const factsDir = path.join(root, "modules", "facts");
const { package: pkg, version } = awsServiceModels;

function installModels(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-models-"));
  execFileSync("python3", ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--target", dir, `${pkg}==${version}`], {
    stdio: "inherit",
  });
  return dir;
}

/** The newest API version of a service's model; botocore ships them gzip-compressed in newer releases. */
function loadModel(dataDir: string, service: string): { model: Model; file: string } {
  const serviceDir = path.join(dataDir, service);
  const apiVersion = fs.readdirSync(serviceDir).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort().pop();
  if (!apiVersion) throw new Error(`no API version of ${service} in ${serviceDir}`);
  const base = path.join(serviceDir, apiVersion, "service-2.json");
  const text = fs.existsSync(base) ? fs.readFileSync(base, "utf8") : zlib.gunzipSync(fs.readFileSync(`${base}.gz`)).toString("utf8");
  return { model: JSON.parse(text) as Model, file: `botocore/data/${service}/${apiVersion}/service-2.json` };
}

function shape(model: Model, name: string): Shape {
  const s = model.shapes[name];
  if (!s) throw new Error(`shape ${name} not in the model`);
  return s;
}

function enumOf(model: Model, name: string): string[] {
  const values = shape(model, name).enum;
  if (!values || values.length === 0) throw new Error(`shape ${name} is not an enum`);
  return values;
}

function stringLimits(model: Model, name: string): { min: number; max: number; pattern?: string } {
  const s = shape(model, name);
  if (s.type !== "string" || s.max === undefined) throw new Error(`shape ${name} is not a bounded string`);
  return { min: s.min ?? 0, max: s.max, ...(s.pattern ? { pattern: s.pattern } : {}) };
}

const source = (files: string[]) => ({
  package: pkg,
  version,
  files,
  snapshotted: new Date().toISOString().slice(0, 10),
  by: "npm run facts (scripts/snapshot-aws-facts.ts)",
});

/** Pretty enough to review in a diff: one family (or one enum) per line. */
function write(name: string, doc: Record<string, unknown>, lineLevel: string): void {
  const lines = Object.entries(doc).map(([k, v]) => {
    if (k !== lineLevel) return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
    const inner = Object.entries(v as Record<string, unknown>).map(([ik, iv]) => `    ${JSON.stringify(ik)}: ${JSON.stringify(iv)}`);
    return `  ${JSON.stringify(k)}: {\n${inner.join(",\n")}\n  }`;
  });
  fs.writeFileSync(path.join(factsDir, name), `{\n${lines.join(",\n")}\n}\n`);
  console.log(`wrote modules/facts/${name}`);
}

function main(): void {
  const dir = installModels();
  try {
    const data = path.join(dir, "botocore", "data");
    const ec2 = loadModel(data, "ec2");
    const eks = loadModel(data, "eks");

    // family -> sizes: a third smaller than the flat list, and the lookup the rules need.
    const types = enumOf(ec2.model, "InstanceType");
    const families: Record<string, string[]> = {};
    for (const type of [...types].sort()) {
      const dot = type.indexOf(".");
      if (dot < 1) throw new Error(`unexpected instance type ${type}`);
      (families[type.slice(0, dot)] ??= []).push(type.slice(dot + 1));
    }
    const sortedFamilies = Object.fromEntries(Object.keys(families).sort().map((f) => [f, families[f]]));
    write("ec2-instance-types.json", { source: { ...source([ec2.file]), shape: "InstanceType" }, count: types.length, families: sortedFamilies }, "families");

    write(
      "eks.json",
      {
        source: source([eks.file]),
        enums: {
          AMITypes: enumOf(eks.model, "AMITypes"),
          CapacityTypes: enumOf(eks.model, "CapacityTypes"),
          TaintEffect: enumOf(eks.model, "TaintEffect"),
          SupportType: enumOf(eks.model, "SupportType"),
          IpFamily: enumOf(eks.model, "IpFamily"),
        },
        limits: {
          labelKey: stringLimits(eks.model, "labelKey"),
          labelValue: stringLimits(eks.model, "labelValue"),
          taintKey: stringLimits(eks.model, "taintKey"),
          taintValue: stringLimits(eks.model, "taintValue"),
        },
      },
      "enums",
    );

    // Tags: every service whose resources the modules tag and whose model states limits.
    const tagShapes: Record<string, { key: string; value: string; list: string }> = {
      eks: { key: "TagKey", value: "TagValue", list: "TagMap" },
      iam: { key: "tagKeyType", value: "tagValueType", list: "tagListType" },
      logs: { key: "TagKey", value: "TagValue", list: "Tags" },
      kms: { key: "TagKeyType", value: "TagValueType", list: "TagList" },
    };
    const services: Record<string, unknown> = {};
    const files: string[] = [];
    for (const [service, names] of Object.entries(tagShapes)) {
      const { model, file } = loadModel(data, service);
      files.push(file);
      const list = shape(model, names.list);
      services[service] = { key: stringLimits(model, names.key), value: stringLimits(model, names.value), maxTags: list.max ?? null };
    }
    write("tags.json", { source: source(files), services }, "services");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
