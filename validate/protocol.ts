/**
 * tfplugin6 protocol helpers: loading the trimmed .proto definitions and
 * translating the JSON provider schema into GetProviderSchema messages.
 */
import * as fs from "fs";
import * as path from "path";
import * as protoLoader from "@grpc/proto-loader";
import type { CtyType, NestingMode, ProviderSchema, Schema, SchemaAttribute, SchemaBlock } from "./schema-types";

/** The .proto files live in validate/proto (found from validate/ and dist/validate/). */
export function protoDir(): string {
  const candidates = [path.join(__dirname, "proto"), path.join(__dirname, "..", "..", "validate", "proto")];
  const found = candidates.find((d) => fs.existsSync(path.join(d, "tfplugin6.proto")));
  if (!found) throw new Error(`tfplugin6.proto not found (looked in ${candidates.join(", ")})`);
  return found;
}

export function loadProtocol(): protoLoader.PackageDefinition {
  const dir = protoDir();
  return protoLoader.loadSync(
    ["tfplugin6.proto", "go-plugin.proto", "health.proto"].map((f) => path.join(dir, f)),
    { keepCase: true, longs: Number, enums: Number, defaults: false, oneofs: true, includeDirs: [dir] },
  );
}

// Plain-object shapes of the tfplugin6 messages (as protobufjs fromObject accepts them).
interface PbAttribute {
  name: string;
  type?: Buffer;
  nested_type?: PbObject;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
interface PbObject {
  attributes: PbAttribute[];
  nesting: number;
}
interface PbNestedBlock {
  type_name: string;
  block: PbBlock;
  nesting: number;
  min_items?: number;
  max_items?: number;
}
interface PbBlock {
  version?: number;
  attributes: PbAttribute[];
  block_types: PbNestedBlock[];
}
interface PbSchema {
  version: number;
  block: PbBlock;
}

const NESTING: { [m in NestingMode]: number } = { single: 1, list: 2, set: 3, map: 4 };

function ctyBytes(t: CtyType): Buffer {
  return Buffer.from(JSON.stringify(t), "utf8");
}

function toPbAttribute(name: string, a: SchemaAttribute): PbAttribute {
  const out: PbAttribute = { name };
  if (a.nested_type) {
    out.nested_type = {
      nesting: NESTING[a.nested_type.nesting_mode],
      attributes: Object.entries(a.nested_type.attributes).map(([n, v]) => toPbAttribute(n, v)),
    };
  } else {
    out.type = ctyBytes(a.type ?? "dynamic");
  }
  if (a.required) out.required = true;
  if (a.optional) out.optional = true;
  if (a.computed) out.computed = true;
  if (a.sensitive) out.sensitive = true;
  return out;
}

function toPbBlock(b: SchemaBlock): PbBlock {
  return {
    attributes: Object.entries(b.attributes ?? {}).map(([n, a]) => toPbAttribute(n, a)),
    block_types: Object.entries(b.block_types ?? {}).map(([n, nb]) => {
      const out: PbNestedBlock = { type_name: n, block: toPbBlock(nb.block), nesting: NESTING[nb.nesting_mode] };
      if (nb.min_items) out.min_items = nb.min_items;
      if (nb.max_items) out.max_items = nb.max_items;
      return out;
    }),
  };
}

function toPbSchema(s: Schema): PbSchema {
  return { version: s.version, block: toPbBlock(s.block) };
}

/** Builds the GetProviderSchema.Response message object for a provider schema. */
export function schemaResponse(schema: ProviderSchema): object {
  const map = (m: { [k: string]: Schema }): { [k: string]: PbSchema } =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, toPbSchema(v)]));
  return {
    provider: toPbSchema(schema.provider),
    resource_schemas: map(schema.resource_schemas),
    data_source_schemas: map(schema.data_source_schemas),
    functions: {},
    diagnostics: [],
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
  };
}

/** Serialises the GetProviderSchema response once, so stub processes can serve raw bytes. */
export function encodeSchemaResponse(schema: ProviderSchema, def: protoLoader.PackageDefinition = loadProtocol()): Buffer {
  const svc = def["tfplugin6.Provider"] as protoLoader.ServiceDefinition;
  return svc.GetProviderSchema.responseSerialize(schemaResponse(schema));
}
