/**
 * Strict base64 (RFC 4648 §4) and base64url (RFC 4648 §5), without `atob`/`Buffer`, so the loader
 * runs in any runtime. Decoding is canonical: one string maps to one byte sequence (bad characters,
 * bad padding and non-zero trailing bits are rejected), so an encoded signature cannot be varied.
 * Malformed input throws `TypeError`; messages give offsets, never the input (it may be a key).
 */

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function decodeTable(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STD_TABLE = decodeTable(STD);
const URL_TABLE = decodeTable(URL_SAFE);

// UTF-8, the one encoding every runtime's TextDecoder has; base64 output is plain ASCII.
const ascii = new TextDecoder();

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("base64: expected a Uint8Array");
  const codes = new Uint8Array(alphabet.length);
  for (let i = 0; i < alphabet.length; i++) codes[i] = alphabet.charCodeAt(i);
  // Write ASCII codes into a byte array and decode once: concatenating strings is far slower
  // for multi-megabyte payloads.
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    out[o++] = codes[(n >> 6) & 63]!;
    out[o++] = codes[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = codes[n >> 18]!;
    out[o++] = codes[(n >> 12) & 63]!;
    if (rest === 2) out[o++] = codes[(n >> 6) & 63]!;
    if (pad) {
      out[o++] = 61;
      if (rest === 1) out[o++] = 61;
    }
  }
  return ascii.decode(out.subarray(0, o));
}

function decode(text: string, table: Int16Array, padding: "required" | "optional", name: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError(`${name}: expected a string`);
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const padCount = text.length - end;
  if (padCount > 2) throw new TypeError(`${name}: too much padding`);
  if (padding === "required" ? text.length % 4 !== 0 : padCount > 0 && text.length % 4 !== 0) {
    throw new TypeError(`${name}: length ${text.length} is not a multiple of 4`);
  }
  const tail = end % 4;
  if (tail === 1) throw new TypeError(`${name}: impossible length ${end}`);
  if (padCount > 0 && padCount !== (4 - tail) % 4) throw new TypeError(`${name}: wrong padding`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) throw new TypeError(`${name}: invalid character at offset ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Canonical form: the unused low bits of the last character must be zero.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw new TypeError(`${name}: non-zero trailing bits`);
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STD, true);
}

/** Strict standard base64: standard alphabet only, padding required, canonical trailing bits. */
export function fromBase64(text: string): Uint8Array {
  return decode(text, STD_TABLE, "required", "base64");
}

/** base64url (RFC 4648 §5) without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/** base64url, padding optional (when present it must be correct). */
export function fromBase64Url(text: string): Uint8Array {
  return decode(text, URL_TABLE, "optional", "base64url");
}

/**
 * DSSE fields: "either standard or URL-safe encoding is allowed" (DSSE envelope.md). Accepts
 * strict standard base64, or base64url with optional padding; a string mixing both alphabets is
 * rejected.
 */
export function fromBase64Either(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError("base64: expected a string");
  const std = /[+/]/.test(text);
  const url = /[-_]/.test(text);
  if (std && url) throw new TypeError("base64: mixes the standard and URL-safe alphabets");
  if (url) return fromBase64Url(text);
  if (text.length % 4 !== 0 && !text.endsWith("=")) return fromBase64Url(text);
  return fromBase64(text);
}
