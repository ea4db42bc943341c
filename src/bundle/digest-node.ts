/**
 * SHA-256 and SHA-512 for the build side, by Node's native crypto: the same digests as the pure
 * @noble ones digest.ts and ed25519.ts use (which runtimes without Node keep), tens of times
 * faster on a bundle's megabytes.
 */
import { createHash } from "node:crypto";
import { assertBytes } from "./bytes.js";
import { hashes } from "./digest.js";
import { ed } from "./ed25519.js";

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256HexNative(bytes: Uint8Array): string {
  assertBytes(bytes, "sha256");
  return createHash("sha256").update(bytes).digest("hex");
}

function nativeDigest(algorithm: "sha256" | "sha512"): (bytes: Uint8Array) => Uint8Array<ArrayBuffer> {
  return (bytes) => {
    // a plain Uint8Array of its own (a Buffer may sit in a shared pool, and its slice does not copy)
    return new Uint8Array(createHash(algorithm).update(bytes).digest());
  };
}

/**
 * Makes the pure core's SHA-256 (digests, keyids) and Ed25519's SHA-512 (signing and verifying
 * hash the whole signed message) Node's native ones in this process. Digests and signatures are
 * unchanged; only their speed is.
 */
export function useNodeHashes(): void {
  hashes.sha256 = nativeDigest("sha256");
  ed.hashes.sha512 = nativeDigest("sha512");
}
