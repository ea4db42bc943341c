/**
 * Digests of canonical bytes (SHA-256, FIPS 180-4; BLAKE3) and the `sha256sum` line format that
 * `sha256sum -c` checks (GNU coreutils). Pure; no Node-only APIs.
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { assertBytes, toHex } from "./bytes.js";
import { BundleIntegrityError } from "./errors.js";

/**
 * The SHA-256 the pure core hashes with: @noble's, unless a Node-side module installs Node's
 * native one (`useNodeNatives` in node-natives.ts), which gives the same digests faster.
 */
export const hashes: { sha256: (bytes: Uint8Array) => Uint8Array } = { sha256: nobleSha256 };

export function sha256(bytes: Uint8Array): Uint8Array {
  assertBytes(bytes, "sha256");
  return hashes.sha256(bytes);
}

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

export interface Sha256sumEntry {
  /** Lowercase hex digest. */
  sha256: string;
  filename: string;
  /** The line used `*` (binary mode); the digest is the same either way. */
  binary: boolean;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * One `sha256sum` line: `<hex>  <filename>\n`. Names with a backslash, CR or LF are escaped the
 * way GNU `sha256sum` does (leading `\`, then `\\`, `\n`, `\r`), so `sha256sum -c` still reads them.
 *
 * @example toSha256sumLine(sha256Hex(bytes), "acme.bundle.json")
 */
export function toSha256sumLine(hex: string, filename: string): string {
  if (typeof hex !== "string" || !SHA256_HEX.test(hex)) throw new TypeError("sha256sum: expected 64 hex characters");
  if (typeof filename !== "string" || filename === "") throw new TypeError("sha256sum: expected a file name");
  if (/[\\\n\r]/.test(filename)) {
    const escaped = filename.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
    return `\\${hex.toLowerCase()}  ${escaped}\n`;
  }
  return `${hex.toLowerCase()}  ${filename}\n`;
}

function unescapeName(name: string, line: number): string {
  return name.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    if (c === "r") return "\r";
    throw new BundleIntegrityError("FORMAT_ERROR", `sha256sum line ${line}: bad escape in file name`);
  });
}

/**
 * Parses `sha256sum` output (text or binary mode, GNU escaping; blank lines skipped, CRLF
 * tolerated). Throws `BundleIntegrityError` FORMAT_ERROR naming the first bad line.
 */
export function parseSha256sum(text: string): Sha256sumEntry[] {
  if (typeof text !== "string") throw new TypeError("sha256sum: expected a string");
  const entries: Sha256sumEntry[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    const escaped = line.startsWith("\\");
    if (escaped) line = line.slice(1);
    const m = /^([0-9a-fA-F]{64}) ([ *])(.+)$/.exec(line);
    if (!m) {
      throw new BundleIntegrityError("FORMAT_ERROR", `sha256sum line ${n}: expected "<64 hex characters>  <file name>"`);
    }
    const name = m[3]!;
    entries.push({
      sha256: m[1]!.toLowerCase(),
      filename: escaped ? unescapeName(name, n) : name,
      binary: m[2] === "*",
    });
  });
  return entries;
}
