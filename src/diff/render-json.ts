/** `edict diff --format json` (Appendix A): a contract read by scripts and the Action. */
import type { Change, DecisionChange, DiffResult, PackChange, TargetDiff } from "./types.js";

const orNull = (v: unknown): unknown => (v === undefined ? null : v);

function changeJson(c: Change): Record<string, unknown> {
  return {
    kind: c.kind,
    path: c.path,
    verdict: c.verdict,
    before: orNull(c.before),
    after: orNull(c.after),
    source: c.source,
    subject: c.subject,
    change: c.change,
    review: c.review,
    ...(c.note !== undefined ? { note: c.note } : {}),
    ...(c.guardrail !== undefined ? { guardrail: c.guardrail } : {}),
  };
}

function requestJson(r: DecisionChange): Record<string, unknown> {
  return { action: r.action, resource: r.resource, context: r.context, before: r.before, after: r.after };
}

function targetJson(t: TargetDiff): Record<string, unknown> {
  return {
    verdict: t.verdict,
    status: t.status,
    changes: t.changes.map(changeJson),
    newlyAllowed: t.newlyAllowed.map(requestJson),
    newlyDenied: t.newlyDenied.map(requestJson),
    newlyAllowedTotal: t.newlyAllowedTotal,
    newlyDeniedTotal: t.newlyDeniedTotal,
    approvalChanges: t.approvalChanges.map(requestJson),
    approvalChangesTotal: t.approvalChangesTotal,
    dataChanges: t.dataChanges,
    dataChangesTotal: t.dataChangesTotal,
    toolChanges: t.toolChanges,
    toolChangesTotal: t.toolChangesTotal,
    regions: t.regions,
    proof: t.proof,
    witnesses: t.witnesses,
    witnessesTruncated: t.witnessesTruncated,
  };
}

function packJson(p: PackChange): Record<string, unknown> {
  return { name: p.name, change: p.change, before: orNull(p.before), after: orNull(p.after) };
}

/** The Appendix A object: `{base, head, verdict, nextVersion, targets: {T: …}, packs}` plus counts. */
export function toDiffJson(result: DiffResult): Record<string, unknown> {
  return {
    base: result.base,
    head: result.head,
    verdict: result.verdict,
    lastVersion: orNull(result.lastVersion),
    nextVersion: result.nextVersion,
    counts: result.counts,
    targets: Object.fromEntries(result.targets.map((t) => [t.target, targetJson(t)])),
    packs: result.packs.map(packJson),
  };
}

export function renderDiffJson(result: DiffResult): string {
  return `${JSON.stringify(toDiffJson(result), null, 2)}\n`;
}
