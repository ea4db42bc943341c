/**
 * BLAKE3, kept apart from digest.ts so the runtime loader, which checks the signed SHA-256
 * digest only, does not carry a second hash function. The hash itself is blake3.ts.
 */
import { blake3 } from "./blake3.js";
import { assertBytes, toHex } from "./bytes.js";

/** Lowercase hex BLAKE3 (32-byte output) of `bytes`. */
export function blake3Hex(bytes: Uint8Array): string {
  assertBytes(bytes, "blake3");
  return toHex(blake3(bytes));
}
