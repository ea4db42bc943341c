/**
 * Pack checksums: SHA-256 over the sorted list of
 * `<relative path>\0<sha256 of the file with CRLF normalised to LF>\n`, one line per file of
 * the pack, metadata included; shown as `sha256:<hex>`. Normalising line ends makes a checkout
 * with `core.autocrlf` hash the same as the committed file.
 */
import { createHash } from "node:crypto";

const CR = 0x0d;
const LF = 0x0a;

/** The bytes with every CRLF pair replaced by LF (a lone CR is kept). */
export function normaliseLineEnds(bytes: Uint8Array): Uint8Array {
  let crlf = 0;
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === CR && bytes[i + 1] === LF) crlf++;
  if (crlf === 0) return bytes;
  const out = new Uint8Array(bytes.length - crlf);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === CR && bytes[i + 1] === LF) continue;
    out[o++] = bytes[i]!;
  }
  return out;
}

/** Hex SHA-256 of a file's bytes after CRLF → LF: what the state file records per installed file. */
export function fileSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(normaliseLineEnds(bytes)).digest("hex");
}

export interface ChecksumInput {
  /** Path relative to the pack folder, forward slashes: `metadata.yaml`, `policies/01_x.yaml`. */
  path: string;
  bytes: Uint8Array;
}

/** `sha256:<hex>` of a pack's files (order of the input does not matter). */
export function packChecksum(files: Iterable<ChecksumInput>): string {
  const lines = [...files].map((f) => `${f.path}\0${fileSha256(f.bytes)}\n`);
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash("sha256");
  for (const line of lines) hash.update(line, "utf8");
  return `sha256:${hash.digest("hex")}`;
}
