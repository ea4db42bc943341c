/**
 * The loader's pinned Ed25519 public keys: SPKI PEM (`edict keygen`, `openssl pkey
 * -pubout`), base64 of the raw 32 bytes, raw or SPKI DER bytes, or a `PublicKey` object: the same
 * forms and checks as `parsePublicKey`, without its private-key machinery or a curve library
 * (WebCrypto does the signature arithmetic), so the loader stays small. Unreadable keys throw
 * `BundleKeyError` (KEY_ERROR) naming what arrived, never its bytes.
 */
import { bytesEqual } from "../bundle/bytes.js";
import { BundleKeyError } from "../bundle/errors.js";
import { isRecord } from "../engine/record.js";
import { fromCanonicalBase64, importPublicKey, sha256Hex } from "./web-crypto.js";

/** A pinned key: its raw 32 bytes, keyid (`ed25519:` + 16 hex of SHA-256) and WebCrypto key. */
export interface TrustedKey {
  raw: Uint8Array;
  keyid: string;
  key: CryptoKey;
}

// RFC 8410 §4: SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING (32 bytes) }
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
const EXPECTED = "expected an Ed25519 SPKI PEM key (-----BEGIN PUBLIC KEY-----) or base64 of a raw 32-byte key";

const P = 2n ** 255n - 19n;
/** y of one order-8 point; the other order-8 points have y or p − y. */
const Y8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n;
/**
 * y of the eight small-order points (x follows from y and the sign bit): 0 (order 4), 1 (the
 * identity), p − 1 (order 2), and the two y of the order-8 points.
 */
const SMALL_ORDER_Y = [0n, 1n, P - 1n, Y8, P - Y8];

function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  for (base %= P; exponent > 0n; exponent >>= 1n, base = (base * base) % P) if (exponent & 1n) result = (result * base) % P;
  return result;
}

/** d = −121665/121666 mod p (RFC 8032 §5.1). */
const D = ((P - 121665n) * pow(121666n, P - 2n)) % P;

/**
 * Why 32 bytes are not a usable Ed25519 public key, or undefined: y must be below p, x² =
 * (y² − 1)/(d·y² + 1) must be a square, x = 0 needs a clear sign bit, and the point must not
 * have small order (a weak key verifies signatures on many messages).
 */
export function publicKeyProblem(raw: Uint8Array): string | undefined {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? raw[i]! & 0x7f : raw[i]!);
  const y2 = (y * y) % P;
  // x² = u/v, a square exactly when u·v is one (v = d·y² + 1 is never 0, as −1/d is no square), so no inverse is needed
  const u = (y2 - 1n + P) % P;
  if (y >= P || (u === 0n ? raw[31]! >> 7 : pow(u * (D * y2 + 1n), (P - 1n) / 2n) !== 1n)) return "the 32 bytes are not a valid Ed25519 point";
  return SMALL_ORDER_Y.includes(y) ? "small-order (weak) Ed25519 point" : undefined;
}

function keyError(index: number, message: string): BundleKeyError {
  return new BundleKeyError(`trustedKeys[${index}]: public key: ${message}`);
}

function rawBytes(input: unknown, index: number): Uint8Array {
  if (input instanceof Uint8Array) return input;
  // a PublicKey object
  if (isRecord(input) && input.algorithm === "ed25519" && input.bytes instanceof Uint8Array) return input.bytes;
  if (typeof input !== "string") throw keyError(index, `${EXPECTED}; got ${input === null ? "null" : typeof input}`);
  const text = input.trim();
  if (text.includes("-----BEGIN ")) {
    const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \1-----/g)];
    const keys = blocks.filter((b) => b[1] === "PUBLIC KEY");
    if (keys.length !== 1) {
      const labels = blocks.map((b) => `"${b[1]}"`);
      const hint = /PRIVATE KEY/.test(text) ? " (this is a private key: pass its public half, `openssl pkey -in KEY -pubout`)" : "";
      throw keyError(index, `${EXPECTED}; got ${labels.length === 0 ? "no PEM block" : `PEM block(s) ${labels.join(", ")}`}${hint}`);
    }
    const der = fromCanonicalBase64(keys[0]![2]!.replace(/\s+/g, ""));
    if (!der) throw keyError(index, "the body of the PUBLIC KEY block is not valid base64");
    return der;
  }
  // lenient base64 or base64url (keys are configuration, not attacker input)
  const std = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const bytes = /^ssh-ed25519 /.test(text) ? undefined : fromCanonicalBase64(std.padEnd(Math.ceil(std.length / 4) * 4, "="));
  if (text === "" || !bytes) throw keyError(index, `${EXPECTED}; got ${text === "" ? "empty text" : "text that is neither PEM nor base64"}`);
  return bytes;
}

/**
 * The raw 32 bytes of one pinned key, checked with `publicKeyProblem`.
 */
export function readTrustedKey(input: unknown, index: number): Uint8Array {
  let raw = rawBytes(input, index);
  if (raw.length !== 32) {
    if (raw.length !== 44 || !bytesEqual(raw.subarray(0, 12), SPKI_PREFIX)) {
      throw keyError(index, `${EXPECTED}; got ${raw.length} bytes${raw[0] === 0x30 ? " of another key type" : ""}`);
    }
    raw = raw.subarray(12);
  }
  const problem = publicKeyProblem(raw);
  if (problem) throw keyError(index, problem);
  return Uint8Array.from(raw);
}

/** Each distinct key once, in the order given. */
export function distinctKeys(raws: readonly Uint8Array[]): Uint8Array[] {
  return raws.filter((raw, i) => raws.findIndex((seen) => bytesEqual(seen, raw)) === i);
}

/** Pinned keys with their keyids, each distinct key once, in the order given. */
export async function withKeyids(raws: readonly Uint8Array[]): Promise<TrustedKey[]> {
  const keys: TrustedKey[] = [];
  for (const raw of distinctKeys(raws)) keys.push({ raw, keyid: `ed25519:${(await sha256Hex(raw)).slice(0, 16)}`, key: await importPublicKey(raw) });
  return keys;
}

