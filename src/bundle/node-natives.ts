/**
 * Node's native hashes and codecs under the pure bundle core, for the build side: a build signs
 * and re-verifies megabytes, and @noble's SHA-256/512 and the pure base64 and UTF-8 readers are
 * many times slower than Node's. Every native one gives the same result as the pure one; where
 * the input is bad, the pure one runs and throws its own error.
 */
import { Buffer, isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { fromBase64, toBase64 } from "./base64.js";
import { utf8Decode } from "./bytes.js";
import { codecs } from "./codecs.js";
import { hashes } from "./digest.js";
import { ed } from "./ed25519.js";

function nativeDigest(algorithm: "sha256" | "sha512"): (bytes: Uint8Array) => Uint8Array<ArrayBuffer> {
  // a plain Uint8Array of its own (a Buffer may sit in a shared pool, and its slice does not copy)
  return (bytes) => new Uint8Array(createHash(algorithm).update(bytes).digest());
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
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
 * Makes the pure core's SHA-256 (digests, keyids), Ed25519's SHA-512 (signing and verifying hash
 * the whole signed message) and the envelope's base64 and UTF-8 codecs Node's native ones in this
 * process. Results and errors are unchanged; only their speed is.
 */
export function useNodeNatives(): void {
  hashes.sha256 = nativeDigest("sha256");
  ed.hashes.sha512 = nativeDigest("sha512");
  codecs.toBase64 = toBase64Native;
  codecs.fromBase64 = fromBase64Native;
  codecs.utf8Decode = utf8DecodeNative;
}
