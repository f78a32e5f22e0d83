/**
 * A stub Terraform provider: a go-plugin gRPC server speaking tfplugin6 that
 * serves a reconstructed provider schema and accepts every configuration, so
 * Terraform core performs its own schema-driven checks during `terraform validate`.
 * With the JSON schema as well it also answers `terraform plan`: planned states
 * with computed attributes unknown, data sources read as placeholders.
 *
 * Usage (normally via the generated `terraform-provider-<name>` launcher):
 *   node stub-provider.js <schema-response.pb> [<schema.json>]
 *
 * The .pb file is a pre-serialised GetProviderSchema.Response (see
 * protocol.encodeSchemaResponse), so start-up does not re-encode large schemas.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type * as protoLoader from "@grpc/proto-loader";
import { decode, encode, type CtyValue } from "./cty-msgpack";
import { impliedType, plannedCreate, readDataSource } from "./plan-values";
import { loadProtocol } from "./protocol";
import type { CtyType, ProviderSchema, Schema } from "./schema-types";
import { generateSelfSignedCert } from "./x509";

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
const SCHEMA_OPTIONAL_CAPABILITY = Buffer.from([0x32, 0x02, 0x10, 0x01]);
const APP_PROTOCOL_VERSION = 6;

function debug(msg: string): void {
  if (process.env.VALIDATE_STUB_DEBUG) process.stderr.write(`[stub-provider ${process.pid}] ${msg}\n`);
}

type Unary = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

function reply(value: unknown): Unary {
  return (_call, cb) => cb(null, value);
}

function serviceDef(def: protoLoader.PackageDefinition, name: string): grpc.ServiceDefinition {
  return def[name] as unknown as grpc.ServiceDefinition;
}

interface PbDynamicValue {
  msgpack?: Buffer;
  json?: Buffer;
}
interface PlanRequest {
  type_name: string;
  prior_state?: PbDynamicValue;
  proposed_new_state?: PbDynamicValue;
  prior_private?: Buffer;
}
interface ReadDataRequest {
  type_name: string;
  config?: PbDynamicValue;
}
interface PbDiagnostic {
  severity: number;
  summary: string;
  detail: string;
}

/** Lazily parsed JSON schema (the second launcher argument). */
class SchemaSource {
  private schema: ProviderSchema | undefined;
  constructor(private readonly file: string | undefined) {}
  get(kind: "resource" | "data", typeName: string): Schema {
    if (!this.file) throw new Error("the stub provider was started without a JSON schema: plan-time RPCs are unavailable");
    if (!this.schema) {
      const t0 = Date.now();
      this.schema = JSON.parse(fs.readFileSync(this.file, "utf8")) as ProviderSchema;
      debug(`parsed ${this.file} in ${Date.now() - t0} ms`);
    }
    const s = (kind === "resource" ? this.schema.resource_schemas : this.schema.data_source_schemas)[typeName];
    if (!s) throw new Error(`no schema for ${kind === "resource" ? "resource" : "data source"} type ${typeName}`);
    return s;
  }
}

function decodeDynamic(v: PbDynamicValue | undefined, t: CtyType): CtyValue {
  if (v?.msgpack && v.msgpack.length > 0) return decode(v.msgpack, t);
  if (v?.json && v.json.length > 0) return JSON.parse(v.json.toString("utf8")) as CtyValue; // never unknown
  return null;
}

function stubError(err: unknown): PbDiagnostic {
  return { severity: 1, summary: "Stub provider failure", detail: err instanceof Error ? err.message : String(err) };
}

export function planResourceChange(schemas: SchemaSource, req: PlanRequest): object {
  try {
    const schema = schemas.get("resource", req.type_name);
    const type = impliedType(schema.block);
    const prior = decodeDynamic(req.prior_state, type);
    const proposed = decodeDynamic(req.proposed_new_state, type);
    // Create: computed attributes Terraform left null become unknown. Update / destroy: take the proposal.
    const planned = prior === null ? plannedCreate(schema.block, proposed) : proposed;
    return { planned_state: { msgpack: encode(planned, type) }, planned_private: req.prior_private, requires_replace: [], diagnostics: [] };
  } catch (err) {
    return { diagnostics: [stubError(err)] };
  }
}

export function readData(schemas: SchemaSource, req: ReadDataRequest): object {
  try {
    const schema = schemas.get("data", req.type_name);
    const type = impliedType(schema.block);
    const state = readDataSource(req.type_name, schema.block, decodeDynamic(req.config, type));
    return { state: { msgpack: encode(state, type) }, diagnostics: [] };
  } catch (err) {
    return { diagnostics: [stubError(err)] };
  }
}

export async function serveStub(schemaResponseFile: string, schemaJsonFile?: string): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write(
      "This binary is a plugin. These are not meant to be executed directly.\n" +
        "Please execute the program that consumes these plugins, which will\n" +
        "load any plugins automatically\n",
    );
    process.exit(1);
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? String(APP_PROTOCOL_VERSION)).split(",").map((v) => v.trim());
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    process.stderr.write(`stub provider speaks protocol ${APP_PROTOCOL_VERSION}; client offered ${versions.join(",")}\n`);
    process.exit(1);
  }

  // Appending `server_capabilities { get_provider_schema_optional: true }` (field 6,
  // field 2) to the serialised response merges it into the capabilities already
  // there: Terraform then caches the schema for the whole run instead of
  // fetching and decoding it again from every provider instance it starts.
  const schemaBytes = Buffer.concat([fs.readFileSync(schemaResponseFile), SCHEMA_OPTIONAL_CAPABILITY]);
  const schemas = new SchemaSource(schemaJsonFile);
  const def = loadProtocol();
  const server = new grpc.Server({ "grpc.max_send_message_length": -1, "grpc.max_receive_message_length": -1 });

  let shuttingDown = false;
  const shutdown = (): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    debug("shutdown");
    server.forceShutdown();
    setTimeout(() => process.exit(0), 10).unref();
  };

  // tfplugin6.Provider; GetProviderSchema answers with the pre-serialised bytes.
  const providerDef = { ...serviceDef(def, "tfplugin6.Provider") };
  providerDef.GetProviderSchema = {
    ...providerDef.GetProviderSchema,
    responseSerialize: (b: Buffer) => b,
  };
  const empty = { diagnostics: [] };
  server.addService(providerDef, {
    GetMetadata: reply({ server_capabilities: { plan_destroy: false, get_provider_schema_optional: true }, diagnostics: [] }),
    GetProviderSchema: reply(schemaBytes),
    ValidateProviderConfig: reply(empty),
    ValidateResourceConfig: reply(empty),
    ValidateDataResourceConfig: reply(empty),
    ConfigureProvider: reply(empty),
    GetFunctions: reply({ functions: {}, diagnostics: [] }),
    StopProvider: reply({}),
    // Plan-time RPCs (`terraform plan`; see plan-values.ts). They need the JSON
    // schema, which is only parsed on first use, so validate runs never pay for it.
    UpgradeResourceState: ((call, cb) => {
      const req = call.request as { raw_state?: { json?: Buffer } };
      cb(null, { upgraded_state: { json: req.raw_state?.json ?? Buffer.from("null") }, diagnostics: [] });
    }) as Unary,
    ReadResource: ((call, cb) => {
      const req = call.request as { current_state?: unknown; private?: Buffer };
      cb(null, { new_state: req.current_state, private: req.private, diagnostics: [] });
    }) as Unary,
    PlanResourceChange: ((call, cb) => {
      const req = call.request as PlanRequest;
      cb(null, planResourceChange(schemas, req));
    }) as Unary,
    ApplyResourceChange: ((_call, cb) => {
      cb(null, { diagnostics: [{ severity: 1, summary: "stub provider", detail: "The validate stub provider cannot apply changes." }] });
    }) as Unary,
    ReadDataSource: ((call, cb) => {
      const req = call.request as ReadDataRequest;
      cb(null, readData(schemas, req));
    }) as Unary,
  });

  // go-plugin internals.
  server.addService(serviceDef(def, "grpc.health.v1.Health"), { Check: reply({ status: 1 }) });
  server.addService(serviceDef(def, "plugin.GRPCController"), {
    Shutdown: ((_call, cb) => {
      cb(null, {});
      setImmediate(shutdown);
    }) as Unary,
  });
  server.addService(serviceDef(def, "plugin.GRPCStdio"), {
    // Keep the stream open and silent; go-plugin copies whatever arrives to its logs.
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      call.on("cancelled", () => call.end());
    },
  });
  server.addService(serviceDef(def, "plugin.GRPCBroker"), {
    StartStream: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.on("data", () => undefined);
      call.on("end", () => call.end());
      call.on("cancelled", () => call.end());
    },
  });

  // Mutual TLS: trust exactly the client certificate Terraform passes in.
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  const serverCert = generateSelfSignedCert();
  const creds = clientCert
    ? grpc.ServerCredentials.createSsl(
        Buffer.from(clientCert),
        [{ cert_chain: Buffer.from(serverCert.certPem), private_key: Buffer.from(serverCert.keyPem) }],
        true,
      )
    : grpc.ServerCredentials.createInsecure();

  const socketDir = fs.mkdtempSync(path.join(process.env.PLUGIN_UNIX_SOCKET_DIR || os.tmpdir(), "plugin"));
  const socketPath = path.join(socketDir, "plugin.sock");
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix://${socketPath}`, creds, (err) => (err ? reject(err) : resolve()));
  });
  const cleanup = (): void => {
    try {
      fs.rmSync(socketDir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  };
  process.on("exit", cleanup);
  // go-plugin servers ignore interrupts; the client stops them via Shutdown / kill.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => {
    cleanup();
    process.exit(0);
  });

  const certField = clientCert ? serverCert.certDer.toString("base64").replace(/=+$/, "") : "";
  process.stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${certField}\n`);
  debug(`serving on ${socketPath}`);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: stub-provider <schema-response.pb> [<schema.json>]\n");
    process.exit(2);
  }
  serveStub(file, process.argv[3]).catch((err: unknown) => {
    process.stderr.write(`stub provider failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
