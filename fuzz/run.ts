/**
 * `npm run fuzz`: the long hardening runs (issue 10).
 *
 * - lint/loading: mutated example-repository files through buildRepository, runLint, every
 *   reporter, the policy-test reader and (when lint is clean) the compiled engines;
 * - access: compiled vs reference AccessPolicy evaluator;
 * - data: compiled vs reference DataPolicy evaluator;
 * - diff: the semantic diff (diffTargetMerges) vs the brute-force oracle of test/diff/brute/
 *   (random small access/data/runtime policies, one edit, an exhaustive universe of requests);
 * - iam: both AccessPolicy evaluators vs an independent IAM evaluator (@cloud-copilot/iam-simulate)
 *   on random identity policies over real AWS actions and ARNs (test/engine/access/iam/).
 *
 * Prints case counts and times; a failure is shrunk and written to fuzz/failures/ with the
 * command that replays it. Exit code 1 when anything failed.
 *
 *   node --import tsx fuzz/run.ts [--cases N] [--access N] [--data N] [--diff N] [--iam N] [--seed S] [--workers W]
 *                                 [--only lint,access,data,diff,iam] [--heavy P] [--slow-ms MS] [--replay FILE]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, normalize, relative } from "node:path";
import { Worker } from "node:worker_threads";
import { readCorpus } from "./lib/corpus.js";
import { isInfo, replayDiffCase, shrinkCounterexample } from "./lib/diff-brute.js";
import type { DiffCounterexample } from "./lib/diff-brute.js";
import { replayIamCase, shrinkIamCounterexample } from "./lib/iam-sim.js";
import type { IamCounterexample } from "./lib/iam-sim.js";
import { checkFiles, materializeCase } from "./lib/lint-case.js";
import type { CaseFiles, LintCase, Problem } from "./lib/lint-case.js";
import { shrink } from "./lib/shrink.js";
import type { Job, WorkerMessage } from "./worker.js";

const FUZZ_DIR = import.meta.dirname;
export const FAILURES_DIR = join(FUZZ_DIR, "failures");

export interface FuzzOptions {
  cases: number;
  access: number;
  data: number;
  /** Cases of the semantic diff vs brute-force campaign. */
  diff: number;
  /** Comparisons of the edict vs iam-simulate campaign. */
  iam: number;
  seed: number;
  workers: number;
  only: Set<string>;
  heavy: number;
  reportsEvery: number;
  shrinkMs: number;
  /** A lint case slower than this is a failure (algorithmic complexity). */
  slowMs: number;
  failuresDir: string;
  log: (line: string) => void;
}

export function parseArgs(argv: readonly string[]): FuzzOptions & { replay?: string } {
  const opts: FuzzOptions & { replay?: string } = {
    cases: 100_000,
    access: 1_000_000,
    data: 100_000,
    diff: 100_000,
    iam: 100_000,
    seed: (Date.now() ^ (process.pid << 16)) >>> 0,
    workers: Math.max(1, Math.min(4, availableParallelism())),
    only: new Set(["lint", "access", "data", "diff", "iam"]),
    heavy: 0.005,
    reportsEvery: 20,
    shrinkMs: 60_000,
    slowMs: 10_000,
    failuresDir: FAILURES_DIR,
    log: (line) => process.stdout.write(`${line}\n`),
  };
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new TypeError(`${name} takes a non-negative number, got ${String(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case "--cases":
        opts.cases = Math.floor(num(a, v));
        i++;
        break;
      case "--access":
        opts.access = Math.floor(num(a, v));
        i++;
        break;
      case "--data":
        opts.data = Math.floor(num(a, v));
        i++;
        break;
      case "--diff":
        opts.diff = Math.floor(num(a, v));
        i++;
        break;
      case "--iam":
        opts.iam = Math.floor(num(a, v));
        i++;
        break;
      case "--seed":
        opts.seed = Math.floor(num(a, v)) >>> 0;
        i++;
        break;
      case "--workers":
        opts.workers = Math.max(1, Math.floor(num(a, v)));
        i++;
        break;
      case "--heavy":
        opts.heavy = num(a, v);
        i++;
        break;
      case "--slow-ms":
        opts.slowMs = num(a, v);
        i++;
        break;
      case "--shrink-ms":
        opts.shrinkMs = num(a, v);
        i++;
        break;
      case "--only":
        opts.only = new Set((v ?? "").split(",").filter(Boolean));
        i++;
        break;
      case "--replay":
        opts.replay = v;
        i++;
        break;
      case "--help":
        process.stdout.write(readFileSync(new URL(import.meta.url), "utf8").split("*/")[0]!.replace(/^\/\*\*|^ \* ?/gm, "") + "\n");
        process.exit(0);
        break;
      default:
        throw new TypeError(`unknown option ${a} (see --help)`);
    }
  }
  return opts;
}

interface JobResult {
  cases: number;
  ms: number;
  extra: Record<string, unknown>[];
  lintFailures: Array<{ case: LintCase; problems: Problem[] }>;
  diffFailures: unknown[];
}

function runJobs(jobs: Job[], log: (line: string) => void, label: string, total: number): Promise<JobResult> {
  const result: JobResult = { cases: 0, ms: 0, extra: [], lintFailures: [], diffFailures: [] };
  let done = 0;
  let lastPrint = Date.now();
  return new Promise((resolve, reject) => {
    let running = jobs.length;
    if (running === 0) resolve(result);
    for (const job of jobs) {
      const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: 4 } });
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "progress") {
          done += m.done;
          if (Date.now() - lastPrint > 10_000) {
            lastPrint = Date.now();
            log(`  ${label}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`);
          }
        } else if (m.type === "lint-failure") result.lintFailures.push({ case: m.case, problems: m.problems });
        else if (m.type === "diff-failure") result.diffFailures.push(...m.disagreements);
        else {
          result.cases += m.cases;
          result.ms = Math.max(result.ms, m.ms);
          if (m.extra) result.extra.push(m.extra);
        }
      });
      worker.on("error", reject);
      worker.on("exit", (code) => {
        if (code !== 0) reject(new Error(`${label} worker exited with code ${code}`));
        else if (--running === 0) resolve(result);
      });
    }
  });
}

function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0)).filter((n) => n > 0);
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 80);
}

function toJsonFiles(files: readonly { path: string; bytes: Uint8Array }[]): Array<{ path: string; base64: string; text?: string }> {
  return files.map((f) => {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(f.bytes);
    return f.bytes.length <= 4096 ? { path: f.path, base64: Buffer.from(f.bytes).toString("base64"), text } : { path: f.path, base64: Buffer.from(f.bytes).toString("base64") };
  });
}

/** Writes the reproduction: a JSON file, and the tree itself when its paths are plain. */
export function writeLintFailure(dir: string, name: string, record: { problem: Problem; seed?: number; case?: LintCase; files: CaseFiles }): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const tree = join(dir, name);
  const json = {
    kind: record.problem.kind,
    detail: record.problem.detail,
    seed: record.seed,
    case: record.case,
    replay: `node --import tsx fuzz/run.ts --replay ${relative(process.cwd(), file)}`,
    lint: `edict lint -C ${relative(process.cwd(), tree)}`,
    repository: toJsonFiles(record.files.repository),
    suites: toJsonFiles(record.files.suites),
  };
  writeFileSync(file, JSON.stringify(json, null, 2) + "\n");
  for (const f of [...record.files.repository, ...record.files.suites]) {
    const target = normalize(join(tree, f.path));
    if (f.path.includes("\u0000") || isAbsolute(f.path) || relative(tree, target).startsWith("..")) continue;
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.bytes);
    } catch {
      // a path this file system cannot hold: the JSON has it
    }
  }
  return file;
}

function readFailure(file: string): CaseFiles {
  const json = JSON.parse(readFileSync(file, "utf8")) as { repository: Array<{ path: string; base64: string }>; suites: Array<{ path: string; base64: string }> };
  const back = (list: Array<{ path: string; base64: string }>) => list.map((f) => ({ path: f.path, bytes: new Uint8Array(Buffer.from(f.base64, "base64")) }));
  return { repository: back(json.repository), suites: back(json.suites ?? []) };
}

export interface FuzzSummary {
  lint?: { cases: number; ms: number; failures: string[] };
  access?: { cases: number; ms: number; batches: number; disagreements: number; file?: string };
  data?: { cases: number; ms: number; batches: number; disagreements: number; file?: string };
  diff?: {
    cases: number;
    ms: number;
    byKind: Record<string, number>;
    pure: number;
    cells: number;
    /** Cases with a problem, by `kind/category` (info categories included). */
    problems: Record<string, number>;
    /** Counterexample files, one per failing `kind/category`. */
    files: string[];
  };
  iam?: {
    /** Comparisons: one request answered by iam-simulate and both edict evaluators. */
    comparisons: number;
    /** Cases (policies) drawn. */
    cases: number;
    ms: number;
    /** iam-simulate's answers: Allowed, ImplicitlyDenied, ExplicitlyDenied. */
    outcomes: Record<string, number>;
    /** Comparisons where the three evaluators do not agree (or that left the domain). */
    disagreements: number;
    /** Comparisons with a problem, by problem (`reference≠simulator`, `compiled≠simulator`, …). */
    problems: Record<string, number>;
    /** Counterexample files, one per problem. */
    files: string[];
  };
  ok: boolean;
}

function mergeSeen(extra: Record<string, unknown>[]): { batches: number; seen: Record<string, number> } {
  const seen: Record<string, number> = {};
  let batches = 0;
  for (const e of extra) {
    batches += (e.batches as number) ?? 0;
    for (const [k, v] of Object.entries((e.seen as Record<string, number>) ?? {})) seen[k] = (seen[k] ?? 0) + v;
  }
  return { batches, seen };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const { log } = opts;
  const summary: FuzzSummary = { ok: true };
  log(`edict fuzz: seed ${opts.seed}, ${opts.workers} worker(s)`);

  if (opts.only.has("lint") && opts.cases > 0) {
    const started = performance.now();
    let from = opts.seed;
    const jobs: Job[] = split(opts.cases, opts.workers).map((count) => {
      const job: Job = { kind: "lint", from, count, heavy: opts.heavy, reportsEvery: opts.reportsEvery, slowMs: opts.slowMs };
      from = (from + count) >>> 0;
      return job;
    });
    const r = await runJobs(jobs, log, "lint", opts.cases);
    const wall = performance.now() - started;
    log(`lint/loading: ${r.cases.toLocaleString("en")} cases in ${seconds(wall)} (${((wall / Math.max(1, r.cases)) * opts.workers).toFixed(2)} ms/case/worker)`);
    const failures: string[] = [];
    const kinds = new Set<string>();
    const corpus = readCorpus();
    for (const f of r.lintFailures) {
      for (const problem of f.problems) {
        if (kinds.has(problem.kind)) continue;
        kinds.add(problem.kind);
        summary.ok = false;
        const files = materializeCase(f.case, corpus);
        const small = problem.kind === "pollution" || problem.kind === "slow" ? files : shrink(files, (x) => checkFiles(x, { reports: problem.kind.startsWith("threw:report") }).some((p) => p.kind === problem.kind), { checks: 3000, ms: opts.shrinkMs });
        const file = writeLintFailure(opts.failuresDir, `lint-${safeName(problem.kind)}-${f.case.seed}`, { problem, seed: f.case.seed, case: f.case, files: small });
        failures.push(file);
        log(`  FAIL ${problem.kind} (seed ${f.case.seed}): ${problem.detail.split("\n")[0]}`);
        log(`       minimal reproduction (${small.repository.length + small.suites.length} file(s), ${[...small.repository, ...small.suites].reduce((n, x) => n + x.bytes.length, 0)} bytes): ${relative(process.cwd(), file)}`);
      }
    }
    if (failures.length === 0) log("  no failures");
    summary.lint = { cases: r.cases, ms: wall, failures };
  }

  for (const kind of ["access", "data"] as const) {
    const total = kind === "access" ? opts.access : opts.data;
    if (!opts.only.has(kind) || total === 0) continue;
    const started = performance.now();
    const jobs: Job[] = split(total, opts.workers).map((count, i) => ({ kind, seed: (opts.seed + 7919 * (i + 1)) >>> 0, count }));
    const r = await runJobs(jobs, log, kind, total);
    const wall = performance.now() - started;
    const { batches, seen } = mergeSeen(r.extra);
    const label = kind === "access" ? "access compiled vs reference" : "data compiled vs reference";
    log(`${label}: ${r.cases.toLocaleString("en")} cases, ${batches.toLocaleString("en")} policies, ${seconds(wall)}; ${r.diffFailures.length} disagreement(s); decisions ${JSON.stringify(seen)}`);
    const entry: NonNullable<FuzzSummary["access"]> = { cases: r.cases, ms: wall, batches, disagreements: r.diffFailures.length };
    if (r.diffFailures.length > 0) {
      summary.ok = false;
      mkdirSync(opts.failuresDir, { recursive: true });
      const first = r.diffFailures[0] as { seed: number };
      const file = join(opts.failuresDir, `${kind}-${first.seed}.json`);
      writeFileSync(file, JSON.stringify(r.diffFailures.slice(0, 5), null, 2) + "\n");
      entry.file = file;
      log(`  FAIL counterexample written to ${relative(process.cwd(), file)}`);
    }
    summary[kind] = entry;
  }
  if (opts.only.has("diff") && opts.diff > 0) summary.diff = await runDiffCampaign(opts, summary);
  if (opts.only.has("iam") && opts.iam > 0) summary.iam = await runIamCampaign(opts, summary);
  log(summary.ok ? "edict fuzz: OK" : "edict fuzz: FAILURES (see above)");
  return summary;
}

/** The semantic diff vs the brute-force oracle (fuzz/lib/diff-brute.ts). */
async function runDiffCampaign(opts: FuzzOptions, summary: FuzzSummary): Promise<NonNullable<FuzzSummary["diff"]>> {
  const { log } = opts;
  const started = performance.now();
  const jobs: Job[] = split(opts.diff, opts.workers).map((count, i) => ({ kind: "diff", seed: (opts.seed + 7919 * (i + 1)) >>> 0, count }));
  const r = await runJobs(jobs, log, "diff", opts.diff);
  const wall = performance.now() - started;
  const byKind: Record<string, number> = {};
  const problems: Record<string, number> = {};
  let pure = 0;
  let cells = 0;
  for (const e of r.extra) {
    for (const [k, v] of Object.entries((e.byKind as Record<string, number>) ?? {})) byKind[k] = (byKind[k] ?? 0) + v;
    for (const [k, v] of Object.entries((e.problems as Record<string, number>) ?? {})) problems[k] = (problems[k] ?? 0) + v;
    pure += (e.pure as number) ?? 0;
    cells += (e.cells as number) ?? 0;
  }
  const failing = Object.keys(problems).filter((k) => !isInfo(k.slice(k.indexOf("/") + 1))).sort();
  const kinds = Object.entries(byKind).map(([k, n]) => `${k} ${n.toLocaleString("en")}`).join(", ");
  log(`diff vs brute force: ${r.cases.toLocaleString("en")} cases (${kinds}; ${pure.toLocaleString("en")} pure), ${cells.toLocaleString("en")} requests evaluated, ${seconds(wall)}; ${failing.length} failing categor${failing.length === 1 ? "y" : "ies"}`);
  const files: string[] = [];
  const firsts = new Map<string, DiffCounterexample>();
  for (const x of r.diffFailures as DiffCounterexample[]) if (!firsts.has(x.key)) firsts.set(x.key, x);
  for (const key of failing) {
    summary.ok = false;
    const found = firsts.get(key);
    if (!found) continue;
    const small = shrinkCounterexample(found, Math.min(opts.shrinkMs, 15_000));
    const file = writeFailureFile(opts, `diff-${safeName(key)}-${found.origin.seed}-${found.origin.index}`, {
      campaign: "diff",
      key,
      cases: problems[key],
      origin: found.origin,
      case: small.case,
      original: found.case,
      description: small.description,
    });
    files.push(file);
    log(`  FAIL ${key} in ${problems[key]!.toLocaleString("en")} case(s); first: ${found.origin.kind} chunk seed ${found.origin.seed}, case ${found.origin.index} (${found.case.edit}) → ${relative(process.cwd(), file)}`);
    if (files.length === 1) log(`       ${small === found ? "counterexample" : "shrunk counterexample"}:\n${small.description.replace(/^/gm, "       ")}`);
  }
  for (const key of Object.keys(problems).filter((k) => isInfo(k.slice(k.indexOf("/") + 1))).sort()) {
    log(`  info ${key} in ${problems[key]!.toLocaleString("en")} case(s) (a verdict direction no request of the exhaustive universe shows)`);
  }
  if (failing.length === 0) log("  no failures");
  return { cases: r.cases, ms: wall, byKind, pure, cells, problems, files };
}

/** Writes a campaign's shrunk counterexample to `<failuresDir>/<name>.json`, with the command that replays it. */
function writeFailureFile(opts: FuzzOptions, name: string, record: Record<string, unknown>): string {
  mkdirSync(opts.failuresDir, { recursive: true });
  const file = join(opts.failuresDir, `${name}.json`);
  const replay = `node --import tsx fuzz/run.ts --replay ${relative(process.cwd(), file)}`;
  writeFileSync(file, JSON.stringify({ ...record, replay }, null, 2) + "\n");
  return file;
}

/** Both AccessPolicy evaluators vs @cloud-copilot/iam-simulate (fuzz/lib/iam-sim.ts). */
async function runIamCampaign(opts: FuzzOptions, summary: FuzzSummary): Promise<NonNullable<FuzzSummary["iam"]>> {
  const { log } = opts;
  const started = performance.now();
  const jobs: Job[] = split(opts.iam, opts.workers).map((count, i) => ({ kind: "iam", seed: (opts.seed + 7919 * (i + 1)) >>> 0, count }));
  const r = await runJobs(jobs, log, "iam", opts.iam);
  const wall = performance.now() - started;
  const outcomes: Record<string, number> = {};
  const problems: Record<string, number> = {};
  let cases = 0;
  let disagreements = 0;
  for (const e of r.extra) {
    disagreements += (e.failing as number) ?? 0;
    for (const [k, v] of Object.entries((e.outcomes as Record<string, number>) ?? {})) outcomes[k] = (outcomes[k] ?? 0) + v;
    for (const [k, v] of Object.entries((e.problems as Record<string, number>) ?? {})) problems[k] = (problems[k] ?? 0) + v;
    cases += (e.cases as number) ?? 0;
  }
  const failing = Object.keys(problems).sort();
  const answers = Object.entries(outcomes).sort().map(([k, n]) => `${k} ${n.toLocaleString("en")}`).join(", ");
  const rate = Math.round(r.cases / Math.max(wall / 1000, 1e-3));
  log(`iam vs iam-simulate: ${r.cases.toLocaleString("en")} comparisons (${cases.toLocaleString("en")} policies; ${answers}), ${seconds(wall)}, ${rate.toLocaleString("en")}/s; ${disagreements.toLocaleString("en")} disagreement(s)`);
  const files: string[] = [];
  const firsts = new Map<string, IamCounterexample>();
  for (const x of r.diffFailures as IamCounterexample[]) if (!firsts.has(x.problem)) firsts.set(x.problem, x);
  for (const problem of failing) {
    summary.ok = false;
    const found = firsts.get(problem);
    if (!found) continue;
    const small = await shrinkIamCounterexample(found, Math.min(opts.shrinkMs, 15_000));
    const file = writeFailureFile(opts, `iam-${safeName(problem)}-${found.origin.seed}-${found.origin.index}`, {
      campaign: "iam",
      problem,
      comparisons: problems[problem],
      origin: found.origin,
      case: small.case,
      original: found.case,
      description: small.description,
    });
    files.push(file);
    log(`  FAIL ${problem} in ${problems[problem]!.toLocaleString("en")} comparison(s); first: chunk seed ${found.origin.seed}, case ${found.origin.index} → ${relative(process.cwd(), file)}`);
    if (files.length === 1) log(`       ${small === found ? "counterexample" : "shrunk counterexample"}:\n${small.description.replace(/^/gm, "       ")}`);
  }
  if (failing.length === 0) log("  no disagreements");
  return { comparisons: r.cases, cases, ms: wall, outcomes, disagreements, problems, files };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const campaign = opts.replay === undefined ? undefined : (JSON.parse(readFileSync(opts.replay, "utf8")) as { campaign?: string }).campaign;
  if (opts.replay !== undefined && campaign === "iam") {
    const json = JSON.parse(readFileSync(opts.replay, "utf8")) as { case: Parameters<typeof replayIamCase>[0] };
    const { description, failing } = await replayIamCase(json.case);
    process.stdout.write(`${description}\n${failing ? "replay: still failing" : "replay: no failure (fixed?)"}\n`);
    process.exitCode = failing ? 1 : 0;
    return;
  }
  if (opts.replay !== undefined && campaign === "diff") {
    const json = JSON.parse(readFileSync(opts.replay, "utf8")) as { case: Parameters<typeof replayDiffCase>[0] };
    const { description, failing } = replayDiffCase(json.case);
    process.stdout.write(`${description}\n${failing ? "replay: still failing" : "replay: no failure (fixed?)"}\n`);
    process.exitCode = failing ? 1 : 0;
    return;
  }
  if (opts.replay !== undefined) {
    const problems = checkFiles(readFailure(opts.replay), { reports: true });
    for (const p of problems) process.stdout.write(`${p.kind}: ${p.detail}\n`);
    process.stdout.write(problems.length === 0 ? "replay: no problem (fixed?)\n" : `replay: ${problems.length} problem(s)\n`);
    process.exitCode = problems.length === 0 ? 0 : 1;
    return;
  }
  const summary = await runFuzz(opts);
  process.exitCode = summary.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && new URL(import.meta.url).pathname === normalize(process.argv[1])) {
  main().catch((e: unknown) => {
    process.stderr.write(`edict fuzz: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
}
