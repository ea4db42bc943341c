/**
 * The actions and resources witness requests are built from (SPEC §5), and which statements a
 * request's action and resource select.
 *
 * Patterns are instantiated: each `*` filled with a fresh value and with nothing, each `?` with
 * one character; actions also upper-cased (actions compare case-insensitively). Statement
 * targets (Action/NotAction, Resource/NotResource) are compiled once per statement and cached.
 */
import type { EffectiveStatement } from "../policy/effective.js";
import type { AccessPolicy } from "../policy/eval/access/index.js";
import { compileWildcard } from "../policy/match/index.js";
import type { WildcardMatcher } from "../policy/match/index.js";

/** The value wildcards are filled with: unlikely to be a literal anywhere. */
export const FRESH = "zz-fresh";
export const FRESH_ACTION = `${FRESH}:${FRESH}`;
export const FRESH_RESOURCE = `${FRESH}://${FRESH}`;

/** Concrete values a wildcard pattern matches: `*` filled with a fresh value and with nothing. */
export function instantiatePattern(pattern: string): string[] {
  if (!pattern.includes("*") && !pattern.includes("?")) return [pattern];
  const out = [pattern.replace(/\*/g, FRESH).replace(/\?/g, "z"), pattern.replace(/\*/g, "").replace(/\?/g, "q")];
  return [...new Set(out)].filter((v) => v !== "");
}

/** Plain code-unit order, so sorted witness values are the same wherever they are computed. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The statements of every policy, in order. */
export function statementsOf(...policies: AccessPolicy[]): EffectiveStatement[] {
  return policies.flatMap((p) => p.Statement);
}

/**
 * Every action to try, sorted (so the witness set does not depend on which side is the base):
 * the instantiated patterns and a fresh action first, then their upper-case variants.
 */
export function collectActions(policies: AccessPolicy[]): string[] {
  const written = new Set<string>();
  const add = (pattern: string) => {
    // "*" alone is covered by the fresh action, which is a well-formed one
    if (pattern.replace(/\*+/g, "*") === "*") return;
    for (const v of instantiatePattern(pattern)) written.add(v);
  };
  for (const s of statementsOf(...policies)) for (const p of [...(s.Action ?? []), ...(s.NotAction ?? [])]) add(p);
  for (const p of policies) for (const a of p.RequireApproval?.Actions ?? []) add(a);
  written.add(FRESH_ACTION);
  const upper = new Set([...written].map((v) => v.toUpperCase()).filter((u) => !written.has(u)));
  return [...[...written].sort(compareText), ...[...upper].sort(compareText)];
}

/** Every resource to try, sorted: the instantiated patterns and a fresh resource. */
export function collectResources(policies: AccessPolicy[]): string[] {
  const set = new Set<string>([FRESH_RESOURCE]);
  for (const s of statementsOf(...policies)) {
    for (const p of [...(s.Resource ?? []), ...(s.NotResource ?? [])]) {
      // "*" alone is covered by the fresh resource, which is a well-formed one
      if (p.replace(/\*+/g, "*") !== "*") for (const v of instantiatePattern(p)) set.add(v);
    }
  }
  return [...set].sort(compareText);
}

/** A statement's Action/NotAction (case-insensitive) and Resource/NotResource patterns, compiled. */
export interface CompiledTarget {
  action?: WildcardMatcher[];
  notAction?: WildcardMatcher[];
  resource?: WildcardMatcher[];
  notResource?: WildcardMatcher[];
}

const compiledTargets = new WeakMap<EffectiveStatement, CompiledTarget>();

/** The statement's compiled target, cached per statement object. */
export function compiledTarget(s: EffectiveStatement): CompiledTarget {
  let c = compiledTargets.get(s);
  if (!c) {
    const comp = (list: string[] | undefined, ignoreCase: boolean) => list?.map((p) => compileWildcard(p, { ignoreCase }));
    c = {};
    const action = comp(s.Action, true);
    const notAction = comp(s.NotAction, true);
    const resource = comp(s.Resource, false);
    const notResource = comp(s.NotResource, false);
    if (action) c.action = action;
    if (notAction) c.notAction = notAction;
    if (resource) c.resource = resource;
    if (notResource) c.notResource = notResource;
    compiledTargets.set(s, c);
  }
  return c;
}

/** Whether the target's action part selects `action`; with neither Action nor NotAction it selects none. */
export function actionPart(c: CompiledTarget, action: string): boolean {
  if (c.action === undefined && c.notAction === undefined) return false;
  return (c.action === undefined || c.action.some((m) => m(action))) && (c.notAction === undefined || !c.notAction.some((m) => m(action)));
}

/** Whether the target's resource part selects `resource`; with neither Resource nor NotResource it selects all. */
export function resourcePart(c: CompiledTarget, resource: string): boolean {
  return (c.resource === undefined || c.resource.some((m) => m(resource))) && (c.notResource === undefined || !c.notResource.some((m) => m(resource)));
}

function matchesTarget(s: EffectiveStatement, action: string, resource: string): boolean {
  const c = compiledTarget(s);
  return actionPart(c, action) && resourcePart(c, resource);
}

/** Whether a statement applies to the request's action and resource, ignoring its Condition. */
export function statementCovers(s: EffectiveStatement, action: string, resource: string): boolean {
  return matchesTarget(s, action, resource);
}
