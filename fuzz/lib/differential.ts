/**
 * Differential runs: the compiled evaluators the loader serves against the reference evaluators
 * that read the spec literally. Policies are generated once per batch and asked many requests,
 * so state kept between decisions (plan caches, scratch buffers, shared frozen results) is
 * exercised too. Also oracle-free sanity: answers have the documented shape.
 */
import { compileAccess, evaluateAccessReference } from "../../src/engine/access/index.js";
import type { AccessDecision, AccessPolicy, AccessRequest } from "../../src/engine/access/index.js";
import { compileData, referenceDecideData } from "../../src/engine/data/index.js";
import type { DataDecision, DataRequest } from "../../src/engine/data/index.js";
import type { EffectiveData } from "../../src/engine/effective.js";
import { DATA_ACTIONS, MASKING_METHODS } from "../../src/engine/vocabulary.js";
import { randomAccessPolicy, randomAccessRequest } from "./access-gen.js";
import { randomDataPolicy, randomDataRequest, randomInstant } from "./data-gen.js";
import { Rng } from "./rng.js";

/** JSON with sorted keys and undefined dropped: two answers agree when these are equal. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = (v as Record<string, unknown>)[k];
      return out;
    }
    if (typeof v === "number" && !Number.isFinite(v)) return `#${v}`;
    return v;
  });
}

export interface Disagreement<P, R> {
  seed: number;
  policy: P;
  request: R;
  now?: string;
  compiled: unknown;
  reference: unknown;
  /** Requests asked of the same compiled engine before this one (state between decisions). */
  before: number;
}

export interface DiffReport<P, R> {
  cases: number;
  batches: number;
  ms: number;
  disagreements: Array<Disagreement<P, R>>;
  /** Decisions seen, so a vacuous generator shows. */
  seen: Record<string, number>;
}

function outcome<T>(fn: () => T): T | { threw: string } {
  try {
    return fn();
  } catch (e) {
    return { threw: `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}` };
  }
}

const ACCESS_DECISIONS = new Set(["allow", "deny", "approval_required"]);

function accessShapeProblem(d: AccessDecision): string | undefined {
  if (!ACCESS_DECISIONS.has(d.decision)) return `decision ${String(d.decision)}`;
  if (!Array.isArray(d.reasons)) return "reasons is not a list";
  if (d.decision === "allow" && d.reasons.some((r) => r.effect !== "Allow")) return "allow with a Deny reason";
  if (d.decision === "deny" && d.reasons.some((r) => r.effect !== "Deny")) return "deny with an Allow reason";
  if ((d.decision === "approval_required") !== (d.approval !== undefined)) return "approval present iff approval_required";
  return undefined;
}

/** Compares compileAccess with evaluateAccessReference on at least `cases` requests. */
export function diffAccess(seed: number, cases: number, maxDisagreements = 5): DiffReport<AccessPolicy, AccessRequest> {
  const started = performance.now();
  const rng = new Rng(seed);
  const report: DiffReport<AccessPolicy, AccessRequest> = { cases: 0, batches: 0, ms: 0, disagreements: [], seen: {} };
  while (report.cases < cases && report.disagreements.length < maxDisagreements) {
    const batchSeed = rng.fork();
    const b = new Rng(batchSeed);
    const policy = randomAccessPolicy(b);
    const wide = b.chance(0.05);
    const requests = wide ? 6000 : b.int(20, 400);
    report.batches++;
    const engine = outcome(() => compileAccess(policy));
    for (let i = 0; i < requests && report.disagreements.length < maxDisagreements; i++) {
      const request = randomAccessRequest(b, wide);
      const reference = outcome(() => evaluateAccessReference(policy, request));
      const compiled = "threw" in engine ? engine : outcome(() => engine.authorize(request));
      report.cases++;
      const decision = "threw" in compiled ? "threw" : compiled.decision;
      report.seen[decision] = (report.seen[decision] ?? 0) + 1;
      const shape = "threw" in compiled ? undefined : accessShapeProblem(compiled);
      if (stable(compiled) !== stable(reference) || shape !== undefined) {
        report.disagreements.push({ seed: batchSeed, policy, request, compiled: shape ? { shape, compiled } : compiled, reference, before: i });
      }
    }
  }
  report.ms = performance.now() - started;
  return report;
}

const MASKS = new Set<string>(MASKING_METHODS);
const DATA_DECISIONS = new Set<string>(DATA_ACTIONS);

function dataShapeProblem(d: DataDecision): string | undefined {
  if (!DATA_DECISIONS.has(d.action)) return `action ${String(d.action)}`;
  if (d.masks !== undefined) {
    if (d.action !== "mask") return "masks without mask";
    for (const [field, method] of Object.entries(d.masks)) if (!MASKS.has(method as string)) return `mask of ${field} is ${String(method)}`;
  }
  if (!Array.isArray(d.matched)) return "matched is not a list";
  return undefined;
}

/** Compares compileData with referenceDecideData on at least `cases` requests. */
export function diffData(seed: number, cases: number, maxDisagreements = 5): DiffReport<EffectiveData, DataRequest> {
  const started = performance.now();
  const rng = new Rng(seed);
  const report: DiffReport<EffectiveData, DataRequest> = { cases: 0, batches: 0, ms: 0, disagreements: [], seen: {} };
  while (report.cases < cases && report.disagreements.length < maxDisagreements) {
    const batchSeed = rng.fork();
    const b = new Rng(batchSeed);
    const policy = randomDataPolicy(b);
    const requests = b.int(10, 200);
    report.batches++;
    const engine = outcome(() => compileData(policy));
    for (let i = 0; i < requests && report.disagreements.length < maxDisagreements; i++) {
      const request = randomDataRequest(b);
      const now = randomInstant(b);
      const reference = outcome(() => referenceDecideData(policy, request, now));
      const compiled = "threw" in engine ? engine : outcome(() => engine.decideData(request, now));
      report.cases++;
      const action = "threw" in compiled ? "threw" : compiled.action;
      report.seen[action] = (report.seen[action] ?? 0) + 1;
      const shape = "threw" in compiled ? undefined : dataShapeProblem(compiled);
      if (stable(compiled) !== stable(reference) || shape !== undefined) {
        report.disagreements.push({ seed: batchSeed, policy, request, now: now.toISOString(), compiled: shape ? { shape, compiled } : compiled, reference, before: i });
      }
    }
  }
  report.ms = performance.now() - started;
  return report;
}
