/**
 * The one place that wires @noble/ed25519's synchronous API to @noble/hashes' SHA-512
 * (RFC 8032 §5.1). Internal: import `ed` from here, never "@noble/ed25519" directly.
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = sha512;

export { ed };

/**
 * How a message is signed with a 32-byte seed: @noble's Ed25519, unless a Node-side module
 * installs Node's native one (`useNodeNatives`), which gives the same signature (RFC 8032
 * signing is deterministic).
 */
export const signer: { sign: (message: Uint8Array, seed: Uint8Array) => Uint8Array } = {
  sign: (message, seed) => ed.sign(message, seed),
};
