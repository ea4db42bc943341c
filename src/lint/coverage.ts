/** Whether one statement's reach contains another's, for the effect rules. Sound, never a false yes. */
import { listCovers } from "./pattern-cover.js";
import type { StatementRef } from "./statements.js";

type Reach = Pick<StatementRef, "action" | "notAction" | "resource" | "notResource" | "condition">;

/**
 * Only an unconditional statement covers: a condition may hold for some requests only (a negated
 * operator holds even for requests without its key, an unknown one is an error), so a conditional
 * outer is never taken as covering.
 */
function unconditional(s: Reach): boolean {
  return !s.condition || Object.keys(s.condition).length === 0;
}

/** `outer` applies (unconditionally) to every request `inner` applies to. */
export function reachCovers(outer: Reach, inner: Reach): boolean {
  if (!unconditional(outer) || outer.notAction || outer.notResource || inner.notAction || inner.notResource) return false;
  if (!outer.action || !inner.action || !outer.resource || !inner.resource) return false;
  return listCovers(outer.action, inner.action, true) && listCovers(outer.resource, inner.resource, false);
}

/** `scheme://authority/` at the start of a pattern's literal head, or undefined. */
function resourceKey(pattern: string): string | undefined {
  const wildcard = pattern.search(/[*?]/);
  const head = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
  const sep = head.indexOf("://");
  if (sep < 0) return undefined;
  const slash = head.indexOf("/", sep + 3);
  return slash < 0 ? undefined : head.slice(0, slash + 1);
}

/** The lower-cased literal service of an action pattern, or undefined when a wildcard comes first. */
function serviceOf(pattern: string): string | undefined {
  const p = pattern.toLowerCase();
  const colon = p.indexOf(":");
  if (colon < 0) return undefined;
  const wildcard = p.search(/[*?]/);
  return wildcard >= 0 && wildcard < colon ? undefined : p.slice(0, colon);
}

/**
 * Candidate outer statements for `reachCovers(outer, inner)`, so rules need not test every pair.
 * Sound: if `g` covers `q`, the literal head of `g` is a prefix of `q` (a literal cannot match a
 * wildcard), so `q` has the same `scheme://authority/` key, and likewise for the action's service.
 * Candidates come back in the order the outers were given.
 */
export class CoverIndex<T extends Reach> {
  readonly #byKey = new Map<string, number[]>();
  readonly #outers: readonly T[];

  constructor(outers: readonly T[]) {
    this.#outers = outers;
    outers.forEach((o, i) => {
      if (!unconditional(o) || o.notAction || o.notResource || !o.action || !o.resource) return;
      const services = new Set(o.action.map((a) => serviceOf(a) ?? "*"));
      const keys = new Set(o.resource.map((r) => resourceKey(r) ?? "*"));
      for (const s of services) {
        for (const k of keys) {
          const key = `${s}\u0000${k}`;
          let list = this.#byKey.get(key);
          if (list === undefined) this.#byKey.set(key, (list = []));
          list.push(i);
        }
      }
    });
  }

  /** Outers that may cover `inner`, in their original order. */
  candidates(inner: Reach): T[] {
    if (inner.notAction || inner.notResource || !inner.action?.length || !inner.resource?.length) return [];
    const s = serviceOf(inner.action[0] as string);
    const k = resourceKey(inner.resource[0] as string);
    const lookups = new Set<string>();
    for (const ss of s === undefined ? ["*"] : [s, "*"]) for (const kk of k === undefined ? ["*"] : [k, "*"]) lookups.add(`${ss}\u0000${kk}`);
    if (s === undefined || k === undefined) {
      // a wildcard service or key-less resource: only a wildcard outer could cover it, but be simple and exact
      const all = new Set<number>();
      for (const [key, list] of this.#byKey) {
        const [ks, kr] = key.split("\u0000") as [string, string];
        if ((s === undefined || ks === s || ks === "*") && (k === undefined || kr === k || kr === "*")) for (const i of list) all.add(i);
      }
      return [...all].sort((a, b) => a - b).map((i) => this.#outers[i] as T);
    }
    const seen = new Set<number>();
    for (const key of lookups) for (const i of this.#byKey.get(key) ?? []) seen.add(i);
    return [...seen].sort((a, b) => a - b).map((i) => this.#outers[i] as T);
  }
}
