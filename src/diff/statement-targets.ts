/** Which statements a request's action and resource select, with each statement's patterns compiled once. */
import type { EffectiveStatement } from "../engine/effective.js";
import { compileWildcard } from "../engine/match/index.js";
import type { WildcardMatcher } from "../engine/match/index.js";

interface CompiledTarget {
  action?: WildcardMatcher[];
  notAction?: WildcardMatcher[];
  resource?: WildcardMatcher[];
  notResource?: WildcardMatcher[];
}

const compiledTargets = new WeakMap<EffectiveStatement, CompiledTarget>();

function compiledTarget(s: EffectiveStatement): CompiledTarget {
  let c = compiledTargets.get(s);
  if (!c) {
    const comp = (list: string[] | undefined, ignoreCase: boolean) => list?.map((p) => compileWildcard(p, { ignoreCase }));
    c = { action: comp(s.Action, true), notAction: comp(s.NotAction, true), resource: comp(s.Resource, false), notResource: comp(s.NotResource, false) };
    compiledTargets.set(s, c);
  }
  return c;
}

/**
 * Whether a statement applies to the request's action and resource, ignoring its Condition
 * (with neither Action nor NotAction it applies to nothing; with neither Resource nor
 * NotResource, to every resource).
 */
export function statementCovers(s: EffectiveStatement, action: string, resource: string): boolean {
  const c = compiledTarget(s);
  if (c.action === undefined && c.notAction === undefined) return false;
  const actionOk = (c.action === undefined || c.action.some((m) => m(action))) && (c.notAction === undefined || !c.notAction.some((m) => m(action)));
  return actionOk && (c.resource === undefined || c.resource.some((m) => m(resource))) && (c.notResource === undefined || !c.notResource.some((m) => m(resource)));
}
