/**
 * PEM armor (RFC 7468) and the few DER shapes Ed25519 keys use (RFC 8410). Pure; no Node-only
 * APIs. Malformed input throws `TypeError` with a message that never echoes the input.
 */
import { fromBase64, toBase64 } from "./base64.js";

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----/g;

/** True when the text contains a PEM BEGIN line. */
export function looksLikePem(text: string): boolean {
  return text.includes("-----BEGIN ");
}

/** Every PEM block in `text`; explanatory text around blocks is ignored (RFC 7468 §2). */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const label = m[1]!;
    if (m[3] !== label) throw new TypeError(`PEM: BEGIN ${label} ends with END ${m[3]}`);
    const body = m[2]!.replace(/[ \t\r\n]+/g, "");
    if (body.includes(":")) throw new TypeError(`PEM: ${label} has headers (legacy encrypted PEM is not supported)`);
    let der: Uint8Array;
    try {
      der = fromBase64(body);
    } catch (e) {
      throw new TypeError(`PEM: the body of ${label} is not valid base64`, { cause: e });
    }
    blocks.push({ label, der });
  }
  return blocks;
}

/** PEM armor with 64-character lines and a final newline, as openssl writes it. */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export interface Tlv {
  tag: number;
  /** The contents octets. */
  value: Uint8Array;
  /** Offset just past this element. */
  end: number;
}

/** Reads one DER element at `offset`: definite, minimally encoded lengths only. */
export function readTlv(buf: Uint8Array, offset: number): Tlv {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) throw new TypeError("DER: truncated");
  if ((tag & 0x1f) === 0x1f) throw new TypeError("DER: multi-byte tags are not supported");
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 2) throw new TypeError("DER: unsupported length encoding");
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = buf[start + i];
      if (b === undefined) throw new TypeError("DER: truncated");
      length = (length << 8) | b;
    }
    if (length < 0x80 || (count === 2 && length < 0x100)) throw new TypeError("DER: non-minimal length");
    start += count;
  }
  const end = start + length;
  if (end > buf.length) throw new TypeError("DER: truncated");
  return { tag, value: buf.subarray(start, end), end };
}
