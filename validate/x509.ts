/**
 * Minimal self-signed X.509 certificate generation with node:crypto (which can
 * sign but not build certificates). Mirrors go-plugin's generateCert(): an
 * ECDSA key, CN/SAN "localhost", CA + server/client auth usages.
 */
import * as crypto from "crypto";

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    let v = p >> 7;
    while (v > 0) {
      enc.unshift((v & 0x7f) | 0x80);
      v >>= 7;
    }
    bytes.push(...enc);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(buf: Buffer): Buffer {
  let b = buf;
  while (b.length > 1 && b[0] === 0 && (b[1] & 0x80) === 0) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, "utf8"));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  if (d.getUTCFullYear() < 2050) return tlv(0x17, Buffer.from(iso.slice(2), "ascii"));
  return tlv(0x18, Buffer.from(iso, "ascii"));
}

function name(cn: string, org: string): Buffer {
  return seq(set(seq(oid("2.5.4.10"), utf8(org))), set(seq(oid("2.5.4.3"), utf8(cn))));
}

export interface SelfSignedCert {
  certPem: string;
  certDer: Buffer;
  keyPem: string;
}

export function generateSelfSignedCert(host = "localhost"): SelfSignedCert {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const sigAlg = seq(oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256
  const subject = name(host, "HashiCorp");
  const now = Date.now();
  const extensions = tlv(
    0xa3,
    seq(
      // basicConstraints: CA
      seq(oid("2.5.29.19"), bool(true), octets(seq(bool(true)))),
      // keyUsage: digitalSignature, keyEncipherment, keyAgreement, keyCertSign
      seq(oid("2.5.29.15"), bool(true), octets(bits(Buffer.from([0xac]), 2))),
      // extKeyUsage: clientAuth, serverAuth
      seq(oid("2.5.29.37"), octets(seq(oid("1.3.6.1.5.5.7.3.2"), oid("1.3.6.1.5.5.7.3.1")))),
      // subjectAltName: dNSName
      seq(oid("2.5.29.17"), octets(seq(tlv(0x82, Buffer.from(host, "ascii"))))),
    ),
  );
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3
    integer(crypto.randomBytes(16)),
    sigAlg,
    subject,
    seq(time(new Date(now - 30_000)), time(new Date(now + 24 * 3600_000))),
    subject,
    spki,
    extensions,
  );
  const signature = crypto.sign("sha256", tbs, privateKey);
  const certDer = seq(tbs, sigAlg, bits(signature));
  const b64 = certDer.toString("base64").replace(/(.{64})/g, "$1\n");
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith("\n") ? "" : "\n"}-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { certPem, certDer, keyPem };
}
