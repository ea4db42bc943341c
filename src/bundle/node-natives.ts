/**
 * Node's native hashes and codecs under the pure bundle core, for the build side: a build signs
 * and re-verifies megabytes, and @noble's SHA-256/512 and the pure base64 and UTF-8 readers are
 * many times slower than Node's. Every native one gives the same result as the pure one; where
 * the input is bad, the pure one runs and throws its own error.
 */
import { Buffer, isUtf8 } from "node:buffer";
import { createHash, createPrivateKey, sign } from "node:crypto";
import { fromBase64, toBase64 } from "./base64.js";
import { utf8Decode } from "./bytes.js";
import { codecs } from "./codecs.js";
import { hashes } from "./digest.js";
import { ed, signer } from "./ed25519.js";

function nativeDigest(algorithm: "sha256" | "sha512"): (bytes: Uint8Array) => Uint8Array<ArrayBuffer> {
  // a plain Uint8Array of its own (a Buffer may sit in a shared pool, and its slice does not copy)
  return (bytes) => new Uint8Array(createHash(algorithm).update(bytes).digest());
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

// RFC 8410: PKCS#8 of an Ed25519 seed is this prefix and the 32 bytes
const PKCS8_ED25519 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);

/** Ed25519 by OpenSSL: the signature @noble gives (RFC 8032 signing is deterministic), hashing the message once per pass without copying it. */
function signNative(message: Uint8Array, seed: Uint8Array): Uint8Array {
  const der = new Uint8Array(PKCS8_ED25519.length + 32);
  der.set(PKCS8_ED25519);
  der.set(seed, PKCS8_ED25519.length);
  const key = createPrivateKey({ key: Buffer.from(der.buffer), format: "der", type: "pkcs8" });
  der.fill(0);
  return new Uint8Array(sign(null, message, key));
}

/** `toBase64`: Buffer's encoder writes the same standard, padded base64. */
function toBase64Native(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) return toBase64(bytes);
  return bufferOf(bytes).toString("base64");
}

/**
 * `fromBase64`: Buffer's decoder is lenient, so its bytes count only when they encode back to the
 * very text (the one spelling strict base64 accepts); any other text goes to the strict decoder.
 */
function fromBase64Native(text: string): Uint8Array {
  if (typeof text !== "string") return fromBase64(text);
  const decoded = Buffer.from(text, "base64");
  if (decoded.toString("base64") !== text) return fromBase64(text);
  return new Uint8Array(decoded);
}

/** `utf8Decode`: valid UTF-8 decoded by Buffer (which keeps a byte-order mark too). */
function utf8DecodeNative(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || !isUtf8(bytes)) return utf8Decode(bytes);
  return bufferOf(bytes).toString("utf8");
}

/**
 * Makes the pure core's SHA-256 (digests, keyids), Ed25519 signing, Ed25519's SHA-512 (verifying
 * hashes the whole signed message) and the envelope's base64 and UTF-8 codecs Node's native ones
 * in this process. Results and errors are unchanged; only their speed is.
 */
export function useNodeNatives(): void {
  hashes.sha256 = nativeDigest("sha256");
  ed.hashes.sha512 = nativeDigest("sha512");
  signer.sign = signNative;
  codecs.toBase64 = toBase64Native;
  codecs.fromBase64 = fromBase64Native;
  codecs.utf8Decode = utf8DecodeNative;
}
