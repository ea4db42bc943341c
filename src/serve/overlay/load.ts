/**
 * Reading host overlay files: positioned parse and the policy schema, exactly as lint reads a
 * repository's policy files. Any problem is a CONFIG_ERROR at its file:line:col.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { EdictError } from "../../errors.js";
import { validatePolicyDocument } from "../../model/documents/index.js";
import { MAX_FILE_BYTES, parseSource } from "../../model/source.js";
import { overlayError, positionAt } from "./position.js";
import type { OverlayDocs, OverlayFile } from "./types.js";

/**
 * SHA-256 (hex) over the files' bytes in order, each framed by its length (8 bytes, big-endian)
 * so that moving bytes from one file to the next changes the digest.
 */
export function overlayDigest(contents: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const bytes of contents) {
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.length));
    hash.update(length);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

/** One overlay file from its bytes; throws at the first problem. */
export function parseOverlay(path: string, bytes: Uint8Array): OverlayFile {
  const source = parseSource(path, bytes);
  const problem = source.problems[0];
  if (problem) {
    const { line, column } = source.lines.position(problem.span[0]);
    throw new EdictError("CONFIG_ERROR", `overlay: ${problem.message}`, { position: { file: path, line, column } });
  }
  const validated = validatePolicyDocument(source.value);
  const issue = validated.issues[0];
  if (issue) {
    const more = validated.issues.length > 1 ? ` (and ${validated.issues.length - 1} more problem${validated.issues.length > 2 ? "s" : ""}; run edict lint on it)` : "";
    throw overlayError(source, issue.pointer, `overlay: ${issue.message}${more}`, issue.atKey);
  }
  if (!validated.value) throw new EdictError("CONFIG_ERROR", "overlay: not a policy document (expected apiVersion, kind, metadata and spec)", { position: positionAt(source, "") });
  return { path, bytes, source, document: validated.value };
}

/**
 * Reads and validates overlay files, in order. Throws EdictError: IO_ERROR when a file cannot be
 * read, CONFIG_ERROR (with file:line:col) when it is not a valid policy document.
 */
export async function loadOverlays(files: readonly string[]): Promise<OverlayDocs> {
  const out: OverlayFile[] = [];
  for (const path of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new EdictError("IO_ERROR", `overlay ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the --overlay path`, { position: { file: path }, cause: e });
    }
    if (bytes.length > MAX_FILE_BYTES) throw new EdictError("CONFIG_ERROR", `overlay: larger than ${MAX_FILE_BYTES} bytes`, { position: { file: path } });
    out.push(parseOverlay(path, bytes));
  }
  return { files: out, digest: overlayDigest(out.map((f) => f.bytes)) };
}
