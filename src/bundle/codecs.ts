/**
 * The byte codecs signing and verifying a bundle envelope go through: the pure ones of base64.ts
 * and bytes.ts, unless a Node-side module installs Node's native ones (`useNodeNatives` in
 * node-natives.ts), which give the same results and, on bad input, throw the same errors.
 */
import { fromBase64, toBase64 } from "./base64.js";
import { utf8Decode } from "./bytes.js";

export const codecs: {
  /** Standard base64 with padding. */
  toBase64: (bytes: Uint8Array) => string;
  /** Strict standard base64 (the one spelling toBase64 gives). */
  fromBase64: (text: string) => Uint8Array;
  /** Strict UTF-8, a byte-order mark kept. */
  utf8Decode: (bytes: Uint8Array) => string;
} = { toBase64, fromBase64, utf8Decode };
