/**
 * The loader's Node-only file module, loaded with `import()` only when a `cacheDir` or a file
 * source is used, so bundles for browsers and workers can leave it out (SPEC §8).
 *
 * - `<dir>/<key>.bundle.json`: the exact bytes of the last verified bundle. The loader
 *   re-verifies them when read back; nothing here trusts them.
 * - `<dir>/<key>.serial`: the highest serial accepted and the SHA-256 of its bundle file, so a
 *   restart cannot be rolled back ("<serial> <sha256>\n").
 *
 * Writes are atomic: a temporary file in the same directory, fsync, rename, fsync the directory.
 */
import { concatBytes } from "../bundle/bytes.js";
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { BundleIntegrityError, BundleRetrievalError } from "../bundle/errors.js";
import type { BundleCache, SerialFloor } from "./types.js";

const SERIAL_LINE = /^(\d{1,15})(?: ([0-9a-f]{64}))?\n?$/;
const CHUNK = 64 * 1024;

function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "ENOENT";
}

/**
 * Reads at most `maxBytes` of a file, refusing a larger (or endless: a FIFO, /dev/zero) one
 * while reading rather than after; `signal` aborts between chunks.
 */
export async function readFileBounded(path: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const buffer = new Uint8Array(Math.min(CHUNK, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) {
        throw new BundleRetrievalError("TOO_LARGE", `${path}: more than the limit of ${maxBytes} bytes (endless data)`);
      }
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return concatBytes(...chunks);
  } finally {
    await handle.close();
  }
}

/** Torn writes: the file is replaced whole or not at all, and is on disk before it is renamed in. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, dir: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o644);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  // the rename itself must survive a power loss; best effort where directories cannot be opened
  const d = await open(dir, "r").catch(() => undefined);
  if (d) await d.sync().catch(() => undefined).finally(() => d.close());
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
      await writeFileAtomic(bundlePath, bytes, dir);
    },
    async readSerialFloor() {
      let text: string;
      try {
        text = await readFile(serialPath, "utf8");
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      return parseSerialFloor(text, serialPath);
    },
    async writeSerialFloor(floor) {
      // another process sharing the directory may have gone higher meanwhile: never lower the file
      const current = await this.readSerialFloor().catch(() => undefined);
      if (current !== undefined && current.serial > floor.serial) return;
      await ensureDir();
      await writeFileAtomic(serialPath, new TextEncoder().encode(toSerialFloorText(floor)), dir);
    },
  };
}
