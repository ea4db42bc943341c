/**
 * Bundle files on disk for the CLI and the Action (Node only; the loader never imports this):
 * reading a bundle file under a byte cap, and writing the bundle and its `.sha256` file so that a
 * failure leaves no half-written file behind.
 */
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { BundleRetrievalError } from "../bundle/errors.js";
import { DEFAULT_MAX_BUNDLE_BYTES } from "../bundle/verify-checks.js";
import { EdictError } from "../errors.js";
import { writeFilesAtomic } from "./atomic-write.js";
import { readBounded } from "./bounded-read.js";
import type { BoundedRead } from "./bounded-read.js";

function ioCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Reads a bundle file, refusing it (TOO_LARGE) as soon as more than `maxBytes` arrive, so a huge
 * or growing file is never read whole. A missing or unreadable file is NOT_FOUND / IO_ERROR.
 */
export async function readBundleFile(file: string, maxBytes: number = DEFAULT_MAX_BUNDLE_BYTES): Promise<Uint8Array> {
  let read: BoundedRead;
  try {
    read = await readBounded(file, maxBytes, { regularFile: true });
  } catch (e) {
    const code = ioCode(e);
    throw new EdictError(code === "ENOENT" ? "NOT_FOUND" : "IO_ERROR", `cannot read bundle ${file} (${code})`, { position: { file }, cause: e });
  }
  switch (read.status) {
    case "ok":
      return read.bytes;
    case "not-a-file":
      throw new EdictError("IO_ERROR", `${file} is not a regular file`, { position: { file } });
    case "too-large":
      throw new BundleRetrievalError(
        "TOO_LARGE",
        read.size === undefined ? `bundle ${file} is more than the limit of ${maxBytes} bytes` : `bundle ${file} is ${read.size} bytes, more than the limit of ${maxBytes} bytes`,
      );
  }
}

export interface OutputFile {
  /** A plain file name (no folders). */
  name: string;
  bytes: Uint8Array;
}

/**
 * Writes each file into `dir` (created if missing), all or nothing as far as renames allow (see
 * `writeFilesAtomic`): a failure part-way leaves the previous files as they were. Returns the
 * paths written.
 */
export async function writeOutputFiles(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  for (const f of files) {
    if (basename(f.name) !== f.name || f.name === "." || f.name === "..") throw new TypeError(`writeOutputFiles: ${JSON.stringify(f.name)} is not a plain file name`);
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new EdictError("IO_ERROR", `cannot create this output folder (${ioCode(e)})`, { position: { file: dir }, cause: e });
  }
  const targets = files.map((f) => join(dir, f.name));
  try {
    await writeFilesAtomic(files.map((f, i) => ({ path: targets[i]!, bytes: f.bytes })));
  } catch (e) {
    throw new EdictError("IO_ERROR", `cannot write into this folder (${ioCode(e)})`, { position: { file: dir }, cause: e });
  }
  return targets;
}
