/**
 * The one place that wires @noble/ed25519's synchronous API to @noble/hashes' SHA-512
 * (RFC 8032 §5.1). Internal: import `ed` from here, never "@noble/ed25519" directly.
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = sha512;

export { ed };
