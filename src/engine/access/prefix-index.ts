/**
 * The `/`-ended literal prefixes of a policy's Resource patterns (`db://t1/c2/` for `db://t1/c2/*`
 * or `db://t1/c2/doc`), numbered from 1; 0 stands for the root "", which every value has. Each
 * prefix knows its parent: the longest shorter prefix in the table (or the root). A lookup walks a
 * value once and answers the deepest prefix it really starts with; the parents of that one are
 * then every other prefix it has, so its cost follows the value, not the number of prefixes.
 *
 * A lookup may also be made among some prefixes only ({@link PrefixTable.mapOf}): each action's
 * plan keeps one over the prefixes it has statements under, so a decision reads a small table
 * of its own. Such prefixes sit in an open-addressing typed array by a hash of their characters.
 * A lookup first compares the characters all those prefixes start with (their head: `db://tenant-`
 * for `db://tenant-1/` and `db://tenant-2/c/`) once, then hashes the rest of the value's `/`-ended
 * prefixes of the depths some prefix has, and from the deepest takes the first prefix whose hash
 * and length match and whose characters after the head it checks (usually one comparison): a
 * hash collision costs a comparison and never mixes two prefixes.
 */

const SLASH = 47;

/** Hash step over UTF-16 code units, kept to 30 bits (small integers). */
const step = (hash: number, code: number): number => (Math.imul(hash, 31) + code) & 0x3fffffff;

/** The hash of the first `length` characters of `text`. */
function hashOf(text: string, length: number): number {
  let hash = 0;
  for (let i = 0; i < length; i++) hash = step(hash, text.charCodeAt(i));
  return hash;
}

/** Slot of a hash in a table of 2^bits slots. */
const slotOf = (hash: number, bits: number): number => Math.imul(hash, 0x9e3779b1) >>> (32 - bits);

/** The value kept for the deepest of some prefixes that a string starts with (see {@link PrefixTable.mapOf}). */
export type PrefixMap = (value: string) => number;

export interface PrefixTable {
  /** Adds `prefix` ("" or `/`-ended) when new; answers its number. Only before {@link seal}. */
  add(prefix: string): number;
  /** {@link add} of the first `length` characters of `text`, which are read in place (nothing is cut out of `text` for a prefix already added). */
  addHead(text: string, length: number): number;
  /** Done adding: lays the prefixes out for lookups and finds the parents. */
  seal(): void;
  /** The number of a prefix added: 0 for "". */
  numberOf(prefix: string): number;
  /** The parent of each prefix by number (the root's is 0). */
  readonly parents: readonly number[];
  /** The deepest prefix `value` starts with; 0 when it has none. After {@link seal}. */
  readonly deepest: PrefixMap;
  /**
   * A lookup among some prefixes only (after {@link seal}), by number, the root (0) among them,
   * answered when the string has none of the others; each prefix's value is its number or, when
   * `values` is given, the value it holds for it.
   */
  mapOf(numbers: Iterable<number>, values?: ReadonlyMap<number, number>): PrefixMap;
}

export function prefixTable(): PrefixTable {
  const prefixes = [""];
  /** Each prefix's hash by number, and the numbers by slot of their hash (0: an empty slot; the root is not in it). */
  const hashes = [0];
  let slots = new Int32Array(256);
  /** Every prefix's characters end to end (one flat string), and where each starts. */
  let pool = "";
  const at: number[] = [];
  /**
   * Pairs (hash, length) of a string's `/`-ended prefixes, reused by every walk (a lookup's and
   * seal's over each prefix for its parent); room for as many as the longest prefix has characters.
   */
  let trail = new Int32Array(0);

  /** The slot of the prefix with this hash that is the first `length` characters of `text`, or the empty slot where it would go. */
  const slotFor = (text: string, length: number, hash: number): number => {
    const bits = 31 - Math.clz32(slots.length);
    let s = slotOf(hash, bits);
    for (let n = slots[s] as number; n !== 0; n = slots[(s = (s + 1) & (slots.length - 1))] as number) {
      const prefix = prefixes[n] as string;
      if (hashes[n] === hash && prefix.length === length && text.startsWith(prefix)) break;
    }
    return s;
  };

  const table: PrefixTable = {
    add: (prefix) => table.addHead(prefix, prefix.length),

    addHead(text, length) {
      if (length === 0) return 0;
      const hash = hashOf(text, length);
      const s = slotFor(text, length, hash);
      if (slots[s] !== 0) return slots[s] as number;
      const n = prefixes.push(text.slice(0, length)) - 1;
      hashes.push(hash);
      slots[s] = n;
      // at most half full: grown by rehashing every prefix
      if (2 * n > slots.length) {
        slots = new Int32Array(2 * slots.length);
        for (let m = 1; m <= n; m++) slots[slotFor(prefixes[m] as string, (prefixes[m] as string).length, hashes[m] as number)] = m;
      }
      return n;
    },

    seal() {
      let start = 0;
      let longest = 0;
      for (const prefix of prefixes) {
        at.push(start);
        start += prefix.length;
        longest = Math.max(longest, prefix.length);
      }
      pool = prefixes.join("");
      trail = new Int32Array(2 * longest);
      const self = table as { parents: readonly number[]; deepest: PrefixMap };
      // made on its first use (lookups among every prefix are for tests and tools)
      self.deepest = (value) => (self.deepest = table.mapOf(prefixes.keys()))(value);
      // the parent: the longest prefix in the table that the prefix without its last `/` starts with
      self.parents = prefixes.map((prefix) => {
        let count = 0;
        for (let i = 0, hash = 0; i < prefix.length - 1; i++) {
          const code = prefix.charCodeAt(i);
          hash = step(hash, code);
          if (code === SLASH) {
            trail[count++] = hash;
            trail[count++] = i + 1;
          }
        }
        while (count > 0) {
          const length = trail[--count] as number;
          const parent = slots[slotFor(prefix, length, trail[--count] as number)] as number;
          if (parent !== 0) return parent;
        }
        return 0;
      });
    },

    // "" is in no slot: its slot is empty (0)
    numberOf: (prefix) => slots[slotFor(prefix, prefix.length, hashOf(prefix, prefix.length))] as number,

    parents: [0],

    deepest: () => 0,

    mapOf(list, values) {
      const chosen = [...list];
      const valueOf = (n: number): number => values?.get(n) ?? n;
      const bits = 32 - Math.clz32(2 * chosen.length);
      const mask = (1 << bits) - 1;
      /** Quads (hash, value, start in the pool, length) by slot; length 0 marks an empty slot. */
      const quads = new Int32Array(4 << bits);
      /** Bit d (31: d or more) when some prefix has d `/`: a walk records only those depths. */
      let depths = 0;
      let most = 0;
      /** The head: the first `common` characters, which every prefix but the root has (those of prefix `first`) short of its last. */
      let first = -1;
      let common = 0;
      for (const n of chosen) {
        if (n === 0) continue;
        const prefix = prefixes[n] as string;
        let hash = 0;
        let depth = 0;
        for (let i = 0; i < prefix.length; i++) {
          const code = prefix.charCodeAt(i);
          hash = step(hash, code);
          if (code === SLASH) depth++;
        }
        depths |= 1 << Math.min(depth, 31);
        most = Math.max(most, depth);
        if (first < 0) [first, common] = [n, prefix.length];
        const firstText = prefixes[first] as string;
        // a prefix's last character (its `/`) stays out of the head, where a walk does not look
        common = Math.min(common, prefix.length - 1);
        for (let i = 0; i < common; i++) if (prefix.charCodeAt(i) !== firstText.charCodeAt(i)) common = i;
        let s = slotOf(hash, bits);
        while (quads[4 * s + 3] !== 0) s = (s + 1) & mask;
        quads[4 * s] = hash;
        quads[4 * s + 1] = valueOf(n);
        quads[4 * s + 2] = at[n] as number;
        quads[4 * s + 3] = prefix.length;
      }
      const head = first < 0 ? "" : (prefixes[first] as string).slice(0, common);
      const state = {
        quads,
        mask,
        shift: 32 - bits,
        root: valueOf(0),
        wanted: depths,
        deepest: most,
        common,
        headAt: first < 0 ? 0 : (at[first] as number),
        headHash: hashOf(head, common),
        headDepth: head.split("/").length - 1,
        pairs: trail,
        pool,
      };
      return (value) => {
        // read once into locals: the optimiser reloads (and checks) closure variables on every use
        const { quads: q, mask: m, shift: sh, wanted: w, deepest: d, common: skip, headAt: from, pairs: p, pool: u } = state;
        // the head, compared once: a value without it has none of the prefixes
        if (value.length < skip) return state.root;
        for (let i = 0; i < skip; i++) if (value.charCodeAt(i) !== u.charCodeAt(from + i)) return state.root;
        let count = 0;
        // then the rest hashed as `step` would (written out, as is `slotOf` below: the optimiser keeps this loop tight)
        for (let i = skip, hash = state.headHash, depth = state.headDepth; i < value.length; i++) {
          const code = value.charCodeAt(i);
          hash = (Math.imul(hash, 31) + code) & 0x3fffffff;
          // "/" (a literal: a module constant is reloaded and checked on every character)
          if (code === 47) {
            if ((w >>> (++depth < 31 ? depth : 31)) & 1) {
              p[count++] = hash;
              p[count++] = i + 1;
            }
            if (depth >= d) break;
          }
        }
        while (count > 0) {
          const length = p[--count] as number;
          const hash = p[--count] as number;
          for (let s = Math.imul(hash, 0x9e3779b1) >>> sh; q[4 * s + 3] !== 0; s = (s + 1) & m) {
            if (q[4 * s] !== hash || q[4 * s + 3] !== length) continue;
            // the characters after the head, from the end (where neighbouring prefixes differ)
            const start = q[4 * s + 2] as number;
            let i = length - 1;
            while (i >= skip && value.charCodeAt(i) === u.charCodeAt(start + i)) i--;
            if (i < skip) return q[4 * s + 1] as number;
          }
        }
        return state.root;
      };
    },
  };
  return table;
}
