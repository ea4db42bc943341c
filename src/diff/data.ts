/**
 * The DataPolicy part of the diff. Rules are matched by policy id. The strongest matching
 * action wins (deny > require_approval > mask > allow) and a request no rule matches gets the
 * target's default_action (SPEC §2.3), so verdicts follow action strength:
 *
 * - a rule removed loosens when something weaker can take over (another rule or the default),
 *   and tightens when the default is stronger than the rule (e.g. an allow rule removed under
 *   default deny);
 * - a rule added tightens when something weaker could have decided before, and loosens when
 *   the default is stronger (e.g. a mask rule added under default deny now lets data out masked);
 * - a rule's action made weaker loosens, stronger tightens; its other fields follow x-looser.
 */
import type { EffectiveData, EffectiveDataRule } from "../policy/effective.js";
import { stableStringify } from "../policy/merge/index.js";
import { SPEC_SCHEMAS } from "../policy/schemas/policy.js";
import { DATA_ACTIONS } from "../policy/vocabulary.js";
import type { DataAction } from "../policy/vocabulary.js";
import { diffLeaves, dottedPath, leafChange } from "./fields.js";
import type { Change } from "./types.js";
import { verdictOf } from "./verdict.js";

const STRENGTH: Record<DataAction, number> = { allow: 0, mask: 1, require_approval: 2, deny: 3 };
const ACTION_FLAGS = new Set<string>(DATA_ACTIONS);

/** The action a rule yields: the first of deny, require_approval, mask, allow set to true. */
export function ruleAction(rule: EffectiveDataRule | undefined): DataAction | undefined {
  const action = rule?.spec?.action as Record<string, unknown> | undefined;
  if (!action || typeof action !== "object") return undefined;
  return DATA_ACTIONS.find((a) => action[a] === true);
}

function defaultStrength(data: EffectiveData | undefined): number {
  return data?.default_action === "allow" ? STRENGTH.allow : STRENGTH.deny;
}

function othersWeaker(data: EffectiveData | undefined, except: string, than: number): boolean {
  return (data?.rules ?? []).some((r) => {
    if (r.id === except) return false;
    const a = ruleAction(r);
    return a !== undefined && STRENGTH[a] < than;
  });
}

/** Rule changes and default_action changes of one target. */
export function diffData(before: EffectiveData | undefined, after: EffectiveData | undefined): Change[] {
  const changes: Change[] = [];
  const da = before?.default_action ?? "deny";
  const db = after?.default_action ?? "deny";
  if (before && after && da !== db) {
    changes.push({
      kind: "data",
      path: "default_action",
      subject: "field",
      change: "changed",
      verdict: db === "allow" ? "loosened" : "tightened",
      review: false,
      before: da,
      after: db,
      source: { before: [{ policy: "", file: "edict.yaml" }], after: [{ policy: "", file: "edict.yaml" }] },
      note: "what requests no rule matches get",
    });
  }

  const byId = (d: EffectiveData | undefined) => new Map((d?.rules ?? []).map((r) => [r.id, r] as const));
  const a = byId(before);
  const b = byId(after);
  const ids = [...new Set([...a.keys(), ...b.keys()])];
  for (const id of ids) {
    const rb = a.get(id);
    const ra = b.get(id);
    const path = `rules.${id}`;
    if (!rb || !ra) {
      const rule = (rb ?? ra)!;
      const side = rb ? before : after;
      const act = ruleAction(rule);
      let verdict = verdictOf(false, false);
      let review = false;
      if (act === undefined) review = true;
      else {
        const s = STRENGTH[act];
        const dflt = defaultStrength(side);
        const weaker = othersWeaker(side, id, s) || dflt < s;
        verdict = rb ? verdictOf(weaker, dflt > s) : verdictOf(dflt > s, weaker);
      }
      changes.push({
        kind: "data",
        path,
        subject: "rule",
        change: rb ? "removed" : "added",
        verdict,
        review,
        before: rb?.spec,
        after: ra?.spec,
        source: { before: rb ? [rb.source] : [], after: ra ? [ra.source] : [] },
        note: act ? `${act} rule ${rb ? "removed" : "added"}` : "rule without a valid action",
      });
      continue;
    }
    const source = { before: [rb.source], after: [ra.source] };
    const actB = ruleAction(rb);
    const actA = ruleAction(ra);
    if (actB !== actA) {
      const known = actB !== undefined && actA !== undefined;
      changes.push({
        kind: "data",
        path: `${path}.action`,
        subject: "field",
        change: actB === undefined ? "added" : actA === undefined ? "removed" : "changed",
        verdict: known ? (STRENGTH[actA] < STRENGTH[actB] ? "loosened" : "tightened") : "neutral",
        review: !known,
        before: actB,
        after: actA,
        source,
        note: known ? `action made ${STRENGTH[actA] < STRENGTH[actB] ? "weaker" : "stronger"}` : "rule without a valid action",
      });
    }
    for (const leaf of diffLeaves(rb.spec, ra.spec, SPEC_SCHEMAS.DataPolicy)) {
      if (leaf.segments[0] === "action" && leaf.segments.length === 2 && ACTION_FLAGS.has(leaf.segments[1]!)) continue;
      changes.push(leafChange("data", `${path}.${dottedPath(leaf.segments)}`, leaf, source));
    }
    if (stableStringify(rb.source) !== stableStringify(ra.source) && stableStringify(rb.spec) === stableStringify(ra.spec)) {
      changes.push({ kind: "data", path, subject: "rule", change: "moved", verdict: "neutral", review: false, before: rb.source.file, after: ra.source.file, source, note: "rule moved to another file" });
    }
  }
  return changes;
}
