/**
 * The `/`-ended literal prefixes of a policy's Resource patterns (`db://t1/c2/` for `db://t1/c2/*`
 * or `db://t1/c2/doc`), numbered from 1; 0 stands for the root "", which every value has. Each
 * prefix knows its parent: the longest shorter prefix in the table (or the root). A lookup walks a
 * value once and answers the deepest prefix it really starts with; the parents of that one are
 * then every other prefix it has, so its cost follows the value, not the number of prefixes.
 *
 * Prefixes sit in an open-addressing table of typed arrays by a hash of their characters. A
 * lookup takes the deepest prefix whose hash and length match and then checks its characters
 * (one comparison); a hash collision costs a second walk that checks each prefix, and never
 * mixes two prefixes.
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
  readonly parents: Int32Array;
  /** The deepest prefix `value` starts with; 0 when it has none. */
  deepest(value: string): number;
}

export function prefixTable(): PrefixTable {
  const prefixes = [""];
  const numbers = new Map<string, number>([["", 0]]);
  /** Pairs (hash, prefix number) by slot; number 0 marks an empty slot. */
  let slots = new Int32Array(0);
  let bits = 0;
  let mask = 0;
  /** Bit d set when some prefix has d + 1 `/` (depths from 32 up share the last bit). */
  let depths = 0;
  /** The most `/` in a prefix: a walk stops there. */
  let maxDepth = 0;
  /** Pairs (hash, length) of a value's prefixes, reused by every lookup. */
  let walk = new Int32Array(0);

  /** Whether `value` starts with prefix `n`, which is `length` long. */
  const starts = (n: number, value: string, length: number): boolean => {
    const prefix = prefixes[n] as string;
    // `indexOf` stops at once when the prefix is there, the case that matters
    return prefix.length === length && value.indexOf(prefix) === 0;
  };

  /** The walk that checks every prefix with a matching hash: after a collision. */
  const checked = (value: string): number => {
    let found = 0;
    let hash = 0;
    for (let i = 0, depth = 0; i < value.length && depth < maxDepth; i++) {
      const code = value.charCodeAt(i);
      hash = step(hash, code);
      if (code !== SLASH) continue;
      depth++;
      for (let s = slotOf(hash, bits), n = slots[2 * s + 1] as number; n !== 0; s = (s + 1) & mask, n = slots[2 * s + 1] as number) {
        if (slots[2 * s] === hash && starts(n, value, i + 1)) found = n;
      }
    }
    return found;
  };

  const table: PrefixTable = {
    add(prefix) {
      if (!numbers.has(prefix)) numbers.set(prefix, prefixes.push(prefix) - 1);
    },

    seal() {
      const count = prefixes.length;
      bits = Math.max(4, 32 - Math.clz32(2 * count));
      mask = (1 << bits) - 1;
      slots = new Int32Array(2 << bits);
      const parents = new Int32Array(count);
      for (let n = 1; n < count; n++) {
        const prefix = prefixes[n] as string;
        let hash = 0;
        let depth = 0;
        for (let i = 0; i < prefix.length; i++) {
          const code = prefix.charCodeAt(i);
          hash = step(hash, code);
          if (code === SLASH) depth++;
        }
        maxDepth = Math.max(maxDepth, depth);
        depths |= 1 << Math.min(depth - 1, 31);
        let s = slotOf(hash, bits);
        while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
        slots[2 * s] = hash;
        slots[2 * s + 1] = n;
        // the longest shorter `/`-ended prefix in the table
        for (let end = prefix.lastIndexOf("/", prefix.length - 2); end >= 0; end = prefix.lastIndexOf("/", end - 1)) {
          const parent = numbers.get(prefix.slice(0, end + 1));
          if (parent !== undefined) {
            parents[n] = parent;
            break;
          }
        }
      }
      walk = new Int32Array(2 * maxDepth);
      (table as { parents: Int32Array }).parents = parents;
    },

    numberOf: (prefix) => numbers.get(prefix) as number,

    parents: new Int32Array(1),

    deepest(value) {
      // the hash at each `/` of a depth some prefix has, then from the deepest: the first prefix
      // whose hash and length match, and one comparison of its characters
      let count = 0;
      let hash = 0;
      for (let i = 0, depth = 0; i < value.length && depth < maxDepth; i++) {
        const code = value.charCodeAt(i);
        hash = step(hash, code);
        if (code !== SLASH || ((depths >>> Math.min(depth++, 31)) & 1) === 0) continue;
        walk[count++] = hash;
        walk[count++] = i + 1;
      }
      while (count > 0) {
        const length = walk[--count] as number;
        const at = walk[--count] as number;
        for (let s = slotOf(at, bits), n = slots[2 * s + 1] as number; n !== 0; s = (s + 1) & mask, n = slots[2 * s + 1] as number) {
          if (slots[2 * s] === at) return starts(n, value, length) ? n : checked(value);
        }
      }
      return 0;
    },
  };
  return table;
}
