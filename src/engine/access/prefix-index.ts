/**
 * Items filed by a `/`-ended literal prefix of the strings they can match: `db://t1/c2/` for the
 * pattern `db://t1/c2/*` or `db://t1/c2/doc`, "" (the root) for `*`. A lookup walks the value once
 * and answers what was made, once, of the items of the root and of every prefix the value really
 * has, in the order they were added; so its cost follows the value, not the number of items.
 *
 * Prefixes sit by a hash of their characters; a node keeps
 * its prefix and is only taken once the value is checked to start with it, so a hash collision
 * costs a comparison and never mixes two prefixes. When sealed, each node's items are merged with
 * those of the root and of its shorter prefixes and made into a value, so a lookup answers the
 * value of the deepest node it meets, with no allocation. When that merging would copy too much
 * (many items under short prefixes and many long prefixes), a lookup merges and makes instead.
 */

/** What an index holds: items with a position, added in increasing position. */
export interface Positioned {
  readonly index: number;
}

interface PrefixNode<T, V> {
  readonly prefix: string;
  /** This prefix's own items. */
  readonly own: T[];
  /** Made of the root's, the shorter prefixes' and its own items (once sealed and merged). */
  value: V | undefined;
  /** Another prefix with the same hash. */
  readonly next: PrefixNode<T, V> | undefined;
}

/** Entries merging when sealed may copy beyond eight per item. */
const MERGE_BUDGET = 4096;

const SLASH = 47;

/** Hash step over UTF-16 code units, kept to 30 bits so that map keys stay small integers. */
const step = (hash: number, code: number): number => (Math.imul(hash, 31) + code) & 0x3fffffff;

export interface PrefixIndex<T, V> {
  /** Files `item` under `prefix`, which is "" or ends with `/`. Items come in increasing position. */
  add(prefix: string, item: T): void;
  /**
   * Done adding: makes the value of each node from its merged items, unless merging would copy
   * more than eight entries per item (plus a few thousand): then lookups merge instead.
   */
  seal(): void;
  /** What `make` made of the items of the root and of every prefix of `value`. */
  lookup(value: string): V;
}

/** `make` turns the items a lookup meets, in order, into what the lookup answers. */
export function prefixIndex<T extends Positioned, V>(make: (items: readonly T[]) => V): PrefixIndex<T, V> {
  /** Items filed under "": candidates for every value. */
  const root: T[] = [];
  /** Nodes by the hash of their prefix, and in the order they were made. */
  const byHash = new Map<number, PrefixNode<T, V>>();
  const nodes: PrefixNode<T, V>[] = [];
  /** The most `/` in a prefix: a walk stops there. */
  let maxDepth = 0;
  /** Made of the root's items, for values with no node. */
  let rootValue: V;
  /** Whether nodes hold their values. */
  let merged = false;

  /** The nodes whose prefix `value` starts with, shortest first. */
  const along = (value: string): PrefixNode<T, V>[] => {
    const found: PrefixNode<T, V>[] = [];
    let hash = 0;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      hash = step(hash, code);
      let node = code === SLASH ? byHash.get(hash) : undefined;
      while (node !== undefined && !isPrefix(node.prefix, value, i + 1)) node = node.next;
      if (node !== undefined) found.push(node);
    }
    return found;
  };
  /** The items of the root and of every node whose prefix `value` starts with, in order. */
  const itemsAlong = (value: string): T[] => [root, ...along(value).map((node) => node.own)].flat().sort((a, b) => a.index - b.index);

  return {
    add(prefix, item) {
      if (prefix === "") return void root.push(item);
      let hash = 0;
      let depth = 0;
      for (let i = 0; i < prefix.length; i++) {
        const code = prefix.charCodeAt(i);
        hash = step(hash, code);
        if (code === SLASH) depth++;
      }
      maxDepth = Math.max(maxDepth, depth);
      let node = byHash.get(hash);
      while (node !== undefined && node.prefix !== prefix) node = node.next;
      if (node !== undefined) return void node.own.push(item);
      node = { prefix, own: [item], value: undefined, next: byHash.get(hash) };
      byHash.set(hash, node);
      nodes.push(node);
    },

    seal() {
      rootValue = make(root);
      let budget = MERGE_BUDGET + 8 * nodes.reduce((sum, node) => sum + node.own.length, root.length);
      for (const node of nodes) {
        const items = itemsAlong(node.prefix);
        if ((budget -= items.length) < 0) return nodes.forEach((n) => (n.value = undefined));
        node.value = make(items);
      }
      merged = true;
    },

    lookup(value) {
      if (!merged) return make(itemsAlong(value));
      // the deepest node met already holds everything above it: find the deepest hash that has a
      // node, then check that node's prefix (one comparison), or walk again checking each prefix
      let deepest: PrefixNode<T, V> | undefined;
      let length = 0;
      let hash = 0;
      for (let i = 0, depth = 0; i < value.length && depth < maxDepth; i++) {
        const code = value.charCodeAt(i);
        hash = step(hash, code);
        if (code !== SLASH) continue;
        depth++;
        const node = byHash.get(hash);
        if (node === undefined) continue;
        deepest = node;
        length = i + 1;
      }
      if (deepest === undefined) return rootValue;
      if (deepest.next === undefined && isPrefix(deepest.prefix, value, length)) return deepest.value as V;
      return along(value).pop()?.value ?? rootValue;
    },
  };
}

/** Whether `value` starts with `prefix`, which is `length` long. */
function isPrefix(prefix: string, value: string, length: number): boolean {
  // `lastIndexOf(prefix, 0)` looks at position 0 only: a `startsWith` that V8 runs faster
  return prefix.length === length && value.lastIndexOf(prefix, 0) === 0;
}

/**
 * The prefix every string matching any of `patterns` starts with, cut back to its last `/`: the
 * common part of their literal heads (the text before the first `*` or `?`); "" when there is none.
 */
export function commonPrefix(patterns: readonly string[]): string {
  let common: string | undefined;
  for (const p of patterns) {
    const head = p.split(/[*?]/, 1)[0] as string;
    let n = 0;
    common ??= head;
    while (n < common.length && n < head.length && common.charCodeAt(n) === head.charCodeAt(n)) n++;
    common = common.slice(0, n);
  }
  return common?.slice(0, common.lastIndexOf("/") + 1) ?? "";
}
