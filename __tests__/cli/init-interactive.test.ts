import * as fs from "fs";
import * as path from "path";
import { kubernetesVersions } from "../../modules/catalog";
import { VERSIONS_NEEDING_EXTENDED_SUPPORT } from "../../modules/rules";

/** What init offers: versions a new cluster can run with standard support. */
const standardSupportVersions = kubernetesVersions.filter((v) => !VERSIONS_NEEDING_EXTENDED_SUPPORT.includes(v));
import { REPO, tempDir } from "./run-cli";

/** The prompts of `init` on a terminal, with @clack/prompts answering from a script. */
const CANCEL = Symbol("cancel");
const answers: unknown[] = [];
const outros: string[] = [];
const asked: { kind: string; message: string; options?: { value: string; hint?: string }[]; validate?: (v: string) => string | undefined; defaultValue?: string }[] = [];

jest.mock("@clack/prompts", () => {
  const next = (kind: string) => async (opts: { message: string }) => {
    asked.push({ kind, ...opts });
    return answers.shift();
  };
  return {
    intro: jest.fn(),
    outro: (message: string) => outros.push(message),
    cancel: jest.fn(),
    isCancel: (v: unknown) => v === CANCEL,
    select: next("select"),
    text: next("text"),
    confirm: next("confirm"),
  };
});

import { fitHint, runInit } from "../../cli/commands/init";

describe("init on a terminal", () => {
  const tty = { stdin: process.stdin.isTTY, stdout: process.stdout.isTTY };
  beforeAll(() => {
    process.stdin.isTTY = true;
    process.stdout.isTTY = true;
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterAll(() => {
    process.stdin.isTTY = tty.stdin;
    process.stdout.isTTY = tty.stdout;
    jest.restoreAllMocks();
  });
  beforeEach(() => {
    answers.length = 0;
    asked.length = 0;
    outros.length = 0;
  });

  test("asks for the blueprint (one line each), cluster name, region and version, checking answers with the blueprint's schema", async () => {
    const dir = path.join(tempDir("init-tty"), "proj");
    const newest = kubernetesVersions[kubernetesVersions.length - 1];
    answers.push("baseline", "demo-tty", "ap-southeast-2", newest, true);
    expect(await runInit(dir, {})).toBe(0);

    expect(asked.map((a) => `${a.kind}: ${a.message}`)).toEqual([
      "select: Blueprint",
      "text: Cluster name",
      "text: AWS region",
      "select: Kubernetes version",
      `confirm: Write the project to ${dir}? It depends on cdktf-eks-blueprints file:${REPO}`,
    ]);
    const [blueprintPrompt, namePrompt, regionPrompt, versionPrompt] = asked;
    expect(blueprintPrompt.options).toContainEqual({ value: "baseline", label: "baseline", hint: expect.stringContaining("General-purpose") });
    // Each hint fits its row ("│  ● <label> (<hint>)") on an 80-column terminal, so the left border never breaks.
    for (const o of blueprintPrompt.options!) expect(`│  ● ${o.value} (${o.hint})`.length).toBeLessThan(80);
    expect(namePrompt.validate!("-bad")).toMatch(/^must be 1-100 characters, start with a letter or digit/);
    expect(namePrompt.validate!("ok-name")).toBeUndefined();
    expect(namePrompt.defaultValue).toBe("baseline");
    expect(regionPrompt.validate!("Europe")).toBe("must be an AWS region code such as us-east-1");
    expect(regionPrompt.defaultValue).toBe("us-east-1");
    expect(versionPrompt.options!.map((o) => o.value)).toEqual(standardSupportVersions);

    expect(outros).toEqual([`baseline blueprint: cluster demo-tty in ap-southeast-2, Kubernetes ${newest}, into ${dir}`]);
    const settings = fs.readFileSync(path.join(dir, "blueprint.yaml"), "utf8");
    expect(settings).toContain(`blueprint: baseline\nclusterName: demo-tty\nregion: ap-southeast-2\nkubernetesVersion: "${newest}"\n`);
  });

  test("hints are shortened to the terminal's width, whole when they fit", () => {
    const summary = "Interruptible, stateless workloads at a fraction of the price: diversified SPOT groups";
    expect(fitHint("spot-cost-optimized", summary, 200)).toBe(summary);
    const fitted = fitHint("spot-cost-optimized", summary, 80);
    expect(fitted.endsWith("…")).toBe(true);
    expect(`│  ● spot-cost-optimized (${fitted})`.length).toBeLessThan(80);
  });

  test("flags given are not asked again", async () => {
    const dir = path.join(tempDir("init-tty"), "proj");
    answers.push("eu-north-1", standardSupportVersions[0], true);
    expect(await runInit(dir, { blueprint: "fargate-only", name: "serverless" })).toBe(0);
    expect(asked.map((a) => a.message)).toEqual(["AWS region", "Kubernetes version", `Write the project to ${dir}? It depends on cdktf-eks-blueprints file:${REPO}`]);
    expect(fs.readFileSync(path.join(dir, "blueprint.yaml"), "utf8")).toContain("blueprint: fargate-only\nclusterName: serverless\nregion: eu-north-1\n");
  });

  test("cancelling writes nothing and exits 130", async () => {
    const parent = tempDir("init-tty");
    answers.push(CANCEL);
    expect(await runInit(path.join(parent, "proj"), {})).toBe(130);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test("--yes never asks: defaults for what is not given", async () => {
    const dir = path.join(tempDir("init-tty"), "proj");
    expect(await runInit(dir, { blueprint: "baseline", yes: true })).toBe(0);
    expect(asked).toEqual([]);
    expect(fs.readFileSync(path.join(dir, "blueprint.yaml"), "utf8")).toMatch(/clusterName: baseline\nregion: us-east-1\nkubernetesVersion: "1\.\d+"\n/);
  });

  test("--force writes into a non-empty directory, replacing files of the same name and keeping the others", async () => {
    const dir = tempDir("init-force");
    fs.writeFileSync(path.join(dir, "README.md"), "old\n");
    fs.writeFileSync(path.join(dir, "notes.txt"), "keep\n");
    expect(await runInit(dir, { blueprint: "baseline", name: "forced", region: "us-west-2", force: true })).toBe(0);
    expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("keep\n");
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toContain("cluster **forced** in us-west-2");
    expect(fs.readdirSync(dir).filter((f) => f.includes(".init-"))).toEqual([]);
    expect(fs.readdirSync(path.dirname(dir)).filter((f) => f.includes(".init-"))).toEqual([]);
  });
});
