/**
 * File-system I/O around bundle building and checking (Node only; the loader never imports this):
 * reading the working tree's raw bytes, reading a bundle file under a byte cap, and writing the
 * bundle and its `.sha256` file so that a failure leaves no half-written file behind.
 */
import { concatBytes } from "./bytes.js";
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EdictError } from "../errors.js";
import { listRepositoryPaths } from "../io/read-repository.js";
import type { RawFile } from "../model/repository.js";
import { MAX_FILE_BYTES } from "../model/source.js";
import { BundleRetrievalError } from "./errors.js";
import { DEFAULT_MAX_BUNDLE_BYTES } from "./verify.js";

function ioCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Every file edict reads under `root`, with its raw bytes (a file over the policy size cap is
 * replaced by cap + 1 bytes, so lint reports it without it being read whole).
 */
export async function readWorkingTreeFiles(root: string): Promise<RawFile[]> {
  try {
    await stat(root);
  } catch (e) {
    throw new EdictError("NOT_FOUND", `repository folder ${root} does not exist`, { cause: e });
  }
  const out: RawFile[] = [];
  for (const path of await listRepositoryPaths(root)) {
    const file = join(root, ...path.split("/"));
    try {
      const st = await stat(file);
      out.push({ path, bytes: st.size > MAX_FILE_BYTES ? new Uint8Array(MAX_FILE_BYTES + 1) : new Uint8Array(await readFile(file)) });
    } catch (e) {
      throw new EdictError("IO_ERROR", `cannot read ${path} (${ioCode(e)})`, { position: { file: path }, cause: e });
    }
  }
  return out;
}

/**
 * Reads a bundle file, refusing it (TOO_LARGE) as soon as more than `maxBytes` arrive, so a huge
 * or growing file is never read whole. A missing or unreadable file is NOT_FOUND / IO_ERROR.
 */
export async function readBundleFile(file: string, maxBytes: number = DEFAULT_MAX_BUNDLE_BYTES): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (e) {
    const code = ioCode(e);
    throw new EdictError(code === "ENOENT" ? "NOT_FOUND" : "IO_ERROR", `cannot read bundle ${file} (${code})`, { position: { file }, cause: e });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new EdictError("IO_ERROR", `${file} is not a regular file`, { position: { file } });
    if (st.size > maxBytes) throw new BundleRetrievalError("TOO_LARGE", `bundle ${file} is ${st.size} bytes, more than the limit of ${maxBytes} bytes`);
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(64 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      // endless data: stop reading the moment the cap is passed
      if (length > maxBytes) throw new BundleRetrievalError("TOO_LARGE", `bundle ${file} is more than the limit of ${maxBytes} bytes`);
    }
    return concatBytes(...chunks);
  } catch (e) {
    if (e instanceof EdictError || e instanceof BundleRetrievalError) throw e;
    throw new EdictError("IO_ERROR", `cannot read bundle ${file} (${ioCode(e)})`, { position: { file }, cause: e });
  } finally {
    await handle.close();
  }
}

export interface OutputFile {
  /** A plain file name (no folders). */
  name: string;
  bytes: Uint8Array;
}

/**
 * Writes each file into `dir` (created if missing): every file is first written completely to a
 * temporary name and synced, then all are renamed into place, so a failure part-way leaves the
 * previous files as they were. Returns the paths written.
 */
export async function writeOutputFiles(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  for (const f of files) {
    if (basename(f.name) !== f.name || f.name === "." || f.name === "..") throw new TypeError(`writeOutputFiles: ${JSON.stringify(f.name)} is not a plain file name`);
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new EdictError("IO_ERROR", `cannot create output folder ${dir} (${ioCode(e)})`, { position: { file: dir }, cause: e });
  }
  const temps: Array<{ tmp: string; target: string }> = [];
  try {
    for (const f of files) {
      const target = join(dir, f.name);
      const tmp = join(dirname(target), `.${f.name}.${randomBytes(6).toString("hex")}.tmp`);
      temps.push({ tmp, target });
      const handle = await open(tmp, "wx", 0o644);
      try {
        await handle.writeFile(f.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const { tmp, target } of temps) await rename(tmp, target);
  } catch (e) {
    await Promise.all(temps.map(({ tmp }) => rm(tmp, { force: true })));
    throw new EdictError("IO_ERROR", `cannot write into ${dir} (${ioCode(e)})`, { position: { file: dir }, cause: e });
  }
  return temps.map((t) => t.target);
}
