/**
 * The `/`-ended literal prefixes of a policy's Resource patterns (`db://t1/c2/` for `db://t1/c2/*`
 * or `db://t1/c2/doc`), numbered from 1; 0 stands for the root "", which every value has. Each
 * prefix knows its parent: the longest shorter prefix in the table (or the root). A lookup walks a
 * value once and answers the deepest prefix it really starts with; the parents of that one are
 * then every other prefix it has, so its cost follows the value, not the number of prefixes.
 *
 * Prefixes sit in an open-addressing table of typed arrays by a hash of their characters. A
 * lookup hashes the value's `/`-ended prefixes of the depths some prefix has, then from the
 * deepest takes the first prefix whose hash matches and whose characters it checks (usually one
 * comparison): a hash collision costs a comparison and never mixes two prefixes.
 */

const SLASH = 47;

/** Hash step over UTF-16 code units, kept to 30 bits (small integers). */
const step = (hash: number, code: number): number => (Math.imul(hash, 31) + code) & 0x3fffffff;

/** Slot of a hash in a table of 2^bits slots. */
const slotOf = (hash: number, bits: number): number => Math.imul(hash, 0x9e3779b1) >>> (32 - bits);

export interface PrefixTable {
  /** Adds `prefix` ("" or `/`-ended) when new. Only before {@link seal}. */
  add(prefix: string): void;
  /** Done adding: builds the hash table and the parents. */
  seal(): void;
  /** The number of a prefix added: 0 for "". */
  numberOf(prefix: string): number;
  /** The parent of each prefix by number (the root's is 0). */
  readonly parents: readonly number[];
  /** The deepest prefix `value` starts with; 0 when it has none. */
  deepest(value: string): number;
}

export function prefixTable(): PrefixTable {
  const prefixes = [""];
  const numbers = new Map<string, number>([["", 0]]);
  /** Pairs (hash, prefix number) by slot; number 0 marks an empty slot. */
  let slots = new Int32Array(2);
  let bits = 0;
  /** The most `/` in a prefix: a walk stops there. */
  let maxDepth = 0;
  /** Pairs (hash, length) of a value's prefixes, reused by every lookup. */
  const walk: number[] = [];

  const table: PrefixTable = {
    add(prefix) {
      if (numbers.has(prefix)) return;
      numbers.set(prefix, prefixes.push(prefix) - 1);
      maxDepth = Math.max(maxDepth, prefix.split("/").length - 1);
    },

    seal() {
      bits = 32 - Math.clz32(2 * prefixes.length);
      slots = new Int32Array(2 << bits);
      prefixes.forEach((prefix, n) => {
        let hash = 0;
        for (let i = 0; i < prefix.length; i++) hash = step(hash, prefix.charCodeAt(i));
        if (n === 0) return;
        let s = slotOf(hash, bits);
        while (slots[2 * s + 1] !== 0) s = (s + 1) & ((1 << bits) - 1);
        slots[2 * s] = hash;
        slots[2 * s + 1] = n;
      });
      // the parent: the deepest prefix of the prefix without its last `/`
      (table as { parents: readonly number[] }).parents = prefixes.map((prefix) => table.deepest(prefix.slice(0, -1)));
    },

    numberOf: (prefix) => numbers.get(prefix) as number,

    parents: [0],

    deepest(value) {
      let count = 0;
      for (let i = 0, hash = 0, depth = 0; i < value.length && depth < maxDepth; i++) {
        const code = value.charCodeAt(i);
        hash = step(hash, code);
        if (code === SLASH) {
          depth++;
          walk[count++] = hash;
          walk[count++] = i + 1;
        }
      }
      const mask = (1 << bits) - 1;
      while (count > 0) {
        const length = walk[--count] as number;
        const hash = walk[--count] as number;
        for (let s = slotOf(hash, bits), n = slots[2 * s + 1] as number; n !== 0; s = (s + 1) & mask, n = slots[2 * s + 1] as number) {
          const prefix = prefixes[n] as string;
          // `indexOf` stops at once when the prefix is there, the case that matters
          if (slots[2 * s] === hash && prefix.length === length && value.indexOf(prefix) === 0) return n;
        }
      }
      return 0;
    },
  };
  return table;
}
