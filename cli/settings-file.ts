import * as fs from "fs";
import * as path from "path";
import { visit } from "jsonc-parser";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";

/**
 * Settings files: JSON (`.json`) or YAML (anything else), the same shape as a blueprint's TypeScript
 * props plus two optional keys that are not settings: `blueprint` (which blueprint the file is for)
 * and `$schema` (for editors). Syntax errors name the line and column.
 */
export interface SettingsFile {
  readonly path: string;
  /** The `blueprint:` key, if the file names one. */
  readonly blueprint?: string;
  /** Everything else: the blueprint's settings as written, validated later by its zod schema. */
  readonly settings: Record<string, unknown>;
  /** `file:line:column` of a setting (`nodeGroups.general.minSize`), or of the nearest enclosing one written in the file. */
  locate?(settingPath: string): string | undefined;
  /** The text a scalar setting is written as (`1.30`, which YAML reads as the number 1.3), if written in the file. */
  sourceText?(settingPath: string): string | undefined;
}

/** A settings file that cannot be read or parsed. The message names the file, and the line and column of a syntax error. */
export class SettingsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsFileError";
  }
}

/** Keys a settings file may hold besides the blueprint's settings. */
export const FILE_ONLY_KEYS = ["blueprint", "$schema"] as const;

export function readSettingsFile(file: string): SettingsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new SettingsFileError(`cannot read settings file ${file}: ${why}`);
  }
  return parseSettingsText(text, file);
}

export function parseSettingsText(raw: string, file: string): SettingsFile {
  const isJson = path.extname(file).toLowerCase() === ".json";
  // Editors on Windows save JSON with a UTF-8 byte-order mark; JSON.parse rejects it (YAML skips it).
  const text = isJson && raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  const data = isJson ? parseJson(text, file) : parseYaml(text, file);
  if (data === null || data === undefined) return { path: file, settings: {} };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new SettingsFileError(`${file}: the settings must be a mapping of setting names to values, not ${Array.isArray(data) ? "a list" : `a ${typeof data}`}`);
  }
  const { blueprint, $schema, ...settings } = data as Record<string, unknown>;
  const locate = (settingPath: string) => locateSetting(text, file, settingPath);
  const sourceText = (settingPath: string) => scalarSource(text, settingPath);
  if (blueprint !== undefined && typeof blueprint !== "string") {
    throw new SettingsFileError(`${file}: blueprint: must be the name of a blueprint (a string)`);
  }
  if ($schema !== undefined && typeof $schema !== "string") {
    throw new SettingsFileError(`${file}: $schema: must be a string (the URL or path of a JSON Schema)`);
  }
  return { path: file, blueprint, settings, locate, sourceText };
}

/** Where a dotted setting path is written: its key, or the key of the nearest enclosing setting found. YAML parses JSON too. */
function locateSetting(text: string, file: string, settingPath: string): string | undefined {
  const lineCounter = new LineCounter();
  const { offset } = walkTo(parseDocument(text, { lineCounter }).contents, settingPath);
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return `${file}:${line}:${col}`;
}

function scalarSource(text: string, settingPath: string): string | undefined {
  const { node, complete } = walkTo(parseDocument(text).contents, settingPath);
  if (!complete || !isScalar(node) || !node.range) return undefined;
  return text.slice(node.range[0], node.range[1]);
}

/** Follow a dotted setting path through the document: the node reached, the offset of its key, and whether the whole path was found. */
function walkTo(root: unknown, settingPath: string): { node: unknown; offset?: number; complete: boolean } {
  let node = root;
  let offset: number | undefined;
  for (const segment of settingPath.split(".")) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair || !isScalar(pair.key)) return { node, offset, complete: false };
      offset = pair.key.range?.[0];
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as { range?: [number, number, number] } | undefined;
      if (!item) return { node, offset, complete: false };
      offset = item.range?.[0];
      node = item;
    } else return { node, offset, complete: false };
  }
  return { node, offset, complete: true };
}

function parseJson(text: string, file: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const { line, column } = lineAndColumn(text, at ? Number(at[1]) : text.length);
    const reason = message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/\s*in JSON at position \d+/, "");
    throw new SettingsFileError(`${file}:${line}:${column}: JSON syntax error: ${reason}\n${codeFrame(text, line, column)}`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate) {
    const { key, parent, line, column, first } = duplicate;
    throw new SettingsFileError(
      `${file}:${line}:${column}: JSON: duplicate key "${key}" in ${parent ? parent : "the top level"} (first at ${first.line}:${first.column}); JSON.parse would silently keep only the last one, so write each key once\n${codeFrame(text, line, column)}`,
    );
  }
  return data;
}

interface DuplicateKey {
  readonly key: string;
  /** Dotted path of the object holding the key ("" at the top level). */
  readonly parent: string;
  readonly line: number;
  readonly column: number;
  readonly first: { readonly line: number; readonly column: number };
}

/** The first key written twice in one object, as YAML's uniqueKeys reports it. Only called on text JSON.parse accepted. */
function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const objects: Array<Map<string, { line: number; column: number }>> = [];
  let found: DuplicateKey | undefined;
  visit(text, {
    onObjectBegin: () => {
      objects.push(new Map());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (key, _offset, _length, startLine, startCharacter, pathSupplier) => {
      const seen = objects[objects.length - 1];
      const at = { line: startLine + 1, column: startCharacter + 1 };
      const first = seen.get(key);
      if (first && !found) found = { key, parent: pathSupplier().join("."), ...at, first };
      else if (!first) seen.set(key, at);
    },
  });
  return found;
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const { line, col } = first.linePos?.[0] ?? { line: 1, col: 1 };
    const reason = first.message.split(/ at line \d+, column \d+/)[0];
    throw new SettingsFileError(`${file}:${line}:${col}: YAML syntax error: ${reason}\n${codeFrame(text, line, col)}`);
  }
  return doc.toJS();
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function codeFrame(text: string, line: number, column: number): string {
  const source = text.split("\n")[line - 1] ?? "";
  return `${String(line).padStart(4)} | ${source}\n     | ${" ".repeat(Math.max(0, column - 1))}^`;
}

/** The blueprint to use: `--blueprint`, the file's `blueprint:` key, or both when they agree. */
export function chooseBlueprintName(flag: string | undefined, file: SettingsFile | undefined): string | undefined {
  if (flag && file?.blueprint && flag !== file.blueprint) {
    throw new SettingsFileError(`--blueprint ${flag} conflicts with "blueprint: ${file.blueprint}" in ${file.path}; pass one, or make them agree`);
  }
  return flag ?? file?.blueprint;
}
