/** A fuzz worker thread: runs one slice of a job and reports progress and failures to fuzz/run.ts. */
import { parentPort, workerData } from "node:worker_threads";
import { readCorpus } from "./lib/corpus.js";
import { runBruteDiff } from "./lib/diff-brute.js";
import { diffAccess, diffData } from "./lib/differential.js";
import { runIamDifferential } from "./lib/iam-sim.js";
import { changedSince, takeSnapshot } from "./lib/invariants.js";
import { checkCase, drawCase } from "./lib/lint-case.js";
import type { LintCase, Problem } from "./lib/lint-case.js";

export type Job =
  | { kind: "lint"; from: number; count: number; heavy: number; reportsEvery: number; slowMs: number }
  | { kind: "access"; seed: number; count: number }
  | { kind: "data"; seed: number; count: number }
  | { kind: "diff"; seed: number; count: number }
  | { kind: "iam"; seed: number; count: number };

export type WorkerMessage =
  | { type: "progress"; done: number }
  | { type: "lint-failure"; case: LintCase; problems: Problem[] }
  | { type: "diff-failure"; disagreements: unknown[] }
  | { type: "done"; cases: number; ms: number; extra?: Record<string, unknown> };

function post(m: WorkerMessage): void {
  parentPort!.postMessage(m);
}

function runLintJob(job: Extract<Job, { kind: "lint" }>): void {
  const started = performance.now();
  const corpus = readCorpus();
  const snapshot = takeSnapshot();
  const reported = new Set<string>();
  let done = 0;
  for (let i = 0; i < job.count; i++) {
    const seed = (job.from + i) >>> 0;
    const c = drawCase(seed, corpus, job.heavy);
    let problems: Problem[];
    const t = performance.now();
    try {
      problems = checkCase(c, corpus, { reports: job.reportsEvery > 0 && i % job.reportsEvery === 0 }).problems;
    } catch (e) {
      problems = [{ kind: "threw:harness", detail: String((e as Error)?.stack ?? e) }];
    }
    // algorithmic complexity: one small repository must not take seconds to read
    const ms = performance.now() - t;
    if (ms > job.slowMs) problems.push({ kind: "slow", detail: `case took ${Math.round(ms)} ms (limit ${job.slowMs} ms)` });
    if (i % 500 === 499 || i === job.count - 1) for (const d of changedSince(snapshot)) problems.push({ kind: "pollution", detail: d });
    // one report per kind per worker: the parent shrinks it; the rest are the same bug
    const fresh = problems.filter((p) => !reported.has(p.kind));
    if (fresh.length > 0) {
      for (const p of fresh) reported.add(p.kind);
      post({ type: "lint-failure", case: c, problems: fresh });
    }
    done++;
    if (done % 250 === 0) post({ type: "progress", done: 250 });
  }
  post({ type: "progress", done: done % 250 });
  post({ type: "done", cases: done, ms: performance.now() - started });
}

/** The semantic diff against the brute-force oracle: counts per kind and category, first case of each. */
function runBruteDiffJob(job: Extract<Job, { kind: "diff" }>): void {
  const report = runBruteDiff(job.seed, job.count, (done) => post({ type: "progress", done }));
  if (report.counterexamples.length > 0) post({ type: "diff-failure", disagreements: report.counterexamples });
  const { counterexamples: _sent, ...rest } = report;
  post({ type: "done", cases: report.cases, ms: report.ms, extra: { ...rest } });
}

/** edict vs @cloud-copilot/iam-simulate: counts per outcome and problem, first case of each problem. */
async function runIamJob(job: Extract<Job, { kind: "iam" }>): Promise<void> {
  const report = await runIamDifferential(job.seed, job.count, (done) => post({ type: "progress", done }));
  if (report.counterexamples.length > 0) post({ type: "diff-failure", disagreements: report.counterexamples });
  const { counterexamples: _sent, comparisons, ms, ...rest } = report;
  post({ type: "done", cases: comparisons, ms, extra: { ...rest } });
}

function runDiffJob(job: Extract<Job, { kind: "access" | "data" }>): void {
  const started = performance.now();
  const chunk = 20_000;
  let cases = 0;
  let batches = 0;
  const seen: Record<string, number> = {};
  let seed = job.seed;
  while (cases < job.count) {
    const r = job.kind === "access" ? diffAccess(seed, Math.min(chunk, job.count - cases)) : diffData(seed, Math.min(chunk, job.count - cases));
    seed = (seed + 0x9e3779b9) >>> 0;
    cases += r.cases;
    batches += r.batches;
    for (const [k, v] of Object.entries(r.seen)) seen[k] = (seen[k] ?? 0) + v;
    post({ type: "progress", done: r.cases });
    if (r.disagreements.length > 0) {
      post({ type: "diff-failure", disagreements: r.disagreements });
      break;
    }
  }
  post({ type: "done", cases, ms: performance.now() - started, extra: { batches, seen } });
}

const job = workerData as Job;
if (job.kind === "lint") runLintJob(job);
else if (job.kind === "diff") runBruteDiffJob(job);
else if (job.kind === "iam") await runIamJob(job);
else runDiffJob(job);
