/**
 * The second check of an overlaid target: the semantic diff from the bundle's target to it
 * (`diffTargetMerges`, what `edict diff` reports) must find nothing loosened, mixed or to review.
 * The per-field checks of ./tighten.ts already refuse such values; this proves the result as a
 * whole (statements, data rules, tool calls, approvals), so no combination slips through.
 */
import type { EffectiveTarget } from "../../engine/effective.js";
import { diffTargetMerges } from "../../diff/diff.js";
import type { Change, TargetDiff } from "../../diff/types.js";
import type { TargetMerge } from "../../model/merge/index.js";
import { joinPointer } from "../../model/pointer.js";
import { overlayError } from "./position.js";
import type { OverlayProvenance } from "./tighten.js";
import type { OverlayFile } from "./types.js";

const BAD = new Set(["loosened", "mixed", "review"]);

function mergeOf(target: string, effective: EffectiveTarget, provenance: OverlayProvenance): TargetMerge {
  return { target, effective, provenance, events: [], documents: [] };
}

/** The JSON pointer in an overlay file of a change's dotted path ("ResourceLimits.MaxTokens"). */
function pointerOf(change: Change): string {
  const head = change.path.split(/[.[]/)[0] ?? "";
  if (change.subject !== "field") return joinPointer("/spec", change.kind === "data" ? "action" : head);
  return change.path.split(".").reduce((p, seg) => joinPointer(p, seg), "/spec");
}

/** The diff of the bundle's target to the overlaid one; throws CONFIG_ERROR when it is not only tighter. */
export function proveTighter(base: EffectiveTarget, overlaid: EffectiveTarget, provenance: OverlayProvenance, files: readonly OverlayFile[], targetName = "overlay"): TargetDiff {
  const empty: OverlayProvenance = { access: {}, runtime: {}, data: {}, posture: {} };
  const diff = diffTargetMerges(mergeOf(targetName, base, empty), mergeOf(targetName, overlaid, provenance), { base: "bundle", head: "overlay" });
  if (!BAD.has(diff.verdict)) return diff;
  const change = diff.changes.find((c) => BAD.has(c.verdict) || c.review);
  const file = files.find((f) => change?.source.after.some((s) => s.file === f.path)) ?? files[0];
  const why = change
    ? `${change.kind} ${change.path} ${change.verdict}${change.note ? ` (${change.note})` : ""}`
    : diff.newlyAllowedTotal > 0
      ? `${diff.newlyAllowedTotal} request${diff.newlyAllowedTotal === 1 ? "" : "s"} newly allowed, e.g. ${diff.newlyAllowed[0]?.action} on ${diff.newlyAllowed[0]?.resource}`
      : `the change is ${diff.verdict}`;
  const message = `overlay refused: the semantic diff from the bundle finds ${why}; an overlay may only tighten`;
  if (!file) throw new Error(message);
  throw overlayError(file.source, change ? pointerOf(change) : "/spec", message, true);
}
