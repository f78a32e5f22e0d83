import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettingsText, SettingsFileError } from "../../cli/settings-file";
import { runCli } from "./run-cli";

/** JSON settings files: a key written twice is an error (as in YAML), a UTF-8 byte-order mark is not. */

const errorOf = (text: string, file = "s.json"): string => {
  try {
    parseSettingsText(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsFileError);
    return (error as Error).message;
  }
  throw new Error("expected the file to be rejected");
};

describe("JSON settings files", () => {
  test("a duplicate top-level key names the key, its line:column and the first one", () => {
    const message = errorOf('{\n  "blueprint": "baseline",\n  "region": "eu-west-1",\n  "region": "eu-west-2"\n}\n');
    expect(message).toContain('s.json:4:3: JSON: duplicate key "region" in the top level (first at 3:3)');
    expect(message).toContain('   4 |   "region": "eu-west-2"');
  });

  test("a duplicate nested key names the object it is in", () => {
    const text = '{"nodeGroups": {"general": {"instanceTypes": ["m6i.large"], "minSize": 1,\n "minSize": 3, "desiredSize": 1, "maxSize": 4}}}';
    expect(errorOf(text)).toContain('s.json:2:2: JSON: duplicate key "minSize" in nodeGroups.general (first at 1:61)');
  });

  test("the same key in different objects, and escaped spellings of one key, are told apart correctly", () => {
    expect(parseSettingsText('{"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]}', "s.json").settings).toEqual({ a: { x: 1 }, b: { x: 2 }, c: [{ x: 1 }, { x: 2 }] });
    expect(errorOf('{"region": "a", "\\u0072egion": "b"}')).toContain('duplicate key "region"');
  });

  test("a byte-order mark is skipped, and locations stay right", () => {
    const file = parseSettingsText('\uFEFF{\n  "blueprint": "baseline",\n  "clusterName": "demo"\n}\n', "s.json");
    expect(file).toMatchObject({ blueprint: "baseline", settings: { clusterName: "demo" } });
    expect(file.locate?.("clusterName")).toBe("s.json:3:3");
  });

  test("the CLI synthesizes from a JSON file with a byte-order mark", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bom-"));
    try {
      fs.writeFileSync(path.join(dir, "settings.json"), `\uFEFF${JSON.stringify({ blueprint: "baseline", clusterName: "demo" })}\n`);
      const result = await runCli(["synth", "--config", "settings.json", "--out", "out"], { cwd: dir });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(fs.existsSync(path.join(dir, "out", "baseline", "cluster", "main.tf.json"))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
