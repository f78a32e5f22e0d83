/**
 * Root-module variables of a Terraform JSON module, and placeholder values for
 * the ones without a default, derived from their type constraint:
 *
 * - string: chosen by name like data-source placeholders (`*_arn` ->
 *   arn:aws:iam::123456789012:role/example, `*cidr*` -> 10.0.0.0/16,
 *   `region` -> us-east-1, `vpc_id` -> vpc-0123456789abcdef0, ...), otherwise
 *   "placeholder";
 * - number 1, bool false, any -> a string as above;
 * - list / set / tuple: one element; map: one entry keyed "example";
 * - object: every attribute that is not `optional(...)` (optional ones are left
 *   out so their defaults apply).
 */
import * as path from "path";
import { asObjects, listTfJson, readJson, type Json } from "./runner";
import { placeholderString, PLACEHOLDER } from "./plan-values";

export interface VariableDecl {
  name: string;
  /** The type constraint as written (undefined: any). */
  type?: string;
  hasDefault: boolean;
  file: string;
}

/** Variables declared by the *.tf.json files of a module directory (not its children). */
export function moduleVariables(dir: string): VariableDecl[] {
  const out: VariableDecl[] = [];
  for (const f of listTfJson(dir)) {
    const file = path.join(dir, f);
    const doc = readJson(file);
    if (!doc) continue;
    for (const block of asObjects(doc.variable)) {
      for (const [name, body] of Object.entries(block)) {
        const decl = asObjects(body)[0] ?? {};
        out.push({ name, type: typeof decl.type === "string" ? decl.type : undefined, hasDefault: "default" in decl, file });
      }
    }
  }
  return out;
}

/** A parsed type constraint. */
export type TypeExpr =
  | { kind: "string" | "number" | "bool" | "any" }
  | { kind: "list" | "set" | "map"; elem: TypeExpr }
  | { kind: "tuple"; elems: TypeExpr[] }
  | { kind: "object"; attrs: { name: string; type: TypeExpr; optional: boolean }[] };

class TypeParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  private ws(): void {
    while (this.pos < this.src.length && /[\s,]/.test(this.src[this.pos])) this.pos++;
  }
  private expect(ch: string): void {
    this.ws();
    if (this.src[this.pos] !== ch) throw new Error(`expected "${ch}" at ${this.pos} in type ${this.src}`);
    this.pos++;
  }
  private ident(): string {
    this.ws();
    const m = /^("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*)/.exec(this.src.slice(this.pos));
    if (!m) throw new Error(`expected a name at ${this.pos} in type ${this.src}`);
    this.pos += m[0].length;
    return m[0].startsWith('"') ? (JSON.parse(m[0]) as string) : m[0];
  }
  /** Skips an expression up to (not including) the closing bracket that ends it. */
  private skipExpression(): void {
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '"') {
        this.pos++;
        while (this.pos < this.src.length && this.src[this.pos] !== '"') this.pos += this.src[this.pos] === "\\" ? 2 : 1;
      } else if ("([{".includes(c)) depth++;
      else if (")]}".includes(c)) {
        if (depth === 0) return;
        depth--;
      }
      this.pos++;
    }
  }

  parse(): TypeExpr {
    const t = this.type();
    this.ws();
    if (this.pos < this.src.length) throw new Error(`unexpected "${this.src.slice(this.pos)}" in type ${this.src}`);
    return t;
  }

  type(): TypeExpr {
    const name = this.ident();
    switch (name) {
      case "string":
      case "number":
      case "bool":
      case "any":
        return { kind: name };
      case "list":
      case "set":
      case "map": {
        this.expect("(");
        const elem = this.type();
        this.expect(")");
        return { kind: name, elem };
      }
      case "tuple": {
        this.expect("(");
        this.expect("[");
        const elems: TypeExpr[] = [];
        for (this.ws(); this.src[this.pos] !== "]"; this.ws()) elems.push(this.type());
        this.expect("]");
        this.expect(")");
        return { kind: "tuple", elems };
      }
      case "object": {
        this.expect("(");
        this.expect("{");
        const attrs: { name: string; type: TypeExpr; optional: boolean }[] = [];
        for (this.ws(); this.src[this.pos] !== "}"; this.ws()) {
          const attr = this.ident();
          this.ws();
          if (this.src[this.pos] !== "=" && this.src[this.pos] !== ":") throw new Error(`expected "=" after ${attr} in type ${this.src}`);
          this.pos++;
          this.ws();
          const save = this.pos;
          if (this.ident() === "optional") {
            this.expect("(");
            const type = this.type();
            this.skipExpression(); // optional default value, if any
            this.expect(")");
            attrs.push({ name: attr, type, optional: true });
          } else {
            this.pos = save;
            attrs.push({ name: attr, type: this.type(), optional: false });
          }
        }
        this.expect("}");
        this.expect(")");
        return { kind: "object", attrs };
      }
      default:
        throw new Error(`unknown type "${name}" in ${this.src}`);
    }
  }
}

/** Parses a variable type constraint such as `map(object({ a = optional(string, "x") }))`. */
export function parseType(src: string): TypeExpr {
  const m = /^\s*\$\{([\s\S]*)\}\s*$/.exec(src);
  return new TypeParser(m ? m[1] : src).parse();
}

/** A JSON placeholder of type `t` for a variable (or attribute) called `name`. */
export function placeholderFor(t: TypeExpr, name: string): Json {
  switch (t.kind) {
    case "string":
    case "any":
      return placeholderString(name);
    case "number":
      return PLACEHOLDER.number;
    case "bool":
      return PLACEHOLDER.bool;
    case "list":
    case "set":
      return [placeholderFor(t.elem, name)];
    case "map":
      return { example: placeholderFor(t.elem, name) };
    case "tuple":
      return t.elems.map((e) => placeholderFor(e, name));
    case "object":
      return Object.fromEntries(t.attrs.filter((a) => !a.optional).map((a) => [a.name, placeholderFor(a.type, a.name)]));
  }
}

/** The placeholder for a declared variable; types that do not parse get a string. */
export function variablePlaceholder(v: VariableDecl): Json {
  let t: TypeExpr = { kind: "any" };
  if (v.type !== undefined) {
    try {
      t = parseType(v.type);
    } catch {
      t = { kind: "any" };
    }
  }
  return placeholderFor(t, v.name);
}
