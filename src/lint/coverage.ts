/** Whether one statement's reach contains another's, for the effect rules. Sound, never a false yes. */
import { listCovers } from "./pattern-cover.js";
import type { StatementRef } from "./statements.js";

type Reach = Pick<StatementRef, "action" | "notAction" | "resource" | "notResource" | "condition">;

function unconditional(s: Reach): boolean {
  return !s.condition || Object.keys(s.condition).length === 0;
}

/** `outer` applies (unconditionally) to every request `inner` applies to. */
export function reachCovers(outer: Reach, inner: Reach): boolean {
  if (!unconditional(outer) || outer.notAction || outer.notResource || inner.notAction || inner.notResource) return false;
  if (!outer.action || !inner.action || !outer.resource || !inner.resource) return false;
  return listCovers(outer.action, inner.action, true) && listCovers(outer.resource, inner.resource, false);
}
