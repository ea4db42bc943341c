/**
 * Instructions and simulated cache misses per `authorize` decision, counted by valgrind's
 * callgrind: unlike timings, they do not depend on what else the machine is doing, so a change to
 * the hot path can be told apart from noise (the same code counts the same within a few percent).
 * Only the measured decisions are counted (./instructions-child.ts switches counting on after the
 * warm-up). The cache simulator models a 48 KB first level and a 1 MB last level (this machine's
 * L2), so "LL misses" are the reads that leave L2.
 *
 *   npm run bench:instructions -- [--sizes 1000,10000] [--warm 60] [--passes 10] [--repeat 3]
 *
 * Each size runs `--repeat` times (two at once) and the median is reported: now and then a run
 * counts several times more (a major GC or a late optimisation inside the window).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./lib/measure.js";

interface Count {
  ir: number;
  d1: number;
  ll: number;
}

const usage = "usage: npm run bench:instructions -- [--sizes 1000,10000] [--warm 60] [--passes 10] [--repeat 3]\n";
let values: Record<string, string | boolean | undefined>;
try {
  values = parseArgs({
    options: {
      sizes: { type: "string", default: "1000,10000" },
      warm: { type: "string", default: "60" },
      passes: { type: "string", default: "10" },
      repeat: { type: "string", default: "3" },
      help: { type: "boolean", default: false },
    },
  }).values;
} catch (error) {
  process.stderr.write(`bench:instructions: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const sizes = String(values.sizes).split(",").map(Number);
const [warm, passes, repeat] = [values.warm, values.passes, values.repeat].map(Number) as [number, number, number];
if ([...sizes, warm, passes, repeat].some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write("bench:instructions: --sizes, --warm, --passes and --repeat take positive integers\n");
  process.exit(2);
}
try {
  execFileSync("valgrind", ["--version"], { stdio: "ignore" });
} catch {
  process.stderr.write("bench:instructions: needs valgrind on the PATH (Debian: apt-get install valgrind)\n");
  process.exit(2);
}

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edict-instructions-"));

/** One callgrind run of `size` statements: the counted events divided by the decisions measured. */
function countOnce(size: number, run: number): Promise<Count> {
  const out = join(dir, `${size}-${run}.out`);
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      "--cache-sim=yes",
      "--D1=49152,12,64",
      "--LL=1048576,16,64",
      `--callgrind-out-file=${out}`,
      process.execPath,
      "--import",
      "tsx",
      "bench/instructions-child.ts",
      String(size),
      String(warm),
      String(passes),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      const text = readFileSync(out, "utf8");
      const events = /^events: (.*)$/m.exec(text)?.[1]?.split(" ") ?? [];
      const totals = /^totals: (.*)$/m.exec(text)?.[1]?.split(" ").map(Number) ?? [];
      const decisions = (JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { decisions?: number }).decisions;
      const of = (event: string): number => (totals[events.indexOf(event)] ?? NaN) / (decisions ?? NaN);
      const count = { ir: of("Ir"), d1: of("D1mr"), ll: of("DLmr") };
      if (code !== 0 || !(count.ir > 0)) reject(new Error(`valgrind run of ${size} statements failed (exit ${code}): ${stderr.slice(-500)}`));
      else resolve(count);
    });
  });
}

try {
  process.stdout.write(`per decision, median of ${repeat} callgrind runs (${warm} warm-up passes, ${passes} measured passes of 10,000 requests)\n`);
  process.stdout.write("| statements | instructions | L1 read misses | LL read misses (1 MB) | runs (instructions) |\n|---|---|---|---|---|\n");
  for (const size of sizes) {
    const counts: Count[] = [];
    for (let run = 0; run < repeat; run += 2) {
      const batch = [run, run + 1].filter((r) => r < repeat).map((r) => countOnce(size, r));
      counts.push(...(await Promise.all(batch)));
    }
    const [ir, d1, ll] = [median(counts.map((c) => c.ir)), median(counts.map((c) => c.d1)), median(counts.map((c) => c.ll))];
    const runs = counts.map((c) => Math.round(c.ir).toLocaleString("en-US")).join(" · ");
    process.stdout.write(`| ${size.toLocaleString("en-US")} | ${Math.round(ir).toLocaleString("en-US")} | ${d1.toFixed(1)} | ${ll.toFixed(2)} | ${runs} |\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
