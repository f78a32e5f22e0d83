import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `npm run bench [-- --enforce] [-- --no-peer]`: time the built CLI as a user runs it, each run a
 * fresh process, and print medians. With the peer (AWS EKS Blueprints for CDK synthesizing one
 * cluster, ../shared/bench-peer, installed on first use under node_modules/.cache/bench-peer) the
 * two synths alternate within one run, so a busy machine slows both alike, and the ratio is printed.
 *
 * A report by default (exit 0); `--enforce` exits 1 when a figure is over its budget.
 * Environment: BENCH_RUNS (default 7), BENCH_PEER_SOURCE (default ../shared/bench-peer).
 */
const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BUDGET = {
  /** synth --all of our four blueprints against the peer's one cluster. */
  ratio: 1 / 3,
  megabytes: 120,
  /** `--help` and `list`. */
  quickSeconds: 0.15,
};
const PEER_SOURCE = path.resolve(process.env.BENCH_PEER_SOURCE ?? path.join(ROOT, "..", "shared", "bench-peer"));
const PEER_DIR = path.join(ROOT, "node_modules", ".cache", "bench-peer");
const CLI = path.join(ROOT, "dist", "cli", "index.js");

interface Sample {
  readonly seconds: number;
  /** CPU time (user + system) of the process: steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
  readonly megabytes: number;
}

interface Subject {
  readonly label: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly samples: Sample[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Peak RSS and CPU time of a child come from the child itself: a preloaded one-liner writes them at
 * exit. It is the same for every subject, so it costs both sides alike.
 */
function rssProbe(dir: string): string {
  const probe = path.join(dir, "rss-probe.js");
  fs.writeFileSync(
    probe,
    `process.on("exit", () => { const u = process.resourceUsage(); require("fs").writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify([u.maxRSS, (u.userCPUTime + u.systemCPUTime) / 1e6])); });\n`,
  );
  return probe;
}

function runOnce(subject: Subject, probe: string, rssFile: string): void {
  fs.rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", probe, ...subject.args], {
    cwd: subject.cwd,
    env: { ...process.env, ...subject.env, BENCH_RSS_FILE: rssFile },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${subject.label} failed (exit ${run.status}):\n${run.stderr}`);
  const [maxRssKb, cpuSeconds] = JSON.parse(fs.readFileSync(rssFile, "utf8")) as [number, number];
  subject.samples.push({ seconds, cpuSeconds, megabytes: maxRssKb / 1024 });
}

/** The installed peer, installing it first when its source is there; why not, otherwise. */
function preparePeer(): { script: string } | { missing: string } {
  const lock = (dir: string) => path.join(dir, "package-lock.json");
  if (!fs.existsSync(path.join(PEER_SOURCE, "peer.js"))) return { missing: `no peer at ${PEER_SOURCE}` };
  const installed = fs.existsSync(path.join(PEER_DIR, "node_modules")) && fs.existsSync(lock(PEER_DIR)) && fs.readFileSync(lock(PEER_DIR), "utf8") === fs.readFileSync(lock(PEER_SOURCE), "utf8");
  if (!installed) {
    console.log(`installing the peer from ${path.relative(ROOT, PEER_SOURCE) || PEER_SOURCE} into ${path.relative(ROOT, PEER_DIR)} (once)…`);
    fs.rmSync(PEER_DIR, { recursive: true, force: true });
    fs.mkdirSync(PEER_DIR, { recursive: true });
    for (const file of ["package.json", "package-lock.json", "peer.js"]) fs.copyFileSync(path.join(PEER_SOURCE, file), path.join(PEER_DIR, file));
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const install = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: PEER_DIR, encoding: "utf8" });
    if (install.status !== 0) {
      fs.rmSync(lock(PEER_DIR), { force: true }); // not installed: try again next time
      return { missing: `peer install failed (npm ci exit ${install.status}): ${(install.stderr || install.stdout).trim().split("\n").slice(-3).join(" / ")}` };
    }
  }
  return { script: path.join(PEER_DIR, "peer.js") };
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load}`;
}

function seconds(subject: Subject): number {
  return median(subject.samples.map((s) => s.seconds));
}

function cpuSeconds(subject: Subject): number {
  return median(subject.samples.map((s) => s.cpuSeconds));
}

function megabytes(subject: Subject): number {
  return median(subject.samples.map((s) => s.megabytes));
}

function describe(subject: Subject): string {
  const all = subject.samples.map((s) => s.seconds);
  return `${subject.label.padEnd(40)} median ${seconds(subject).toFixed(3)} s (min ${Math.min(...all).toFixed(3)}, max ${Math.max(...all).toFixed(3)}), CPU ${cpuSeconds(subject).toFixed(3)} s, peak RSS ${megabytes(subject).toFixed(0)} MB`;
}

function main(): void {
  const enforce = process.argv.includes("--enforce");
  const withPeer = !process.argv.includes("--no-peer");
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: npm run bench builds it first`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-eks-blueprints-bench-"));
  try {
    const probe = rssProbe(work);
    const rssFile = path.join(work, "rss");
    const synth: Subject = { label: "synth --all (4 blueprints)", args: [CLI, "synth", "--all", "--out", path.join(work, "generated")], cwd: work, samples: [] };
    const help: Subject = { label: "--help", args: [CLI, "--help"], cwd: work, samples: [] };
    const list: Subject = { label: "list", args: [CLI, "list"], cwd: work, samples: [] };
    const peerState = withPeer ? preparePeer() : { missing: "--no-peer" };
    const peer: Subject | undefined =
      "script" in peerState
        ? { label: "peer: EKS Blueprints for CDK, 1 cluster", args: [peerState.script], cwd: work, env: { PEER_OUT: path.join(work, "peer-cdk.out") }, samples: [] }
        : undefined;

    // Warm the file cache once, then alternate; the order flips every round.
    for (const s of [synth, help, list, ...(peer ? [peer] : [])]) {
      runOnce(s, probe, rssFile);
      s.samples.length = 0;
    }
    for (let i = 0; i < RUNS; i++) {
      const round = peer ? (i % 2 ? [peer, synth] : [synth, peer]) : [synth];
      for (const s of round) runOnce(s, probe, rssFile);
      runOnce(help, probe, rssFile);
      runOnce(list, probe, rssFile);
    }

    const over: string[] = [];
    console.log(`machine: ${machine()}; ${RUNS} alternating runs each, fresh processes`);
    for (const s of [synth, ...(peer ? [peer] : []), help, list]) console.log(describe(s));
    if (peer) {
      const ratio = seconds(synth) / seconds(peer);
      const cpuRatio = cpuSeconds(synth) / cpuSeconds(peer);
      console.log(`ratio synth --all / peer: ${ratio.toFixed(2)} wall (budget ${BUDGET.ratio.toFixed(2)}), ${cpuRatio.toFixed(2)} CPU`);
      if (ratio > BUDGET.ratio) over.push(`synth --all takes ${ratio.toFixed(2)} of the peer's time (budget ${BUDGET.ratio.toFixed(2)})`);
    } else {
      console.log(`ratio: not measured (${"missing" in peerState ? peerState.missing : "no peer"}); --enforce checks the other budgets only`);
    }
    if (megabytes(synth) > BUDGET.megabytes) over.push(`synth --all peaks at ${megabytes(synth).toFixed(0)} MB (budget ${BUDGET.megabytes} MB)`);
    for (const s of [help, list]) {
      if (seconds(s) > BUDGET.quickSeconds) over.push(`${s.label} takes ${seconds(s).toFixed(3)} s (budget ${BUDGET.quickSeconds} s)`);
    }
    if (over.length === 0) console.log("within budget");
    for (const problem of over) console.log(`over budget: ${problem}`);
    if (over.length > 0 && enforce) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
