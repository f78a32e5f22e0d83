/**
 * The msgpack encoding of cty values that tfplugin6 `DynamicValue.msgpack`
 * carries (github.com/zclconf/go-cty/cty/msgpack), type-directed both ways:
 *
 * - null is msgpack nil; an unknown value is extension type 0 with an empty
 *   payload, or extension type 12 whose payload holds refinements ("not
 *   null", string prefix, number / length bounds), which are dropped on decode
 *   and never written;
 * - string, bool as themselves; numbers as int, float64, or a decimal string
 *   when neither is exact;
 * - list, set and tuple as arrays; map and object as maps (object attributes
 *   and map keys in sorted order; set elements in any order);
 * - a value whose schema type is `dynamic` as a 2-array
 *   `[<type as JSON, in a bin or str>, <value encoded with that type>]`.
 *
 * Only what the stub provider needs: no marks, no refinements on encode.
 */
import type { CtyType } from "./schema-types";

/** An unknown value ("known after apply"). */
export class Unknown {
  toJSON(): string {
    return "(known after apply)";
  }
}
export const UNKNOWN: Unknown = new Unknown();
export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;

/** A number that is neither a safe integer nor an exact float64, kept as its decimal string. */
export class BigNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** A value of schema type `dynamic`: its concrete type travels with it. */
export class Dynamic {
  constructor(
    readonly type: CtyType,
    readonly value: CtyValue,
  ) {}
}

export type CtyObject = { [name: string]: CtyValue };
export type CtyValue = null | Unknown | string | number | bigint | BigNumber | boolean | CtyValue[] | CtyObject | Dynamic;

/** A fresh object map without a prototype, so any key (even "__proto__") is plain data. */
export function newObject(): CtyObject {
  return Object.create(null) as CtyObject;
}

export const isObject = (v: unknown): v is CtyObject =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof BigNumber) && !(v instanceof Dynamic);

// ---------------------------------------------------------------------------
// Generic msgpack reader (into Raw values), then a typed conversion.

class Ext {
  constructor(
    readonly code: number,
    readonly data: Buffer,
  ) {}
}
type Raw = null | boolean | number | bigint | string | Buffer | Ext | Raw[] | Map<string, Raw>;

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error("msgpack: unexpected end of data");
  }
  private u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  private bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private int64(signed: boolean): number | bigint {
    this.need(8);
    const v = signed ? this.buf.readBigInt64BE(this.pos) : this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  private array(n: number): Raw[] {
    const out: Raw[] = [];
    for (let i = 0; i < n; i++) out.push(this.read());
    return out;
  }
  private map(n: number): Map<string, Raw> {
    const out = new Map<string, Raw>();
    for (let i = 0; i < n; i++) {
      const k = this.read();
      const key = typeof k === "string" ? k : Buffer.isBuffer(k) ? k.toString("utf8") : String(k);
      out.set(key, this.read());
    }
    return out;
  }
  private ext(n: number): Ext {
    this.need(1);
    const code = this.buf.readInt8(this.pos);
    this.pos += 1;
    return new Ext(code, this.bytes(n));
  }

  read(): Raw {
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return this.array(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return this.bytes(b & 0x1f).toString("utf8");
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return Buffer.from(this.bytes(this.u8()));
      case 0xc5:
        return Buffer.from(this.bytes(this.u16()));
      case 0xc6:
        return Buffer.from(this.bytes(this.u32()));
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca: {
        this.need(4);
        const v = this.buf.readFloatBE(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xcb: {
        this.need(8);
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        return this.int64(false);
      case 0xd0:
        this.need(1);
        return this.buf.readInt8(this.pos++);
      case 0xd1: {
        this.need(2);
        const v = this.buf.readInt16BE(this.pos);
        this.pos += 2;
        return v;
      }
      case 0xd2: {
        this.need(4);
        const v = this.buf.readInt32BE(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xd3:
        return this.int64(true);
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.bytes(this.u8()).toString("utf8");
      case 0xda:
        return this.bytes(this.u16()).toString("utf8");
      case 0xdb:
        return this.bytes(this.u32()).toString("utf8");
      case 0xdc:
        return this.array(this.u16());
      case 0xdd:
        return this.array(this.u32());
      case 0xde:
        return this.map(this.u16());
      case 0xdf:
        return this.map(this.u32());
      default:
        throw new Error(`msgpack: unsupported type byte 0x${b.toString(16)}`);
    }
  }
}

function typeName(t: CtyType): string {
  return JSON.stringify(t);
}

function toNumber(raw: Raw): number | bigint | BigNumber {
  if (typeof raw === "number" || typeof raw === "bigint") return raw;
  if (typeof raw === "string") {
    const n = Number(raw);
    return Number.isFinite(n) && String(n) === raw ? n : new BigNumber(raw);
  }
  throw new Error(`msgpack: number expected, got ${describe(raw)}`);
}

function describe(raw: Raw): string {
  if (raw === null) return "nil";
  if (Array.isArray(raw)) return "array";
  if (raw instanceof Map) return "map";
  if (raw instanceof Ext) return `ext ${raw.code}`;
  if (Buffer.isBuffer(raw)) return "bin";
  return typeof raw;
}

/** Converts a generic msgpack value to a cty value of type `t`. */
function fromRaw(raw: Raw, t: CtyType): CtyValue {
  if (raw === null) return null;
  if (raw instanceof Ext) {
    // 0: unknown; 12: unknown with refinements (not null, string prefix, number / length bounds).
    if (raw.code === 0 || raw.code === 12) return UNKNOWN;
    throw new Error(`msgpack: unsupported extension type ${raw.code}`);
  }
  if (t === "dynamic") {
    if (!Array.isArray(raw) || raw.length !== 2) throw new Error(`msgpack: dynamic value must be a 2-array, got ${describe(raw)}`);
    const [tj, v] = raw;
    const text = Buffer.isBuffer(tj) ? tj.toString("utf8") : typeof tj === "string" ? tj : undefined;
    if (text === undefined) throw new Error("msgpack: dynamic value type must be bytes");
    const inner = JSON.parse(text) as CtyType;
    return new Dynamic(inner, fromRaw(v, inner));
  }
  if (t === "string") {
    if (typeof raw === "string") return raw;
    if (Buffer.isBuffer(raw)) return raw.toString("utf8");
    throw new Error(`msgpack: string expected, got ${describe(raw)}`);
  }
  if (t === "number") return toNumber(raw);
  if (t === "bool") {
    if (typeof raw === "boolean") return raw;
    throw new Error(`msgpack: bool expected, got ${describe(raw)}`);
  }
  const [kind, inner] = t as [string, unknown];
  switch (kind) {
    case "list":
    case "set":
      if (!Array.isArray(raw)) throw new Error(`msgpack: array expected for ${typeName(t)}, got ${describe(raw)}`);
      return raw.map((e) => fromRaw(e, inner as CtyType));
    case "tuple": {
      if (!Array.isArray(raw)) throw new Error(`msgpack: array expected for ${typeName(t)}, got ${describe(raw)}`);
      const elems = inner as CtyType[];
      return raw.map((e, i) => fromRaw(e, elems[i] ?? "dynamic"));
    }
    case "map": {
      if (!(raw instanceof Map)) throw new Error(`msgpack: map expected for ${typeName(t)}, got ${describe(raw)}`);
      const out = newObject();
      for (const [k, v] of raw) out[k] = fromRaw(v, inner as CtyType);
      return out;
    }
    case "object": {
      if (!(raw instanceof Map)) throw new Error(`msgpack: map expected for object, got ${describe(raw)}`);
      const attrs = inner as { [k: string]: CtyType };
      const out = newObject();
      for (const [k, at] of Object.entries(attrs)) out[k] = raw.has(k) ? fromRaw(raw.get(k) as Raw, at) : null;
      return out;
    }
    default:
      throw new Error(`msgpack: unsupported type ${typeName(t)}`);
  }
}

/** Decodes a DynamicValue.msgpack payload of type `t`. */
export function decode(buf: Buffer, t: CtyType): CtyValue {
  if (buf.length === 0) return null;
  const r = new Reader(buf);
  const raw = r.read();
  return fromRaw(raw, t);
}

// ---------------------------------------------------------------------------
// Typed encoder.

class Writer {
  private chunks: Buffer[] = [];
  private push(...bytes: number[]): void {
    this.chunks.push(Buffer.from(bytes));
  }
  nil(): void {
    this.push(0xc0);
  }
  bool(v: boolean): void {
    this.push(v ? 0xc3 : 0xc2);
  }
  unknown(): void {
    this.push(0xc7, 0x00, 0x00); // ext8, length 0, type 0 (as go-cty writes it)
  }
  int(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v <= 0x7f) return this.push(v);
    if (typeof v === "number" && v < 0 && v >= -32) return this.push(0x100 + v);
    const big = BigInt(v);
    const b = Buffer.alloc(9);
    if (big >= BigInt(0) && big <= BigInt("18446744073709551615")) {
      b[0] = 0xcf;
      b.writeBigUInt64BE(big, 1);
    } else {
      b[0] = 0xd3;
      b.writeBigInt64BE(big, 1);
    }
    this.chunks.push(b);
  }
  float(v: number): void {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(v, 1);
    this.chunks.push(b);
  }
  str(s: string): void {
    const data = Buffer.from(s, "utf8");
    const n = data.length;
    if (n < 32) this.push(0xa0 | n);
    else if (n <= 0xff) this.push(0xd9, n);
    else if (n <= 0xffff) this.push(0xda, n >> 8, n & 0xff);
    else this.push(0xdb, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    this.chunks.push(data);
  }
  bin(data: Buffer): void {
    const n = data.length;
    if (n <= 0xff) this.push(0xc4, n);
    else if (n <= 0xffff) this.push(0xc5, n >> 8, n & 0xff);
    else this.push(0xc6, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    this.chunks.push(data);
  }
  private header(n: number, fix: number, c16: number, c32: number): void {
    if (n < 16) this.push(fix | n);
    else if (n <= 0xffff) this.push(c16, n >> 8, n & 0xff);
    else this.push(c32, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  }
  arrayHeader(n: number): void {
    this.header(n, 0x90, 0xdc, 0xdd);
  }
  mapHeader(n: number): void {
    this.header(n, 0x80, 0xde, 0xdf);
  }
  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The cty type of a JS value that carries no type (placeholders for `dynamic`). */
function inferType(v: CtyValue): CtyType {
  if (typeof v === "string") return "string";
  if (typeof v === "number" || typeof v === "bigint" || v instanceof BigNumber) return "number";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Dynamic) return v.type;
  if (Array.isArray(v)) return ["tuple", v.map(inferType)] as unknown as CtyType;
  if (isObject(v)) return ["object", Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inferType(x)]))];
  return "dynamic";
}

function write(w: Writer, v: CtyValue, t: CtyType, path: string): void {
  if (v === null) return w.nil();
  if (v instanceof Unknown) return w.unknown();
  if (t === "dynamic") {
    const inner = v instanceof Dynamic ? v.type : inferType(v);
    const value = v instanceof Dynamic ? v.value : v;
    w.arrayHeader(2);
    w.bin(Buffer.from(JSON.stringify(inner), "utf8"));
    return write(w, value, inner, path);
  }
  if (v instanceof Dynamic) return write(w, v.value, t, path);
  if (t === "string") {
    if (typeof v !== "string") throw new Error(`${path}: string expected`);
    return w.str(v);
  }
  if (t === "number") {
    if (v instanceof BigNumber) return w.str(v.text);
    if (typeof v === "bigint") return w.int(v);
    if (typeof v !== "number") throw new Error(`${path}: number expected`);
    return Number.isSafeInteger(v) ? w.int(v) : w.float(v);
  }
  if (t === "bool") {
    if (typeof v !== "boolean") throw new Error(`${path}: bool expected`);
    return w.bool(v);
  }
  const [kind, inner] = t as [string, unknown];
  switch (kind) {
    case "list":
    case "set":
      if (!Array.isArray(v)) throw new Error(`${path}: array expected for ${typeName(t)}`);
      w.arrayHeader(v.length);
      v.forEach((e, i) => write(w, e, inner as CtyType, `${path}[${i}]`));
      return;
    case "tuple": {
      if (!Array.isArray(v)) throw new Error(`${path}: array expected for ${typeName(t)}`);
      const elems = inner as CtyType[];
      w.arrayHeader(v.length);
      v.forEach((e, i) => write(w, e, elems[i] ?? "dynamic", `${path}[${i}]`));
      return;
    }
    case "map": {
      if (!isObject(v)) throw new Error(`${path}: map expected for ${typeName(t)}`);
      const keys = Object.keys(v).sort();
      w.mapHeader(keys.length);
      for (const k of keys) {
        w.str(k);
        write(w, v[k], inner as CtyType, `${path}[${JSON.stringify(k)}]`);
      }
      return;
    }
    case "object": {
      if (!isObject(v)) throw new Error(`${path}: object expected`);
      const attrs = inner as { [k: string]: CtyType };
      const keys = Object.keys(attrs).sort();
      w.mapHeader(keys.length);
      for (const k of keys) {
        w.str(k);
        write(w, k in v ? v[k] : null, attrs[k], `${path}.${k}`);
      }
      return;
    }
    default:
      throw new Error(`${path}: unsupported type ${typeName(t)}`);
  }
}

/** Encodes a cty value of type `t` as a DynamicValue.msgpack payload. */
export function encode(v: CtyValue, t: CtyType): Buffer {
  const w = new Writer();
  write(w, v, t, "value");
  return w.result();
}
