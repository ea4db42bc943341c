/**
 * The `diff` campaign: the semantic diff (`diffTargetMerges`) against the brute-force oracle of
 * test/diff/brute/ (the same generators and checks as test/diff/brute-force.test.ts, many more
 * cases). Cases are drawn in chunks: each chunk has a seed, a kind (access, data, runtime) and a
 * flavour (one random edit, or one pure reordering/renaming), and its cases are
 * `fc.sample(arbitrary, { seed, numRuns })`, so (chunk seed, index) reproduces a case exactly.
 */
import fc from "fast-check";
import { accessCaseArb, accessPureCaseArb } from "../../test/diff/brute/access-cases.js";
import { dataCaseArb, dataPureCaseArb } from "../../test/diff/brute/data-cases.js";
import { describeResult, INFO_CATEGORIES, runCase } from "../../test/diff/brute/oracle.js";
import type { Category, DiffCase } from "../../test/diff/brute/oracle.js";
import { runtimeCaseArb, runtimePureCaseArb } from "../../test/diff/brute/runtime-cases.js";
import { Rng } from "./rng.js";

export const DIFF_KINDS = ["access", "data", "runtime"] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];

/** Share of the cases per kind, and of pure (reordering/renaming) cases within a kind. */
const KIND_WEIGHTS: Record<DiffKind, number> = { access: 0.4, data: 0.3, runtime: 0.3 };
const PURE_SHARE = 0.1;
const CHUNK = 250;

const ARBITRARIES: Record<DiffKind, { edit: fc.Arbitrary<DiffCase>; pure: fc.Arbitrary<DiffCase> }> = {
  access: { edit: accessCaseArb, pure: accessPureCaseArb },
  data: { edit: dataCaseArb, pure: dataPureCaseArb },
  runtime: { edit: runtimeCaseArb, pure: runtimePureCaseArb },
};

export function arbitraryOf(kind: DiffKind, pure: boolean): fc.Arbitrary<DiffCase> {
  return pure ? ARBITRARIES[kind].pure : ARBITRARIES[kind].edit;
}

/** Where a case comes from: `fc.sample(arbitraryOf(kind, pure), { seed, numRuns: index + 1 })[index]`. */
export interface CaseOrigin {
  kind: DiffKind;
  pure: boolean;
  seed: number;
  index: number;
}

export interface DiffCounterexample {
  /** `kind/category`, e.g. `access/miss-loosening`. */
  key: string;
  origin: CaseOrigin;
  case: DiffCase;
  /** What the test prints: base, head, verdict, flips, problems. */
  description: string;
}

export interface BruteDiffReport {
  cases: number;
  pure: number;
  byKind: Record<DiffKind, number>;
  /** Requests evaluated on both sides by the brute force. */
  cells: number;
  /** Cases with at least one problem of a category, by `kind/category` (info categories included). */
  problems: Record<string, number>;
  /** The first case of each `kind/category` (failures only, not info). */
  counterexamples: DiffCounterexample[];
  ms: number;
}

function pickKind(rng: Rng): DiffKind {
  let x = rng.next();
  for (const k of DIFF_KINDS) {
    x -= KIND_WEIGHTS[k];
    if (x < 0) return k;
  }
  return "runtime";
}

export const isInfo = (category: string): boolean => (INFO_CATEGORIES as readonly string[]).includes(category);

/** Runs `count` cases from `seed`; `onProgress` after each chunk. */
export function runBruteDiff(seed: number, count: number, onProgress?: (done: number) => void): BruteDiffReport {
  const started = performance.now();
  const rng = new Rng(seed);
  const report: BruteDiffReport = { cases: 0, pure: 0, byKind: { access: 0, data: 0, runtime: 0 }, cells: 0, problems: {}, counterexamples: [], ms: 0 };
  const reported = new Set<string>();
  while (report.cases < count) {
    const origin = { kind: pickKind(rng), pure: rng.chance(PURE_SHARE), seed: rng.fork() };
    const n = Math.min(CHUNK, count - report.cases);
    const cases = fc.sample(arbitraryOf(origin.kind, origin.pure), { seed: origin.seed, numRuns: n });
    cases.forEach((c, index) => {
      const r = runCase(c);
      report.cells += r.brute.cells;
      for (const category of new Set(r.problems.map((p) => p.category))) {
        const key = `${origin.kind}/${category}`;
        report.problems[key] = (report.problems[key] ?? 0) + 1;
        if (!isInfo(category) && !reported.has(key)) {
          reported.add(key);
          report.counterexamples.push({ key, origin: { ...origin, index }, case: c, description: describeResult(r) });
        }
      }
    });
    report.cases += n;
    report.byKind[origin.kind] += n;
    if (origin.pure) report.pure += n;
    onProgress?.(n);
  }
  report.ms = performance.now() - started;
  return report;
}

/**
 * Shrinks a counterexample with fast-check: replays its chunk (same seed, so the same cases) up
 * to the failing one and lets fast-check shrink it while it keeps a problem of the same
 * category. Returns the original when shrinking finds nothing smaller in `ms`.
 */
export function shrinkCounterexample(x: DiffCounterexample, ms: number): DiffCounterexample {
  const category = x.key.slice(x.key.indexOf("/") + 1) as Category;
  const result = fc.check(
    fc.property(arbitraryOf(x.origin.kind, x.origin.pure), (c) => !runCase(c).problems.some((p) => p.category === category)),
    { seed: x.origin.seed, numRuns: x.origin.index + 1, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
  );
  const small = result.counterexample?.[0];
  if (!result.failed || small === undefined) return x;
  return { ...x, case: small, description: describeResult(runCase(small)) };
}

/** Replays a written counterexample (a `diff-*.json` of fuzz/failures): the problems it has now. */
export function replayDiffCase(c: DiffCase): { description: string; failing: boolean } {
  const r = runCase(c);
  return { description: describeResult(r), failing: r.problems.some((p) => !isInfo(p.category)) };
}
