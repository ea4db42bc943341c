/**
 * The loader's primitives: SHA-256 and Ed25519 from the runtime's WebCrypto (`crypto.subtle`:
 * Node ≥ 20, Deno, Bun, workers, current browsers), so it ships no hash or curve code, and a
 * strict base64 decoder that reads a payload straight from the file's bytes. Any failure here
 * refuses; nothing is ever accepted on error.
 */
import { utf8Encode } from "../bundle/bytes.js";

const ALGORITHM = { name: "Ed25519" };

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new TypeError("edict loader: this runtime has no WebCrypto (crypto.subtle) to verify bundles with");
  return s;
}

/** The WebCrypto key of a checked raw public key; a runtime without Ed25519 fails here, closed. */
export async function importPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  try {
    return await subtle().importKey("raw", raw as Uint8Array<ArrayBuffer>, ALGORITHM, false, ["verify"]);
  } catch (e) {
    throw new TypeError(`edict loader: this runtime's WebCrypto has no Ed25519 (${(e as Error).message})`, { cause: e });
  }
}

/** Whether `signature` is an Ed25519 signature of `message` under `key`; false for any malformed input. */
export async function verifyEd25519(key: CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  try {
    return signature.length === 64 && (await subtle().verify(ALGORITHM, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>));
  } catch {
    return false;
  }
}

/** Lowercase hex SHA-256 of `bytes`, computed by the runtime's WebCrypto. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle().digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The 6-bit value of each base64 byte (A–Z, a–z, 0–9, +, /); -1 for any other byte, padding included. */
const SEXTETS = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) SEXTETS[i < 26 ? i + 65 : i < 52 ? i + 71 : i < 62 ? i - 4 : i * 4 - 205] = i;

/**
 * Bytes of canonical standard base64 (RFC 4648 §4: padded, zero trailing bits, nothing else),
 * given as text or as its ASCII bytes; undefined for anything else, so one byte sequence has one
 * spelling. `head`, given the decoded length, names bytes to lay out before them in the same
 * buffer (the returned bytes are a view just after it), so a message that ends with them needs
 * no copy.
 */
export function fromCanonicalBase64(base64: string | Uint8Array, head?: (length: number) => Uint8Array): Uint8Array | undefined {
  const b = typeof base64 === "string" ? utf8Encode(base64) : base64;
  const n = b.length;
  const pad = b[n - 1] === 61 ? (b[n - 2] === 61 ? 2 : 1) : 0;
  if (n % 4 !== 0) return undefined;
  const before = head?.((n / 4) * 3 - pad) ?? [];
  const out = new Uint8Array(before.length + (n / 4) * 3 - pad);
  out.set(before);
  let word = 0;
  for (let i = 0, o = before.length; i < n; i += 4, o += 3) {
    // a byte outside the alphabet is -1, which makes the word negative; padding reads as zero bits
    word = (SEXTETS[b[i]!]! << 18) | (SEXTETS[b[i + 1]!]! << 12) | ((i + 4 === n && pad === 2 ? 0 : SEXTETS[b[i + 2]!]!) << 6) | (i + 4 === n && pad > 0 ? 0 : SEXTETS[b[i + 3]!]!);
    if (word < 0) return undefined;
    // writes past the end of a typed array are dropped: the padded group writes only its bytes
    out[o] = word >> 16;
    out[o + 1] = word >> 8;
    out[o + 2] = word;
  }
  // the bits a padded group leaves unused must be zero
  return word & ((1 << (8 * pad)) - 1) ? undefined : out.subarray(before.length);
}
