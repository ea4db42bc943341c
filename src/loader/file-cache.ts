/**
 * The loader's Node-only file module, loaded with `import()` only when a `cacheDir` or a file
 * source is used, so bundles for browsers and workers can leave it out.
 *
 * - `<dir>/<key>.bundle.json`: the exact bytes of the last verified bundle. The loader
 *   re-verifies them when read back; nothing here trusts them.
 * - `<dir>/<key>.serial`: the highest serial accepted and the SHA-256 of its bundle file, so a
 *   restart cannot be rolled back ("<serial> <sha256>\n").
 *
 * Writes are atomic: a temporary file in the same directory, fsync, rename, fsync the directory.
 */
import { mkdir, open, stat } from "node:fs/promises";
import { join } from "node:path";
import { BundleIntegrityError, BundleRetrievalError } from "../bundle/errors.js";
import { writeFilesAtomic } from "../io/atomic-write.js";
import { readBounded } from "../io/bounded-read.js";
import type { BoundedRead } from "../io/bounded-read.js";
import type { BundleCache, SerialFloor } from "./types.js";

const SERIAL_LINE = /^(\d{1,15})(?: ([0-9a-f]{64}))?\n?$/;
/** Far more than "<15 digits> <64 hex>\n". */
const MAX_SERIAL_FILE_BYTES = 1024;
// a byte-order mark is kept, so a file that starts with one is corrupted, as the line says
const SERIAL_TEXT = new TextDecoder("utf-8", { ignoreBOM: true });

function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "ENOENT";
}

/**
 * Reads at most `maxBytes` of a file, refusing a larger (or endless: a FIFO, /dev/zero) one
 * while reading rather than after; `signal` aborts between chunks.
 */
export async function readFileBounded(path: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const bytes = await readRegularFile(path, maxBytes, signal);
  if (bytes) return bytes;
  const read = await readBounded(path, maxBytes, { signal });
  if (read.status !== "ok") throw new BundleRetrievalError("TOO_LARGE", `${path}: more than the limit of ${maxBytes} bytes (endless data)`);
  return read.bytes;
}

/**
 * A regular file within the cap in three thread-pool round trips (stat, open, one read) instead
 * of five: the read asks for one byte more than the size the file had, so getting exactly that
 * size back is its end, with no read to find it. Undefined for anything else (another kind of
 * file, which is not opened here, a size over the cap, a file that changed in between), which
 * `readBounded` then reads and decides as always.
 */
async function readRegularFile(path: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > maxBytes) return undefined;
  const handle = await open(path);
  try {
    signal.throwIfAborted();
    const buffer = new Uint8Array(info.size + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead === info.size ? buffer.subarray(0, bytesRead) : undefined;
  } finally {
    // a file only read: nothing waits on its close
    handle.close().catch(() => undefined);
  }
}

/** Parses the serial floor file; a corrupted one is an error, never silently a floor of 0. */
export function parseSerialFloor(text: string, where: string): SerialFloor {
  const m = SERIAL_LINE.exec(text);
  if (!m) throw new BundleIntegrityError("FORMAT_ERROR", `${where}: expected "<serial> <sha256>", the highest serial accepted; the file is corrupted`);
  return m[2] === undefined ? { serial: Number(m[1]) } : { serial: Number(m[1]), sha256: m[2] };
}

export function toSerialFloorText(floor: SerialFloor): string {
  return floor.sha256 === undefined ? `${floor.serial}\n` : `${floor.serial} ${floor.sha256}\n`;
}

/** The cache of bundle `key` in `dir` (created on first write, mode 0700). */
export function openFileCache(dir: string, key: string, maxBytes: number): BundleCache {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) throw new TypeError(`cache key ${JSON.stringify(key)} is not a safe file name`);
  const bundlePath = join(dir, `${key}.bundle.json`);
  const serialPath = join(dir, `${key}.serial`);
  const ensureDir = (): Promise<unknown> => mkdir(dir, { recursive: true, mode: 0o700 });

  return {
    location: bundlePath,
    async readBundle() {
      try {
        return await readFileBounded(bundlePath, maxBytes, new AbortController().signal);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async writeBundle(bytes) {
      await ensureDir();
      await writeFilesAtomic([{ path: bundlePath, bytes }]);
    },
    async readSerialFloor() {
      let read: BoundedRead;
      try {
        read = await readBounded(serialPath, MAX_SERIAL_FILE_BYTES);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      // a file longer than any serial line is corrupted, and is not read whole
      return parseSerialFloor(read.status === "ok" ? SERIAL_TEXT.decode(read.bytes) : "", serialPath);
    },
    async writeSerialFloor(floor) {
      // another process sharing the directory may have gone higher meanwhile: never lower the file
      const current = await this.readSerialFloor().catch(() => undefined);
      if (current !== undefined && current.serial > floor.serial) return;
      await ensureDir();
      await writeFilesAtomic([{ path: serialPath, bytes: new TextEncoder().encode(toSerialFloorText(floor)) }]);
    },
  };
}
