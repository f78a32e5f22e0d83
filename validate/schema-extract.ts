/**
 * Reconstructs Terraform provider schemas from the cdktf binding packages
 * (@cdktf/provider-aws, -kubernetes, -helm).
 *
 * Source of truth: the TypeScript sources the bindings were compiled from, which
 * every `lib/<name>/index.js` embeds in its inline source map (`sourcesContent`).
 * The cdktf provider generator writes, for every attribute and block of every
 * resource / data source / nested struct:
 *
 *   // <tf_name> - computed: <bool>, optional: <bool>, required: <bool>
 *   private _camel?: <ts type>;            (settable attributes)
 *   public get camel() { return this.get<Type>Attribute('<tf_name>'); }
 *
 * plus per struct a `<struct>ToHclTerraform` function whose entries carry
 * `type: "simple"|"list"|"set"|"map"|"struct"` and `storageClassType`, and a
 * `cdktf.listMapperHcl(fn, <isBlock>)` marker that separates repeated blocks
 * from list/set-of-object attributes. Config interface docs carry the exact
 * Terraform name (`{@link ...#tf_name ...}`) and mark blocks with "<name> block".
 *
 * Known approximations are listed in validate/README.md.
 */
import * as fs from "fs";
import * as path from "path";
import type {
  CtyType,
  NestingMode,
  ProviderSchema,
  Schema,
  SchemaAttribute,
  SchemaBlock,
  SchemaNestedBlock,
} from "./schema-types";

/** Bump whenever the reconstruction changes, to invalidate caches. */
export const EXTRACTOR_VERSION = 7;

interface InterfaceMember {
  tfName: string;
  camel: string;
  optional: boolean;
  tsType: string;
  blockDoc: boolean;
}

interface HclEntry {
  valueExpr: string;
  type: string;
  storageClassType: string;
}

interface ParsedClass {
  name: string;
  base: string;
  body: string;
}

interface ParsedFile {
  interfaces: Map<string, Map<string, InterfaceMember>>;
  hclFns: Map<string, Map<string, HclEntry>>;
  classes: Map<string, ParsedClass>;
  /** ComplexList / ComplexMap class name -> element OutputReference class name */
  collections: Map<string, { kind: "list" | "map"; element: string }>;
}

interface Flags {
  computed: boolean;
  optional: boolean;
  required: boolean;
}

// ---------------------------------------------------------------------------
// Parsing of one generated TypeScript file
// ---------------------------------------------------------------------------

const TOP_RE = /^export (interface|function|class) (\w+)(.*)$/;

function splitTopLevel(src: string): { kind: string; name: string; header: string; body: string }[] {
  const out: { kind: string; name: string; header: string; body: string }[] = [];
  const lines = src.split("\n");
  let cur: { kind: string; name: string; header: string; lines: string[] } | undefined;
  for (const line of lines) {
    if (!cur) {
      const m = TOP_RE.exec(line);
      if (m) {
        cur = { kind: m[1], name: m[2], header: m[3], lines: [] };
        if (/\{\s*\}\s*$/.test(line)) {
          out.push({ kind: cur.kind, name: cur.name, header: cur.header, body: "" });
          cur = undefined;
        }
      }
      continue;
    }
    if (line === "}") {
      out.push({ kind: cur.kind, name: cur.name, header: cur.header, body: cur.lines.join("\n") });
      cur = undefined;
      continue;
    }
    cur.lines.push(line);
  }
  return out;
}

const HCL_ENTRY_RE =
  /^\s+"?([A-Za-z0-9_-]+)"?: \{\n\s+value: (.*),\n\s+isBlock: (?:true|false),\n\s+type: "(\w+)",\n\s+storageClassType: "(\w+)",\n\s+\}/gm;

function parseHclEntries(text: string): Map<string, HclEntry> {
  const entries = new Map<string, HclEntry>();
  for (const m of text.matchAll(HCL_ENTRY_RE)) {
    entries.set(m[1], { valueExpr: m[2], type: m[3], storageClassType: m[4] });
  }
  return entries;
}

function parseInterface(body: string): Map<string, InterfaceMember> {
  const members = new Map<string, InterfaceMember>();
  let doc: string[] = [];
  let inDoc = false;
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("/**")) {
      inDoc = true;
      doc = [];
      continue;
    }
    if (inDoc) {
      if (line.startsWith("*/")) inDoc = false;
      else doc.push(line.replace(/^\*\s?/, ""));
      continue;
    }
    const m = /^readonly (\w+)(\?)?: (.+);$/.exec(line);
    if (!m) continue;
    const docText = doc.join("\n");
    const link = /\{@link \S+#(\S+) \S+\}/.exec(docText);
    const tfName = link ? link[1] : m[1].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    members.set(tfName, {
      tfName,
      camel: m[1],
      optional: m[2] === "?",
      tsType: m[3],
      blockDoc: doc.some((d) => d.trim() === `${tfName} block`),
    });
    doc = [];
  }
  return members;
}

function parseFiles(srcs: string[]): ParsedFile {
  const file: ParsedFile = {
    interfaces: new Map(),
    hclFns: new Map(),
    classes: new Map(),
    collections: new Map(),
  };
  for (const item of srcs.flatMap(splitTopLevel)) {
    if (item.kind === "interface") {
      file.interfaces.set(item.name, parseInterface(item.body));
    } else if (item.kind === "function") {
      const m = /^(\w+)ToHclTerraform$/.exec(item.name);
      if (!m) continue;
      const params = /\(struct\?: ([^)]*)\)/.exec(item.header);
      const structName =
        params?.[1]
          .split("|")
          .map((s) => s.trim())
          .find((s) => !s.endsWith("OutputReference") && !s.startsWith("cdktf.")) ??
        m[1].charAt(0).toUpperCase() + m[1].slice(1);
      file.hclFns.set(structName, parseHclEntries(item.body));
    } else if (item.kind === "class") {
      const ext = /extends ([\w.]+)/.exec(item.header);
      const base = ext ? ext[1] : "";
      file.classes.set(item.name, { name: item.name, base, body: item.body });
      if (base === "cdktf.ComplexList" || base === "cdktf.ComplexMap") {
        const el = /public get\((?:index: number|key: string)\): (\w+)/.exec(item.body);
        if (el) {
          file.collections.set(item.name, { kind: base === "cdktf.ComplexList" ? "list" : "map", element: el[1] });
        }
      }
    }
  }
  return file;
}

// ---------------------------------------------------------------------------
// Type helpers
// ---------------------------------------------------------------------------

/** Parses a generated TypeScript type annotation into a cty type. */
export function tsTypeToCty(ts: string, outer?: string): CtyType | undefined {
  let t = ts.trim();
  for (;;) {
    const before = t;
    t = t.replace(/\s*\|\s*cdktf\.IResolvable$/, "").trim();
    if (t.startsWith("(") && t.endsWith(")")) t = t.slice(1, -1).trim();
    if (t === before) break;
  }
  if (t === "string") return "string";
  if (t === "number") return "number";
  if (t === "boolean") return "bool";
  if (t === "any") return "dynamic";
  const arr = /^Array<(.*)>$/.exec(t);
  if (arr) {
    const el = tsTypeToCty(arr[1]);
    return el ? [outer === "set" ? "set" : "list", el] : undefined;
  }
  if (t.endsWith("[]")) {
    const el = tsTypeToCty(t.slice(0, -2));
    return el ? [outer === "set" ? "set" : "list", el] : undefined;
  }
  const map = /^\{ \[key: string\]: (.*) \}$/.exec(t);
  if (map) {
    const el = tsTypeToCty(map[1]);
    return el ? ["map", el] : undefined;
  }
  return undefined;
}

function typeFromGetter(expr: string): CtyType | "fallback" {
  const call = /this\.(\w+)\('/.exec(expr);
  const fn = call?.[1];
  const tolist = expr.includes("Fn.tolist(");
  switch (fn) {
    case "getStringAttribute":
      return "string";
    case "getNumberAttribute":
      return "number";
    case "getBooleanAttribute":
      return "bool";
    case "getListAttribute":
      return [tolist ? "set" : "list", "string"];
    case "getNumberListAttribute":
      return [tolist ? "set" : "list", "number"];
    case "getBooleanListAttribute":
      return [tolist ? "set" : "list", "bool"];
    case "getStringMapAttribute":
      return ["map", "string"];
    case "getNumberMapAttribute":
      return ["map", "number"];
    case "getBooleanMapAttribute":
      return ["map", "bool"];
    case "getAnyMapAttribute":
      // The generator renders Terraform's "dynamic" pseudo-type as map(any).
      return "dynamic";
    default:
      return "fallback";
  }
}

function wrap(coll: NestingMode, t: CtyType): CtyType {
  return coll === "single" ? t : [coll, t];
}

function attributeImpliedType(a: SchemaAttribute): CtyType {
  if (a.type) return a.type;
  const nt = a.nested_type!;
  const obj: CtyType = ["object", Object.fromEntries(Object.entries(nt.attributes).map(([k, v]) => [k, attributeImpliedType(v)]))];
  return wrap(nt.nesting_mode, obj);
}

function blockImpliedType(b: SchemaBlock): CtyType {
  const fields: { [k: string]: CtyType } = {};
  for (const [k, v] of Object.entries(b.attributes ?? {})) fields[k] = attributeImpliedType(v);
  for (const [k, v] of Object.entries(b.block_types ?? {})) fields[k] = wrap(v.nesting_mode, blockImpliedType(v.block));
  return ["object", fields];
}

/** Attributes of a block, with nested blocks turned into attributes of their implied type. */
function blockAsAttributes(b: SchemaBlock, flags: Flags): { [k: string]: SchemaAttribute } {
  const out: { [k: string]: SchemaAttribute } = { ...(b.attributes ?? {}) };
  for (const [k, v] of Object.entries(b.block_types ?? {})) {
    out[k] = { type: wrap(v.nesting_mode, blockImpliedType(v.block)), ...flagProps(flags.computed && !flags.optional && !flags.required ? flags : { computed: false, optional: true, required: false }) };
  }
  return out;
}

function flagProps(f: Flags): Pick<SchemaAttribute, "required" | "optional" | "computed"> {
  const p: Pick<SchemaAttribute, "required" | "optional" | "computed"> = {};
  if (f.required) p.required = true;
  if (f.optional) p.optional = true;
  if (f.computed) p.computed = true;
  // Terraform rejects attributes with none of the three flags; the generator
  // emits all-false for the children of some computed-only structures.
  if (!f.required && !f.optional && !f.computed) p.computed = true;
  return p;
}

// ---------------------------------------------------------------------------
// Schema building
// ---------------------------------------------------------------------------

const COMMENT_RE = /^ {2}\/\/ ([A-Za-z0-9_-]+) - computed: (true|false), optional: (true|false), required: (true|false)$/gm;

interface AttrItem {
  name: string;
  flags: Flags;
  chunk?: string;
  member?: InterfaceMember;
  hcl?: HclEntry;
}

type Shape =
  | { kind: "type"; type: CtyType }
  | { kind: "struct"; coll: NestingMode; structName: string; singleItem: boolean; listMapperBlock?: boolean };

export interface ExtractStats {
  recursionCuts: number;
  dynamicFallbacks: number;
}

class Builder {
  readonly stats: ExtractStats = { recursionCuts: 0, dynamicFallbacks: 0 };
  constructor(private readonly file: ParsedFile) {}

  private items(cls: ParsedClass | undefined, iface: Map<string, InterfaceMember> | undefined, hcl: Map<string, HclEntry> | undefined): AttrItem[] {
    const items: AttrItem[] = [];
    if (cls) {
      const matches = [...cls.body.matchAll(COMMENT_RE)];
      matches.forEach((m, i) => {
        const start = m.index! + m[0].length;
        const end = i + 1 < matches.length ? matches[i + 1].index! : cls.body.length;
        items.push({
          name: m[1],
          flags: { computed: m[2] === "true", optional: m[3] === "true", required: m[4] === "true" },
          chunk: cls.body.slice(start, end),
          member: iface?.get(m[1]),
          hcl: hcl?.get(m[1]),
        });
      });
      return items;
    }
    // Structs without an OutputReference class (provider configuration blocks):
    // settable attributes only, flags from the interface's optionality.
    for (const [name, entry] of hcl ?? new Map<string, HclEntry>()) {
      const member = iface?.get(name);
      const optional = member ? member.optional : true;
      items.push({ name, flags: { computed: false, optional, required: !optional }, member, hcl: entry });
    }
    return items;
  }

  private shapeOf(item: AttrItem): Shape {
    const chunk = item.chunk ?? "";
    const init = /private _\w+ = new (cdktf\.)?(\w+)\(this, "[^"]*"(?:, (true|false))?\);/.exec(chunk);
    if (init) {
      const [, isCdktf, cls, wrapsSet] = init;
      if (isCdktf) {
        const prim = { StringMap: "string", NumberMap: "number", BooleanMap: "bool", AnyMap: "dynamic" }[cls] as CtyType | undefined;
        if (prim) return { kind: "type", type: prim === "dynamic" ? "dynamic" : ["map", prim] };
      } else {
        const coll = this.file.collections.get(cls);
        const hclListMapper = item.hcl ? /listMapperHcl\(\w+, (true|false)\)/.exec(item.hcl.valueExpr) : null;
        if (coll) {
          const structName = coll.element.replace(/OutputReference$/, "");
          const mode: NestingMode = coll.kind === "map" ? "map" : wrapsSet === "true" ? "set" : "list";
          return { kind: "struct", coll: mode, structName, singleItem: false, listMapperBlock: hclListMapper ? hclListMapper[1] === "true" : undefined };
        }
        if (cls.endsWith("OutputReference")) {
          const structName = cls.replace(/OutputReference$/, "");
          const t = item.hcl?.type;
          if (t === "list" || t === "set") return { kind: "struct", coll: t, structName, singleItem: true };
          return { kind: "struct", coll: "single", structName, singleItem: false };
        }
      }
    }
    // No stored-class initializer: look at the HCL converter for struct values (provider structs).
    if (item.hcl && /^[A-Z]/.test(item.hcl.storageClassType)) {
      const v = item.hcl.valueExpr;
      const lm = /listMapperHcl\((\w+)ToHclTerraform, (true|false)\)/.exec(v);
      const hm = /hashMapperHcl\((\w+)ToHclTerraform\)/.exec(v);
      const direct = /^(\w+)ToHclTerraform\(/.exec(v);
      const fnName = lm?.[1] ?? hm?.[1] ?? direct?.[1];
      if (fnName) {
        const structName = this.structNameForFn(fnName);
        if (lm) return { kind: "struct", coll: item.hcl.type === "set" ? "set" : "list", structName, singleItem: false, listMapperBlock: lm[2] === "true" };
        if (hm) return { kind: "struct", coll: "map", structName, singleItem: false };
        const t = item.hcl.type;
        if (t === "list" || t === "set") return { kind: "struct", coll: t, structName, singleItem: true };
        return { kind: "struct", coll: "single", structName, singleItem: false };
      }
    }
    const getter = /public get \w+\(\)[^{]*\{\s*\n\s*return (.+);/.exec(chunk);
    if (getter) {
      const t = typeFromGetter(getter[1]);
      if (t !== "fallback") return { kind: "type", type: t };
    }
    const outer = item.hcl?.type ?? (getter && getter[1].includes("Fn.tolist(") ? "set" : undefined);
    const privType = /private _\w+\?: (.+?);\s*$/m.exec(chunk)?.[1] ?? item.member?.tsType;
    const fromTs = privType ? tsTypeToCty(privType, outer) : undefined;
    if (fromTs) return { kind: "type", type: fromTs };
    this.stats.dynamicFallbacks++;
    return { kind: "type", type: "dynamic" };
  }

  private structNameForFn(fnName: string): string {
    for (const name of this.file.hclFns.keys()) {
      if (name.charAt(0).toLowerCase() + name.slice(1) === fnName) return name;
    }
    return fnName.charAt(0).toUpperCase() + fnName.slice(1);
  }

  build(cls: ParsedClass | undefined, iface: Map<string, InterfaceMember> | undefined, hcl: Map<string, HclEntry> | undefined, stack: string[], exclude: string[] = []): SchemaBlock {
    const attributes: { [k: string]: SchemaAttribute } = {};
    const blockTypes: { [k: string]: SchemaNestedBlock } = {};
    for (const item of this.items(cls, iface, hcl)) {
      if (exclude.includes(item.name)) continue;
      const shape = this.shapeOf(item);
      if (shape.kind === "type") {
        attributes[item.name] = { type: shape.type, ...flagProps(item.flags) };
        continue;
      }
      const { structName } = shape;
      if (stack.filter((s) => s === structName).length >= 2) {
        // Recursive structure (cdktf loop detection): cut it off as dynamic.
        this.stats.recursionCuts++;
        attributes[item.name] = { type: "dynamic", ...flagProps(item.flags.required ? { ...item.flags, required: false, optional: true } : item.flags) };
        continue;
      }
      const inner = this.build(
        this.file.classes.get(`${structName}OutputReference`),
        this.file.interfaces.get(structName),
        this.file.hclFns.get(structName),
        [...stack, structName],
      );
      const settable = item.hcl !== undefined;
      let isBlock = false;
      if (settable) {
        if (shape.singleItem) isBlock = true;
        else if (shape.coll === "list" || shape.coll === "set") isBlock = shape.listMapperBlock ?? item.member?.blockDoc ?? false;
        else isBlock = item.member?.blockDoc ?? false;
      } else if (cls === undefined && item.member?.blockDoc) {
        isBlock = true;
      }
      if (isBlock) {
        const nb: SchemaNestedBlock = { nesting_mode: shape.coll, block: inner };
        if (shape.coll !== "single" && shape.coll !== "map" && item.flags.required) nb.min_items = 1;
        if (shape.singleItem) nb.max_items = 1;
        blockTypes[item.name] = nb;
        continue;
      }
      // Attribute holding objects. Computed-only structures are plain cty object
      // types (as Terraform's SDK reports them). Settable ones are either nested
      // attribute types or object types, which the generated code does not
      // distinguish; a nested type is used (children keep their own flags, which
      // for object types mirror the parent's), accepting every value the object
      // type would and omitted optional children too.
      const computedOnly = item.flags.computed && !item.flags.optional && !item.flags.required;
      // Exception: a set whose children all mirror the parent's optional+computed
      // flags is the SDKv2 "attributes as blocks" pattern (aws_security_group
      // ingress/egress, aws_route_table route, aws_network_acl ingress/egress):
      // a set of objects, where Terraform requires every object attribute.
      const children = Object.values(inner.attributes ?? {});
      const attrAsBlocks =
        shape.coll === "set" &&
        item.flags.computed &&
        item.flags.optional &&
        children.length > 0 &&
        children.every((c) => c.computed && c.optional && !c.required && !c.nested_type);
      if (computedOnly || attrAsBlocks || Object.keys(inner.block_types ?? {}).length > 0) {
        attributes[item.name] = { type: wrap(shape.coll, blockImpliedType(inner)), ...flagProps(item.flags) };
      } else {
        attributes[item.name] = {
          nested_type: { nesting_mode: shape.coll, attributes: blockAsAttributes(inner, item.flags) },
          ...flagProps(item.flags),
        };
      }
    }
    const block: SchemaBlock = {};
    if (Object.keys(attributes).length) block.attributes = attributes;
    if (Object.keys(blockTypes).length) block.block_types = blockTypes;
    return block;
  }
}

export interface ExtractedTopLevel {
  kind: "resource" | "data" | "provider";
  tfType: string;
  schema: Schema;
}

/**
 * Extracts the schemas defined in one generated binding module (its index.ts
 * plus, for large resources, the index-structs/structsN.ts files).
 */
export function extractFromSources(srcs: string[], stats?: ExtractStats): ExtractedTopLevel[] {
  const file = parseFiles(srcs);
  const out: ExtractedTopLevel[] = [];
  for (const cls of file.classes.values()) {
    const kind =
      cls.base === "cdktf.TerraformResource" ? "resource" : cls.base === "cdktf.TerraformDataSource" ? "data" : cls.base === "cdktf.TerraformProvider" ? "provider" : undefined;
    if (!kind) continue;
    const tfType = /public static readonly tfResourceType = "([^"]+)"/.exec(cls.body)?.[1];
    if (!tfType) continue;
    const configName = /public constructor\(scope: Construct, id: string, config(?:\?)?: (\w+)/.exec(cls.body)?.[1];
    const hclStart = cls.body.indexOf("protected synthesizeHclAttributes()");
    const hcl = hclStart >= 0 ? parseHclEntries(cls.body.slice(hclStart)) : new Map<string, HclEntry>();
    const builder = new Builder(file);
    // `alias` is added to provider configs by the generator; Terraform reserves it.
    const block = builder.build(cls, configName ? file.interfaces.get(configName) : undefined, hcl, [], kind === "provider" ? ["alias"] : []);
    if (stats) {
      stats.recursionCuts += builder.stats.recursionCuts;
      stats.dynamicFallbacks += builder.stats.dynamicFallbacks;
    }
    fixSetsWithDynamic(block);
    out.push({ kind, tfType, schema: { version: 0, block } });
  }
  return out;
}

/** Returns the original TypeScript source embedded in a compiled file's inline source map. */
export function embeddedSource(jsFile: string): string | undefined {
  const js = fs.readFileSync(jsFile, "utf8");
  const marker = "sourceMappingURL=data:application/json;base64,";
  const i = js.lastIndexOf(marker);
  if (i < 0) return undefined;
  const map = JSON.parse(Buffer.from(js.slice(i + marker.length).trim(), "base64").toString("utf8")) as { sourcesContent?: string[] };
  return map.sourcesContent?.[0];
}

export interface BindingPackage {
  /** npm package name, e.g. "@cdktf/provider-aws" */
  name: string;
  /** Directory of the installed package. */
  dir: string;
  version: string;
}

/** Extracts the complete provider schema from an installed binding package. */
export function extractProviderSchema(pkg: BindingPackage, source: string, stats?: ExtractStats): ProviderSchema {
  const libDir = path.join(pkg.dir, "lib");
  const result: ProviderSchema = {
    source,
    providerVersion: "",
    generatedFrom: `${pkg.name}@${pkg.version}`,
    provider: { version: 0, block: {} },
    resource_schemas: {},
    data_source_schemas: {},
  };
  let sawProvider = false;
  for (const entry of fs.readdirSync(libDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const moduleDir = path.join(libDir, entry.name);
    if (!fs.existsSync(path.join(moduleDir, "index.js"))) continue;
    const srcs = listJsFiles(moduleDir).map((jsFile) => {
      const src = embeddedSource(jsFile);
      if (src === undefined) throw new Error(`${jsFile}: no embedded TypeScript source (sourcesContent) to reconstruct the schema from`);
      return src;
    });
    if (!result.providerVersion) {
      for (const src of srcs) {
        const v = /registry\.terraform\.io\/providers\/[^/]+\/[^/]+\/([^/]+)\/docs/.exec(src);
        if (v) {
          result.providerVersion = v[1];
          break;
        }
      }
    }
    for (const top of extractFromSources(srcs, stats)) {
      if (top.kind === "provider") {
        result.provider = top.schema;
        sawProvider = true;
      } else if (top.kind === "resource") result.resource_schemas[top.tfType] = top.schema;
      else result.data_source_schemas[top.tfType] = top.schema;
    }
  }
  if (!sawProvider) throw new Error(`${pkg.name}: no provider class found`);
  return result;
}

function listJsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listJsFiles(p));
    else if (e.name.endsWith(".js")) out.push(p);
  }
  return out.sort();
}

function typeHasDynamic(t: CtyType): boolean {
  if (t === "dynamic") return true;
  if (typeof t === "string") return false;
  if (t[0] === "object") return Object.values(t[1]).some(typeHasDynamic);
  return typeHasDynamic(t[1]);
}

function attrHasDynamic(a: SchemaAttribute): boolean {
  if (a.type) return typeHasDynamic(a.type);
  return Object.values(a.nested_type?.attributes ?? {}).some(attrHasDynamic);
}

function blockHasDynamic(b: SchemaBlock): boolean {
  return Object.values(b.attributes ?? {}).some(attrHasDynamic) || Object.values(b.block_types ?? {}).some((nb) => blockHasDynamic(nb.block));
}

/** Sets cannot hold dynamic values; set(dynamic) only arises from the generator's skipped attributes. */
function setToListIfDynamic(t: CtyType): CtyType {
  if (typeof t === "string") return t;
  if (t[0] === "object") return ["object", Object.fromEntries(Object.entries(t[1]).map(([k, v]) => [k, setToListIfDynamic(v)]))];
  const inner = setToListIfDynamic(t[1]);
  return [t[0] === "set" && typeHasDynamic(inner) ? "list" : t[0], inner];
}

/**
 * Terraform rejects NestingSet blocks (and set types) containing
 * cty.DynamicPseudoType. The generator replaces a few huge nested structures
 * (e.g. aws_wafv2_*.statement) with an untyped value; where one sits inside a
 * set, the set is modelled as a list instead.
 */
function fixSetsWithDynamic(b: SchemaBlock): void {
  for (const a of Object.values(b.attributes ?? {})) {
    if (a.type) a.type = setToListIfDynamic(a.type);
    else if (a.nested_type) {
      fixSetsWithDynamic({ attributes: a.nested_type.attributes });
      if (a.nested_type.nesting_mode === "set" && Object.values(a.nested_type.attributes).some(attrHasDynamic)) a.nested_type.nesting_mode = "list";
    }
  }
  for (const nb of Object.values(b.block_types ?? {})) {
    fixSetsWithDynamic(nb.block);
    if (nb.nesting_mode === "set" && blockHasDynamic(nb.block)) nb.nesting_mode = "list";
  }
}
