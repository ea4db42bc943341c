/**
 * The DataPolicy part of the diff. Rules are matched by policy id; their verdicts are
 * semantic: they come from the exact comparison of both sides (./data-regions.ts), never from
 * the fields that changed.
 *
 * - `default_action`: judged by the flips of requests no rule matches on either side;
 * - a rule added, removed or changed (match, context or action): by the flips of requests it
 *   matches on either side; no flip is neutral ("no decision changes");
 * - edits that never change the action get leaf rows: masking and approver_role are `review`
 *   (they change what the decision carries, with no order), ttl follows x-looser (longer is
 *   looser), reason and description are neutral;
 * - a deny or require_approval rule removed or narrowed with no flip stays neutral but is marked
 *   as a guardrail, because it no longer guards what it did.
 *
 * When the comparison is not proven (a budget cut it), a row that would be neutral is `review`.
 */
import type { EffectiveData, EffectiveDataRule } from "../engine/effective.js";
import { referenceDecideData } from "../engine/data/reference.js";
import { stableStringify } from "../model/merge/index.js";
import { SPEC_SCHEMAS } from "../model/schemas/policy.js";
import { DATA_ACTIONS } from "../engine/vocabulary.js";
import type { DataAction } from "../engine/vocabulary.js";
import { compareData, isLooserAction } from "./data-regions.js";
import type { DataComparison } from "./data-regions.js";
import { ruleChanges } from "./data-space.js";
import { diffLeaves, dottedPath, leafChange } from "./fields.js";
import type { Change, ChangeVerdict, DataDecisionChange } from "./types.js";
import { notProvenNote, verdictOf } from "./verdict.js";

const EMPTY: EffectiveData = { rules: [], default_action: "deny" };
const GUARDS = new Set<DataAction | undefined>(["deny", "require_approval"]);

/** The action a rule yields: the first of deny, require_approval, mask, allow set to true. */
export function ruleAction(rule: EffectiveDataRule | undefined): DataAction | undefined {
  const action = rule?.spec?.action as Record<string, unknown> | undefined;
  if (!action || typeof action !== "object") return undefined;
  return DATA_ACTIONS.find((a) => action[a] === true);
}

/** What decides whether and how a rule acts: its match, its context and its action flag. */
function decisionPart(rule: EffectiveDataRule): string {
  const action = rule.spec.action as Record<string, unknown> | undefined;
  return stableStringify({ match: rule.spec.match ?? null, context: rule.spec.context ?? null, flags: DATA_ACTIONS.filter((a) => action?.[a] === true) });
}

/** A flip with the rules each side matched on its witness. */
interface AttributedFlip {
  flip: DataDecisionChange;
  matched: Set<string>;
  byDefault: boolean;
}

function attribute(before: EffectiveData, after: EffectiveData, flips: readonly DataDecisionChange[]): AttributedFlip[] {
  return flips.map((flip) => {
    const now = new Date(flip.now);
    const a = referenceDecideData(before, flip.request, now).matched;
    const b = referenceDecideData(after, flip.request, now).matched;
    return { flip, matched: new Set([...a, ...b]), byDefault: a.length === 0 && b.length === 0 };
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The verdict of a row from the flips it explains; neutral becomes review when unproven. */
function judged(flips: readonly AttributedFlip[], comparison: DataComparison): { verdict: ChangeVerdict; review: boolean; note: string } {
  const loosened = flips.filter((f) => isLooserAction(f.flip.before, f.flip.after)).length;
  const tightened = flips.length - loosened;
  const verdict = verdictOf(loosened > 0, tightened > 0);
  if (verdict === "neutral" && !comparison.proof.proven) return { verdict: "review", review: true, note: notProvenNote(comparison.proof) };
  const parts = [...(loosened > 0 ? [`${plural(loosened, "request")} loosened`] : []), ...(tightened > 0 ? [`${plural(tightened, "request")} tightened`] : [])];
  return { verdict, review: false, note: parts.length === 0 ? "no decision changes" : parts.join(", ") };
}

/** Did some request match the rule before and not after? Decided exactly, with both as deny rules under default allow. */
function narrowed(before: EffectiveDataRule, after: EffectiveDataRule): boolean {
  const asDeny = (r: EffectiveDataRule): EffectiveData => ({ rules: [{ ...r, spec: { ...r.spec, action: { deny: true, reason: "guard" } } }], default_action: "allow" });
  return compareData(asDeny(before), asDeny(after)).changes.some((c) => c.before === "deny");
}

/** Leaf rows for the edits that never change the action. */
function leafRows(path: string, rb: EffectiveDataRule, ra: EffectiveDataRule, source: Change["source"]): Change[] {
  const rows: Change[] = [];
  for (const leaf of diffLeaves(rb.spec, ra.spec, SPEC_SCHEMAS.DataPolicy)) {
    const [head, sub] = leaf.segments;
    const review = head === "masking" || (head === "action" && sub === "approver_role");
    const kept = review || head === "description" || (head === "action" && (sub === "ttl" || sub === "reason"));
    if (!kept) continue;
    const row = leafChange("data", `${path}.${dottedPath(leaf.segments)}`, leaf, source);
    rows.push(review ? { ...row, verdict: "review", review: true, note: "changes what the decision carries; no order" } : row);
  }
  return rows;
}

/**
 * Rule rows and the default_action row of one target, judged by the exact comparison
 * (computed here when not given).
 *
 * @example
 * const comparison = compareData(base.data, head.data);
 * const rows = diffData(base.data, head.data, comparison);
 */
export function diffData(before: EffectiveData | undefined, after: EffectiveData | undefined, comparison?: DataComparison): Change[] {
  const a = before ?? EMPTY;
  const b = after ?? EMPTY;
  const result = comparison ?? compareData(a, b);
  const flips = attribute(a, b, result.changes);
  const changes: Change[] = [];
  if (before && after && a.default_action !== b.default_action) {
    const v = judged(
      flips.filter((f) => f.byDefault),
      result,
    );
    const source = { before: [{ policy: "", file: "edict.yaml" }], after: [{ policy: "", file: "edict.yaml" }] };
    changes.push({ kind: "data", path: "default_action", subject: "field", change: "changed", ...v, before: a.default_action, after: b.default_action, source, note: `what requests no rule matches get: ${v.note}` });
  }

  const { reordered } = ruleChanges(a, b);
  const byId = (d: EffectiveData) => new Map(d.rules.map((r) => [r.id, r] as const));
  const ra = byId(a);
  const rb = byId(b);
  for (const id of new Set([...ra.keys(), ...rb.keys()])) {
    const old = ra.get(id);
    const now = rb.get(id);
    const path = `rules.${id}`;
    const source = { before: old ? [old.source] : [], after: now ? [now.source] : [] };
    const row = (change: Change["change"], v: { verdict: ChangeVerdict; review: boolean; note: string }): Change => ({
      kind: "data",
      path,
      subject: "rule",
      change,
      ...v,
      before: old?.spec,
      after: now?.spec,
      source,
    });
    const explained = () => judged(flips.filter((f) => f.matched.has(id)), result);
    if (!old || !now) {
      const r = row(old ? "removed" : "added", explained());
      if (old && r.verdict === "neutral" && GUARDS.has(ruleAction(old))) r.guardrail = "removed";
      changes.push(r);
      continue;
    }
    if (decisionPart(old) !== decisionPart(now)) {
      const r = row("changed", explained());
      const was = ruleAction(old);
      const is = ruleAction(now);
      if (is !== was && was !== undefined && is !== undefined) r.note = `action ${was} → ${is}; ${r.note}`;
      if (r.verdict === "neutral" && GUARDS.has(was)) {
        const weaker = is === undefined || (was !== undefined && isLooserAction(was, is));
        if (weaker || narrowed(old, now)) r.guardrail = "narrowed";
      }
      changes.push(r);
    }
    changes.push(...leafRows(path, old, now, source));
    const sameSpec = stableStringify(old.spec) === stableStringify(now.spec);
    if (sameSpec && (reordered.has(id) || stableStringify(old.source) !== stableStringify(now.source))) {
      const note = reordered.has(id) ? "precedence order changed; no decision changes" : "rule moved to another file";
      changes.push({ ...row("moved", { verdict: "neutral", review: false, note }), before: old.source.file, after: now.source.file });
    }
  }
  return changes;
}
