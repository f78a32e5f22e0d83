/**
 * A stub Terraform provider: a go-plugin gRPC server speaking tfplugin6 that
 * serves a reconstructed provider schema and accepts every configuration, so
 * Terraform core performs its own schema-driven checks during `terraform validate`.
 *
 * Usage (normally via the generated `terraform-provider-<name>` launcher):
 *   node stub-provider.js <schema-response.pb>
 *
 * The .pb file is a pre-serialised GetProviderSchema.Response (see
 * protocol.encodeSchemaResponse), so start-up does not re-encode large schemas.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type * as protoLoader from "@grpc/proto-loader";
import { loadProtocol } from "./protocol";
import { generateSelfSignedCert } from "./x509";

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
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

export async function serveStub(schemaResponseFile: string): Promise<void> {
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

  const schemaBytes = fs.readFileSync(schemaResponseFile);
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
    GetMetadata: reply({ server_capabilities: { plan_destroy: false, get_provider_schema_optional: false }, diagnostics: [] }),
    GetProviderSchema: reply(schemaBytes),
    ValidateProviderConfig: reply(empty),
    ValidateResourceConfig: reply(empty),
    ValidateDataResourceConfig: reply(empty),
    ConfigureProvider: reply(empty),
    GetFunctions: reply({ functions: {}, diagnostics: [] }),
    StopProvider: reply({}),
    // Plan-time RPCs (not used by `terraform validate`; plan is not supported):
    // echo Terraform's own proposal, leaving computed attributes null.
    UpgradeResourceState: ((call, cb) => {
      const req = call.request as { raw_state?: { json?: Buffer } };
      cb(null, { upgraded_state: { json: req.raw_state?.json ?? Buffer.from("null") }, diagnostics: [] });
    }) as Unary,
    ReadResource: ((call, cb) => {
      const req = call.request as { current_state?: unknown; private?: Buffer };
      cb(null, { new_state: req.current_state, private: req.private, diagnostics: [] });
    }) as Unary,
    PlanResourceChange: ((call, cb) => {
      const req = call.request as { proposed_new_state?: unknown; prior_private?: Buffer };
      cb(null, { planned_state: req.proposed_new_state, planned_private: req.prior_private, diagnostics: [] });
    }) as Unary,
    ApplyResourceChange: ((_call, cb) => {
      cb(null, { diagnostics: [{ severity: 1, summary: "stub provider", detail: "The validate stub provider cannot apply changes." }] });
    }) as Unary,
    ReadDataSource: ((call, cb) => {
      const req = call.request as { config?: unknown };
      cb(null, { state: req.config, diagnostics: [] });
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
    process.stderr.write("usage: stub-provider <schema-response.pb>\n");
    process.exit(2);
  }
  serveStub(file).catch((err: unknown) => {
    process.stderr.write(`stub provider failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
