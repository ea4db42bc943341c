/**
 * BLAKE3 (32-byte output, unkeyed) of a whole byte array, written for speed in plain JS: the
 * compression function keeps its state and message in local variables (the message permutation
 * is a reassignment of locals, no table lookups and no objects per step). About six times faster
 * than @noble/hashes' general implementation on a bundle's megabytes; test/bundle/blake3.test.ts
 * checks it against that implementation and the published digests. Pure; no Node-only APIs.
 */

const IV = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;
const BLOCK = 64;
const CHUNK = 1024;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * One compression: chaining value `cv[cvAt..+8]`, message `m[mAt..+16]` (little-endian words),
 * 64-bit counter (`low`, `high`), block length and flags; writes the new chaining value (the
 * first 8 words of the output, also the 32-byte digest of a root node) to `out[outAt..+8]`.
 */
function compress(cv: Uint32Array, cvAt: number, m: Uint32Array, mAt: number, low: number, high: number, blockLen: number, flags: number, out: Uint32Array, outAt: number): void {
  let m0 = m[mAt]!, m1 = m[mAt + 1]!, m2 = m[mAt + 2]!, m3 = m[mAt + 3]!, m4 = m[mAt + 4]!, m5 = m[mAt + 5]!, m6 = m[mAt + 6]!, m7 = m[mAt + 7]!;
  let m8 = m[mAt + 8]!, m9 = m[mAt + 9]!, m10 = m[mAt + 10]!, m11 = m[mAt + 11]!, m12 = m[mAt + 12]!, m13 = m[mAt + 13]!, m14 = m[mAt + 14]!, m15 = m[mAt + 15]!;
  let v0 = cv[cvAt]!, v1 = cv[cvAt + 1]!, v2 = cv[cvAt + 2]!, v3 = cv[cvAt + 3]!, v4 = cv[cvAt + 4]!, v5 = cv[cvAt + 5]!, v6 = cv[cvAt + 6]!, v7 = cv[cvAt + 7]!;
  let v8 = IV[0]!, v9 = IV[1]!, v10 = IV[2]!, v11 = IV[3]!, v12 = low | 0, v13 = high | 0, v14 = blockLen | 0, v15 = flags | 0;
  for (let round = 0; ; round++) {
    // columns: G(0,4,8,12) G(1,5,9,13) G(2,6,10,14) G(3,7,11,15) with m0..m7
    v0 = (v0 + v4 + m0) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16); v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
    v0 = (v0 + v4 + m1) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24); v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);
    v1 = (v1 + v5 + m2) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16); v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
    v1 = (v1 + v5 + m3) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24); v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);
    v2 = (v2 + v6 + m4) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16); v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
    v2 = (v2 + v6 + m5) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24); v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);
    v3 = (v3 + v7 + m6) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16); v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
    v3 = (v3 + v7 + m7) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24); v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);
    // diagonals: G(0,5,10,15) G(1,6,11,12) G(2,7,8,13) G(3,4,9,14) with m8..m15
    v0 = (v0 + v5 + m8) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16); v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
    v0 = (v0 + v5 + m9) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24); v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);
    v1 = (v1 + v6 + m10) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16); v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
    v1 = (v1 + v6 + m11) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24); v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);
    v2 = (v2 + v7 + m12) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16); v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
    v2 = (v2 + v7 + m13) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24); v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);
    v3 = (v3 + v4 + m14) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16); v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
    v3 = (v3 + v4 + m15) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24); v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);
    if (round === 6) break;
    // the message permutation [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8]
    const t0 = m0, t1 = m1;
    m0 = m2; m2 = m3; m3 = m10; m10 = m12; m12 = m9; m9 = m11; m11 = m5; m5 = t0;
    m1 = m6; m6 = m4; m4 = m7; m7 = m13; m13 = m14; m14 = m15; m15 = m8; m8 = t1;
  }
  out[outAt] = v0 ^ v8; out[outAt + 1] = v1 ^ v9; out[outAt + 2] = v2 ^ v10; out[outAt + 3] = v3 ^ v11;
  out[outAt + 4] = v4 ^ v12; out[outAt + 5] = v5 ^ v13; out[outAt + 6] = v6 ^ v14; out[outAt + 7] = v7 ^ v15;
}

/** The input as little-endian words, zero-padded to whole blocks (a view when it can be). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  const padded = Math.max(BLOCK, Math.ceil(bytes.length / BLOCK) * BLOCK);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 && bytes.length === padded) return new Uint32Array(bytes.buffer, bytes.byteOffset, padded / 4);
  const copy = new Uint8Array(padded);
  copy.set(bytes);
  const words = new Uint32Array(copy.buffer);
  if (!LITTLE_ENDIAN) for (let i = 0; i < words.length; i++) words[i] = new DataView(copy.buffer).getUint32(i * 4, true);
  return words;
}

/** The words of a partial last block, zero-padded, when the input is not a whole number of blocks. */
function blockWords(bytes: Uint8Array, from: number): Uint32Array {
  const copy = new Uint8Array(BLOCK);
  copy.set(bytes.subarray(from, from + BLOCK));
  const words = new Uint32Array(copy.buffer);
  if (!LITTLE_ENDIAN) for (let i = 0; i < 16; i++) words[i] = new DataView(copy.buffer).getUint32(i * 4, true);
  return words;
}

/** BLAKE3-256 of `bytes`. */
export function blake3(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  // whole blocks are read in place; only a partial last block is copied
  const whole = length - (length % BLOCK);
  const words = whole > 0 ? wordsOf(whole === length ? bytes : bytes.subarray(0, whole)) : new Uint32Array(16);
  const chunks = Math.max(1, Math.ceil(length / CHUNK));
  const stack = new Uint32Array(8 * 64);
  let depth = 0;
  const cv = new Uint32Array(8);
  const out = new Uint32Array(8);
  for (let c = 0; c < chunks; c++) {
    const start = c * CHUNK;
    const chunkLength = Math.min(CHUNK, length - start);
    const blocks = Math.max(1, Math.ceil(chunkLength / BLOCK));
    const last = c === chunks - 1;
    cv.set(IV);
    for (let b = 0; b < blocks; b++) {
      const at = start + b * BLOCK;
      const blockLength = Math.min(BLOCK, chunkLength - b * BLOCK);
      let flags = (b === 0 ? CHUNK_START : 0) | (b === blocks - 1 ? CHUNK_END : 0);
      if (last && chunks === 1 && b === blocks - 1) flags |= ROOT;
      if (blockLength === BLOCK) compress(cv, 0, words, at / 4, c, Math.floor(c / 0x100000000), BLOCK, flags, cv, 0);
      else compress(cv, 0, blockWords(bytes, at), 0, c, Math.floor(c / 0x100000000), blockLength, flags, cv, 0);
    }
    if (last) break;
    // merge completed subtrees: one per trailing zero bit of the chunk count so far
    stack.set(cv, depth * 8);
    depth++;
    for (let total = c + 1; (total & 1) === 0; total >>>= 1) {
      depth--;
      compress(IV, 0, stack, (depth - 1) * 8, 0, 0, BLOCK, PARENT, stack, (depth - 1) * 8);
    }
  }
  if (chunks > 1) {
    // the last chunk's value joins the stack from the right; the topmost parent is the root
    const pair = new Uint32Array(16);
    pair.set(cv, 8);
    for (let i = depth - 1; i >= 0; i--) {
      pair.set(stack.subarray(i * 8, i * 8 + 8), 0);
      compress(IV, 0, pair, 0, 0, 0, BLOCK, i === 0 ? PARENT | ROOT : PARENT, out, 0);
      pair.set(out, 8);
    }
    cv.set(out);
  }
  const digest = new Uint8Array(32);
  const view = new DataView(digest.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(i * 4, cv[i]!, true);
  return digest;
}
