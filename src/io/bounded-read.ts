/**
 * Reads a file under a byte cap, refusing it while reading rather than after, so a huge, growing
 * or endless file (a FIFO, /dev/zero, a /proc file that reports size 0) is never read whole.
 * Bundle files, policy files, key files and the loader's file sources all go through here; each
 * caller turns the result into its own error. Node only.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { Stats } from "node:fs";
import { open } from "node:fs/promises";

/** The bytes, or why there are none: over the cap (with the size the file system gave, if that told), or not a regular file. */
export type BoundedRead = { status: "ok"; bytes: Uint8Array } | { status: "too-large"; size?: number } | { status: "not-a-file" };

export interface BoundedReadOptions {
  /** Refuse anything but a regular file, checked on the file opened (a FIFO is not waited on). */
  regularFile?: boolean;
  /** Aborts between chunks, throwing the signal's reason. */
  signal?: AbortSignal;
}

const CHUNK = 64 * 1024;

/** A FIFO opened for reading waits for a writer unless opened non-blocking (no such flag on Windows). */
function flagsFor(options: BoundedReadOptions): number {
  return constants.O_RDONLY | (options.regularFile ? (constants.O_NONBLOCK ?? 0) : 0);
}

/** A folder cannot be opened on some platforms; that is "not a file" too. */
function isFolderError(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "EISDIR";
}

/**
 * The read loop, shared by the async and the sync reader: it yields a buffer to fill and is
 * resumed with the number of bytes read into it, until it returns the result.
 */
function* readLoop(stat: Stats, maxBytes: number, options: BoundedReadOptions): Generator<Uint8Array, BoundedRead, number> {
  options.signal?.throwIfAborted();
  if (options.regularFile && !stat.isFile()) return { status: "not-a-file" };
  // a regular file that says it is too large is not read at all
  if (stat.isFile() && stat.size > maxBytes) return { status: "too-large", size: stat.size };
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    // a regular file is read in one call for the size it says it has, then in chunks until the end
    // (it may have grown); never more than one byte past the cap
    const want = stat.isFile() && total < stat.size ? stat.size - total : CHUNK;
    const buffer = new Uint8Array(Math.min(want, maxBytes + 1 - total));
    const bytesRead: number = yield buffer;
    if (bytesRead === 0) break;
    total += bytesRead;
    // endless data: stop the moment the cap is passed
    if (total > maxBytes) return { status: "too-large" };
    chunks.push(buffer.subarray(0, bytesRead));
  }
  if (chunks.length === 1) return { status: "ok", bytes: chunks[0]! };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return { status: "ok", bytes };
}

/**
 * Reads at most `maxBytes` of `path`. Opening or reading errors are thrown as the file system
 * gave them (ENOENT, EACCES, …); the caller words them.
 *
 * @example
 * const read = await readBounded("acme.bundle.json", 16 * 1024 * 1024, { regularFile: true });
 * if (read.status !== "ok") throw new Error(`refused: ${read.status}`);
 */
export async function readBounded(path: string, maxBytes: number, options: BoundedReadOptions = {}): Promise<BoundedRead> {
  let handle;
  try {
    handle = await open(path, flagsFor(options));
  } catch (e) {
    if (options.regularFile && isFolderError(e)) return { status: "not-a-file" };
    throw e;
  }
  try {
    const loop = readLoop(await handle.stat(), maxBytes, options);
    for (let step = loop.next(); ; ) {
      if (step.done) return step.value;
      const { bytesRead } = await handle.read(step.value, 0, step.value.length, null);
      step = loop.next(bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** `readBounded` for synchronous callers (key files). */
export function readBoundedSync(path: string, maxBytes: number, options: Omit<BoundedReadOptions, "signal"> = {}): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, flagsFor(options));
  } catch (e) {
    if (options.regularFile && isFolderError(e)) return { status: "not-a-file" };
    throw e;
  }
  try {
    const loop = readLoop(fstatSync(fd), maxBytes, options);
    for (let step = loop.next(); ; ) {
      if (step.done) return step.value;
      step = loop.next(readSync(fd, step.value, 0, step.value.length, null));
    }
  } finally {
    closeSync(fd);
  }
}
