import { spawnSync } from "child_process";
import * as path from "path";

/**
 * `npm run bench`: synthesize every blueprint's modules in a fresh Node process, several times,
 * and print the median wall time and peak RSS of those processes. Nothing type-checks on this
 * path: it runs the compiled JavaScript. Budget on a 2-core machine: 0.6 s and 160 MB.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BUDGET = { seconds: 0.6, megabytes: 160 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const child = path.join(__dirname, "bench-run.js");
  const seconds: number[] = [];
  const megabytes: number[] = [];
  let summary = "";
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [child], { encoding: "utf8" });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`bench run failed:\n${run.stderr}`);
    const report = JSON.parse(run.stdout) as { maxRssKb: number; summary: string };
    seconds.push(elapsed);
    megabytes.push(report.maxRssKb / 1024);
    summary = report.summary;
  }
  const wall = median(seconds);
  const rss = median(megabytes);
  console.log(`synthesized ${summary}; ${RUNS} runs`);
  console.log(`median wall time ${wall.toFixed(3)} s (budget ${BUDGET.seconds} s), min ${Math.min(...seconds).toFixed(3)} s, max ${Math.max(...seconds).toFixed(3)} s`);
  console.log(`median peak RSS ${rss.toFixed(1)} MB (budget ${BUDGET.megabytes} MB), max ${Math.max(...megabytes).toFixed(1)} MB`);
  if (wall > BUDGET.seconds || rss > BUDGET.megabytes) {
    console.log("over budget");
    process.exitCode = 1;
  }
}

main();
