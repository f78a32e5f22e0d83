import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { blueprints } from "../blueprints/registry";
import { loadExamples, repositoryTree } from "../emitter/examples";
import { ForeignFilesError, MARKER_FILE, staleFiles, writeTreeAtomically } from "../emitter/write-tree";

const REPO = path.resolve(__dirname, "..");
const defaults = () => repositoryTree(REPO);

describe("generated/", () => {
  const tree = defaults();

  test("is up to date with the blueprints and examples/*.yaml (run `npm start` and commit the result)", () => {
    expect(staleFiles(path.join(REPO, "generated"), tree)).toEqual([]);
  });

  test("holds a cluster module, an add-ons module and a README per blueprint and per example", () => {
    const examples = loadExamples(REPO).map((e) => `examples/${e.name}`);
    expect(examples.length).toBeGreaterThan(0);
    for (const dir of [...blueprints.map((b) => b.name), ...examples]) {
      expect(tree.has(`${dir}/README.md`)).toBe(true);
      expect(tree.has(`${dir}/cluster/versions.tf.json`)).toBe(true);
      expect(tree.has(`${dir}/addons/versions.tf.json`)).toBe(true);
    }
    // Nothing else lives under generated/examples/ but the examples' modules and their index.
    const exampleDirs = new Set([...tree.keys()].filter((f) => f.startsWith("examples/") && f !== "examples/README.md").map((f) => f.split("/").slice(0, 2).join("/")));
    expect([...exampleDirs].sort()).toEqual(examples);
  });

  test("is deterministic: two runs give byte-identical files", () => {
    expect(defaults()).toEqual(tree);
  });

  test("carries no machine-specific or time-specific content", () => {
    const all = [...tree.values()].join("\n");
    expect(all).not.toContain(REPO);
    expect(all).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:/);
    expect(all).not.toContain("cdktf.out");
  });
});

describe("writing generated/", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "generated-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("replaces the whole directory it wrote before and leaves no staging directories behind", () => {
    const out = path.join(dir, "generated");
    writeTreeAtomically(out, new Map([["removed-blueprint/main.tf.json", "{}\n"]]));
    writeTreeAtomically(out, new Map([["a/main.tf.json", "{}\n"]]));
    expect(fs.readdirSync(out).sort()).toEqual([MARKER_FILE, "a"]);
    expect(JSON.parse(fs.readFileSync(path.join(out, MARKER_FILE), "utf8")).files).toEqual(["a/main.tf.json"]);
    expect(fs.readdirSync(dir)).toEqual(["generated"]);
  });

  test("refuses to replace a directory holding a file it did not write, and leaves it as it was", () => {
    const out = path.join(dir, "modules");
    writeTreeAtomically(out, new Map([["a/main.tf.json", "{}\n"]]));
    fs.writeFileSync(path.join(out, "a", "keep.ts"), "mine\n");
    expect(() => writeTreeAtomically(out, new Map([["b/main.tf.json", "{}\n"]]))).toThrow(ForeignFilesError);
    expect(() => writeTreeAtomically(out, new Map([["b/main.tf.json", "{}\n"]]))).toThrow("a/keep.ts");
    expect(fs.readFileSync(path.join(out, "a", "keep.ts"), "utf8")).toBe("mine\n");
    expect(fs.readFileSync(path.join(out, "a", "main.tf.json"), "utf8")).toBe("{}\n");
    // A directory that never had a marker is not ours either.
    const plain = path.join(dir, "plain");
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, "main.tf.json"), "{}");
    expect(() => writeTreeAtomically(plain, new Map([["x.tf.json", "{}\n"]]))).toThrow(ForeignFilesError);
    expect(fs.readdirSync(plain)).toEqual(["main.tf.json"]);
  });

  test("a blueprint directory inside a tree written whole is ours through its parent's marker; Terraform's working files are disposable", () => {
    const out = path.join(dir, "generated");
    writeTreeAtomically(out, new Map([["bp/cluster/main.tf.json", "{}\n"], ["other/main.tf.json", "{}\n"]]));
    fs.mkdirSync(path.join(out, "bp", "cluster", ".terraform", "providers"), { recursive: true });
    fs.writeFileSync(path.join(out, "bp", "cluster", ".terraform.lock.hcl"), "# lock\n");
    writeTreeAtomically(path.join(out, "bp"), new Map([["cluster/main.tf.json", "{ }\n"]]));
    expect(fs.readFileSync(path.join(out, "bp", "cluster", "main.tf.json"), "utf8")).toBe("{ }\n");
    expect(fs.readdirSync(path.join(out, "bp")).sort()).toEqual([MARKER_FILE, "cluster"]);
    expect(fs.existsSync(path.join(out, "other", "main.tf.json"))).toBe(true);
  });

  test("a failed write leaves the previous directory untouched", () => {
    const out = path.join(dir, "generated");
    writeTreeAtomically(out, new Map([["a/main.tf.json", "{}\n"]]));
    // "a" as a file and as a directory cannot both exist: the write fails half-way.
    expect(() => writeTreeAtomically(out, new Map([["a", "x"], ["a/b.tf.json", "{}"]]))).toThrow();
    expect(fs.readFileSync(path.join(out, "a/main.tf.json"), "utf8")).toBe("{}\n");
    expect(fs.readdirSync(dir)).toEqual(["generated"]);
  });

  test("staleFiles names changed, missing and extra files", () => {
    const out = path.join(dir, "generated");
    writeTreeAtomically(out, new Map([["a.json", "1"], ["b.json", "2"]]));
    expect(staleFiles(out, new Map([["a.json", "changed"], ["c.json", "3"]]))).toEqual([
      "a.json (changed)",
      "b.json (not generated any more)",
      "c.json (missing)",
    ]);
  });
});
