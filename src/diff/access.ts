/**
 * The AccessPolicy part of the diff: statements matched across versions, and the semantic
 * verdict from the exact comparison of decisions.
 *
 * Statements are matched by policy id + Sid, then (Sid-less or renamed ones) by content. A
 * statement change's verdict comes from the flipped requests that the statement (before or
 * after) covers by action and resource: a rewrite that flips no decision is neutral. This
 * attribution is deliberately generous: a flip caused elsewhere is also shown on a changed
 * statement that covers the same request. A Deny removed or narrowed without any flip is still
 * flagged: it no longer guards what it did.
 */
import type { EffectiveAccess, EffectiveStatement, Provenance } from "../engine/effective.js";
import type { AccessDecisionKind, AccessPolicy } from "../engine/access/index.js";
import { desugarWorkspaceControls, stableStringify } from "../model/merge/index.js";
import { compareAccessRegions } from "./access-regions.js";
import type { AccessRegionOptions } from "./access-regions.js";
import { statementCovers } from "./statement-targets.js";
import type { AccessComparison, Change, DecisionChange } from "./types.js";
import { notProvenNote, verdictOf } from "./verdict.js";

/**
 * Compares two access policies exactly (./access-regions.ts): every request whose decision
 * differs, one per cell, grouped into regions, with a proof status.
 */
export function compareAccess(base: AccessPolicy, head: AccessPolicy, options: AccessRegionOptions = {}): AccessComparison {
  return compareAccessRegions(base, head, options);
}

/**
 * Up to `max` examples, varied: first one per action, then one per (action, resource), then
 * one per (action, resource, context) ignoring the action's case, then the rest; actions take
 * turns within each pass, and the result keeps witness order.
 */
export function pickExamples<T extends { action: string; resource: string }>(list: readonly T[], max: number): T[] {
  if (list.length <= max) return [...list];
  const picked = new Set<number>();
  const lower = (r: T) => r.action.toLowerCase();
  const passes: Array<(r: T) => string> = [
    lower,
    (r) => `${lower(r)} ${r.resource}`,
    // case variants of an action decide alike: they come last
    (r) => `${lower(r)} ${r.resource} ${stableStringify((r as { context?: unknown }).context ?? {})}`,
    () => "",
  ];
  // Within a pass, actions take turns: the n-th entry of every action before the (n+1)-th of any.
  const rank = new Map<string, number>();
  const order = list
    .map((r, i) => {
      const n = rank.get(lower(r)) ?? 0;
      rank.set(lower(r), n + 1);
      return { i, n };
    })
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map((x) => x.i);
  for (const key of passes) {
    const seen = new Set([...picked].map((i) => key(list[i]!)));
    for (const i of order) {
      if (picked.size >= max) break;
      if (picked.has(i)) continue;
      const k = key(list[i]!);
      if (k !== "" && seen.has(k)) continue;
      seen.add(k);
      picked.add(i);
    }
  }
  return [...picked].sort((a, b) => a - b).map((i) => list[i]!);
}

/** Whether a decision change loosens: anything towards allow (deny < approval_required < allow). */
export function isLooserDecision(before: AccessDecisionKind, after: AccessDecisionKind): boolean {
  const rank = { deny: 0, approval_required: 1, allow: 2 } as const;
  return rank[after] > rank[before];
}

/** The statements written in documents, without the ones desugared from Models/Capabilities. */
export function writtenStatements(access: EffectiveAccess, provenance: Readonly<Record<string, Provenance[]>>): EffectiveStatement[] {
  const sugar = desugarWorkspaceControls(access, provenance);
  const n = access.Statement.length - sugar.length;
  if (n < 0) return access.Statement;
  const tail = access.Statement.slice(n);
  return sugar.every((s, i) => stableStringify(s) === stableStringify(tail[i])) ? access.Statement.slice(0, n) : access.Statement;
}

interface Located {
  statement: EffectiveStatement;
  /** `policy:Sid`, or `policy#n` (1-based position among the policy's statements). */
  label: string;
}

function locate(statements: EffectiveStatement[]): Located[] {
  const perPolicy = new Map<string, number>();
  return statements.map((statement) => {
    const n = (perPolicy.get(statement.source.policy) ?? 0) + 1;
    perPolicy.set(statement.source.policy, n);
    return { statement, label: statement.Sid !== undefined ? `${statement.source.policy}:${statement.Sid}` : `${statement.source.policy}#${n}` };
  });
}

function content(s: EffectiveStatement, withSid: boolean): string {
  const { source: _source, Sid, ...rest } = s;
  return stableStringify(withSid ? { ...rest, Sid } : rest);
}

function bare(s: EffectiveStatement): Record<string, unknown> {
  const { source: _source, ...rest } = s;
  return rest;
}

/** Pairs statements of the two sides: by policy id + Sid, then by content, then Sid-less ones by position in their policy. */
export function matchStatements(
  before: EffectiveStatement[],
  after: EffectiveStatement[],
): Array<{ before?: Located; after?: Located }> {
  const a = locate(before);
  const b = locate(after);
  const pairs: Array<{ before?: Located; after?: Located }> = [];
  const usedB = new Set<number>();
  const leftA: Located[] = [];
  // 1. policy id + Sid (duplicates pair up in order)
  const bySid = new Map<string, number[]>();
  b.forEach((x, i) => {
    if (x.statement.Sid === undefined) return;
    const list = bySid.get(x.label);
    if (list) list.push(i);
    else bySid.set(x.label, [i]);
  });
  for (const x of a) {
    const i = x.statement.Sid === undefined ? undefined : bySid.get(x.label)?.shift();
    if (i === undefined) leftA.push(x);
    else {
      usedB.add(i);
      pairs.push({ before: x, after: b[i]! });
    }
  }
  // 2. content (Sid-less statements, renamed Sids, statements moved to another policy)
  const byContent = new Map<string, number[]>();
  b.forEach((x, i) => {
    if (usedB.has(i)) return;
    const k = content(x.statement, false);
    const list = byContent.get(k);
    if (list) list.push(i);
    else byContent.set(k, [i]);
  });
  const leftOver: Located[] = [];
  for (const x of leftA) {
    const i = byContent.get(content(x.statement, false))?.shift();
    if (i === undefined) leftOver.push(x);
    else {
      usedB.add(i);
      pairs.push({ before: x, after: b[i]! });
    }
  }
  // 3. Sid-less statements still unpaired: the same position in the same policy is an edit
  const byPosition = new Map<string, number>();
  b.forEach((x, i) => {
    if (!usedB.has(i) && x.statement.Sid === undefined) byPosition.set(x.label, i);
  });
  for (const x of leftOver) {
    const i = x.statement.Sid === undefined ? byPosition.get(x.label) : undefined;
    if (i === undefined || usedB.has(i)) pairs.push({ before: x });
    else {
      usedB.add(i);
      pairs.push({ before: x, after: b[i]! });
    }
  }
  b.forEach((x, i) => {
    if (!usedB.has(i)) pairs.push({ after: x });
  });
  return pairs;
}

/** Statement changes with verdicts from the witness flips they cover. */
export function diffStatements(before: EffectiveStatement[], after: EffectiveStatement[], flips: AccessComparison): Change[] {
  const changes: Change[] = [];
  const loosening = [...flips.newlyAllowed, ...flips.approvalChanges.filter((f) => isLooserDecision(f.before, f.after))];
  const tightening = [...flips.newlyDenied, ...flips.approvalChanges.filter((f) => !isLooserDecision(f.before, f.after))];
  for (const pair of matchStatements(before, after)) {
    const sb = pair.before?.statement;
    const sa = pair.after?.statement;
    if (sb && sa && content(sb, true) === content(sa, true) && stableStringify(sb.source) === stableStringify(sa.source)) continue;
    const sameRules = sb !== undefined && sa !== undefined && content(sb, false) === content(sa, false);
    const covers = (f: DecisionChange) => [sb, sa].some((s) => s !== undefined && statementCovers(s, f.action, f.resource));
    const nLoose = sameRules ? 0 : loosening.filter(covers).length;
    const nTight = sameRules ? 0 : tightening.filter(covers).length;
    // with no flip found but the search cut short, "no decision changes" would be unfounded
    const unproven = !flips.proof.proven && !sameRules && nLoose === 0 && nTight === 0;
    const verdict = unproven ? "review" : verdictOf(nLoose > 0, nTight > 0);
    const parts: string[] = [];
    if (nLoose > 0) parts.push(`${nLoose} request${nLoose === 1 ? "" : "s"} loosened`);
    if (nTight > 0) parts.push(`${nTight} request${nTight === 1 ? "" : "s"} tightened`);
    const guardrail = verdict === "neutral" && !sameRules && sb?.Effect === "Deny" ? guardrailChange(sb, sa) : undefined;
    if (guardrail) parts.push(`guardrail ${guardrail} — no decision changes now`);
    changes.push({
      kind: "access",
      path: `Statement[${(pair.after ?? pair.before)!.label}]`,
      subject: "statement",
      change: !sb ? "added" : !sa ? "removed" : sameRules ? "moved" : "changed",
      verdict,
      review: unproven,
      before: sb ? bare(sb) : undefined,
      after: sa ? bare(sa) : undefined,
      source: { before: sb ? [sb.source] : [], after: sa ? [sa.source] : [] },
      note: parts.length > 0 ? parts.join(", ") : unproven ? notProvenNote(flips.proof) : "no decision changes",
      ...(guardrail ? { guardrail } : {}),
    });
  }
  return changes;
}

const ALLOW_ALL: EffectiveStatement = { Effect: "Allow", Action: ["*"], Resource: ["*"], source: { policy: "", file: "" } };

/**
 * Whether a Deny was removed or narrowed: alone over an Allow of everything, does the new
 * version let through something the old one stopped? undefined when it guards as much as before.
 */
function guardrailChange(before: EffectiveStatement, after: EffectiveStatement | undefined): "removed" | "narrowed" | undefined {
  if (after === undefined || after.Effect !== "Deny") return "removed";
  const c = compareAccessRegions({ Statement: [ALLOW_ALL, before] }, { Statement: [ALLOW_ALL, after] });
  return c.newlyAllowed.length > 0 || c.approvalChanges.length > 0 ? "narrowed" : c.proof.proven ? undefined : "narrowed";
}
