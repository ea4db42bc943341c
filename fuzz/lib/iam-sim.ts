/**
 * The `iam` campaign: edict's AccessPolicy evaluators (reference and compiled) against an
 * independent IAM evaluator, @cloud-copilot/iam-simulate (a devDependency, never shipped), on
 * random identity policies over real AWS actions and ARNs: the generators, domain check and
 * oracle of test/engine/access/iam/ (the same as test/engine/access/
 * iam-conformance.test.ts, many more cases).
 *
 * The count is of comparisons (one request of one case, answered by the three evaluators).
 * Cases are drawn in chunks: each chunk has a seed and its cases are
 * `fc.sample(iamMixedCaseArb, { seed, numRuns })`, so (chunk seed, index) reproduces a case
 * exactly. The simulator is asynchronous (about a millisecond a call), so the campaign is too.
 */
import fc from "fast-check";
import { checkDomain, compareCase, describeComparison, iamMixedCaseArb, withRequest } from "../../test/engine/access/iam/index.js";
import type { IamCase } from "../../test/engine/access/iam/index.js";
import { Rng } from "./rng.js";

const CHUNK = 100;

/** Where a case comes from: `fc.sample(iamMixedCaseArb, { seed, numRuns: index + 1 })[index]`. */
export interface IamOrigin {
  seed: number;
  index: number;
}

export interface IamCounterexample {
  /** `reference≠simulator`, `compiled≠simulator`, `simulator-error`, `ignored-key` or `out-of-domain`. */
  problem: string;
  origin: IamOrigin;
  /** The case, restricted to the request that shows the problem. */
  case: IamCase;
  /** Policy, request, the three answers, and why the case is in the domain. */
  description: string;
}

export interface IamReport {
  /** Comparisons made (requests answered by all three evaluators). */
  comparisons: number;
  /** Cases (policies) drawn. */
  cases: number;
  /** Simulator answers: Allowed, ImplicitlyDenied, ExplicitlyDenied, error. */
  outcomes: Record<string, number>;
  /** Comparisons with at least one problem (out-of-domain cases count one each). */
  failing: number;
  /** Comparisons with a problem, by problem (one comparison may have two: reference and compiled). */
  problems: Record<string, number>;
  /** The first comparison of each problem. */
  counterexamples: IamCounterexample[];
  ms: number;
}

/** The problems of one case, the first comparison of each (out-of-domain cases are not compared). */
async function problemsOf(c: IamCase): Promise<{ comparisons: number; failing: number; outcomes: string[]; found: Array<{ problem: string; case: IamCase; description: string }> }> {
  const domain = checkDomain(c);
  if (!domain.ok) return { comparisons: 0, failing: 1, outcomes: [], found: [{ problem: "out-of-domain", case: c, description: domain.violations.join("\n") }] };
  const r = await compareCase(c);
  const found = r.failures.flatMap((x) => x.problems.map((problem) => ({ problem, case: withRequest(c, x.request), description: describeComparison(c, x) })));
  return { comparisons: r.comparisons.length, failing: r.failures.length, outcomes: r.comparisons.map((x) => x.simulator.outcome ?? "error"), found };
}

/** Runs `count` comparisons from `seed`; `onProgress` after each chunk with the comparisons it made. */
export async function runIamDifferential(seed: number, count: number, onProgress?: (done: number) => void): Promise<IamReport> {
  const started = performance.now();
  const rng = new Rng(seed);
  const report: IamReport = { comparisons: 0, cases: 0, outcomes: {}, failing: 0, problems: {}, counterexamples: [], ms: 0 };
  const reported = new Set<string>();
  while (report.comparisons < count) {
    const chunkSeed = rng.fork();
    const cases = fc.sample(iamMixedCaseArb, { seed: chunkSeed, numRuns: CHUNK });
    let done = 0;
    for (const [index, drawn] of cases.entries()) {
      const left = count - report.comparisons;
      if (left <= 0) break;
      // the last case gives only the requests still needed, so a run makes exactly `count`
      const c = drawn.requests.length > left ? { ...drawn, requests: drawn.requests.slice(0, left) } : drawn;
      const r = await problemsOf(c);
      report.cases++;
      report.comparisons += r.comparisons;
      report.failing += r.failing;
      done += r.comparisons;
      for (const o of r.outcomes) report.outcomes[o] = (report.outcomes[o] ?? 0) + 1;
      for (const f of r.found) {
        report.problems[f.problem] = (report.problems[f.problem] ?? 0) + 1;
        if (!reported.has(f.problem)) {
          reported.add(f.problem);
          report.counterexamples.push({ problem: f.problem, origin: { seed: chunkSeed, index }, case: f.case, description: f.description });
        }
      }
      // an out-of-domain case makes no comparison: do not spin on it forever
      if (r.comparisons === 0 && (report.problems["out-of-domain"] ?? 0) > 1000) throw new Error("the IAM case generator keeps leaving the domain");
    }
    onProgress?.(done);
  }
  report.ms = performance.now() - started;
  return report;
}

/** Does the case still show `problem`? */
async function shows(c: IamCase, problem: string): Promise<boolean> {
  return (await problemsOf(c)).found.some((f) => f.problem === problem);
}

/**
 * Shrinks a counterexample with fast-check: replays its chunk (same seed, so the same cases) up
 * to the failing one and lets fast-check shrink it while it keeps the same problem. Returns the
 * original when shrinking finds nothing smaller in `ms`.
 */
export async function shrinkIamCounterexample(x: IamCounterexample, ms: number): Promise<IamCounterexample> {
  const result = await fc.check(
    fc.asyncProperty(iamMixedCaseArb, async (c) => !(await shows(c, x.problem))),
    { seed: x.origin.seed, numRuns: x.origin.index + 1, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
  );
  const small = result.counterexample?.[0];
  if (!result.failed || small === undefined) return x;
  const r = await problemsOf(small);
  const first = r.found.find((f) => f.problem === x.problem);
  return first === undefined ? x : { ...x, case: first.case, description: first.description };
}

/** Replays a written counterexample (an `iam-*.json` of fuzz/failures): its problems now. */
export async function replayIamCase(c: IamCase): Promise<{ description: string; failing: boolean }> {
  const r = await problemsOf(c);
  if (r.found.length === 0) return { description: `${r.comparisons} comparison(s), all three evaluators agree`, failing: false };
  return { description: [...new Set(r.found.map((f) => f.description))].join("\n\n"), failing: true };
}
