/**
 * Torn writes: replaces files so that, after a failure or a power loss, each is either the old
 * file whole or the new one whole. Bundle outputs and the loader's cache both write through here.
 * Node only.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicFile {
  path: string;
  bytes: Uint8Array;
}

/** The rename itself must survive a power loss; best effort where folders cannot be opened (Windows). */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (handle) await handle.sync().catch(() => undefined).finally(() => handle.close());
}

/**
 * Writes every file completely to a temporary name beside it (mode 0644 less the umask) and
 * syncs it, then renames all of them into place and syncs their folders, so a failure before the
 * renames leaves every previous file as it was. The folders must exist. Errors are thrown as the
 * file system gave them, after the temporary files are removed.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[]): Promise<void> {
  const temps: Array<{ tmp: string; target: string }> = [];
  try {
    for (const f of files) {
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${randomBytes(6).toString("hex")}.tmp`);
      temps.push({ tmp, target: f.path });
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
    throw e;
  }
  for (const dir of new Set(files.map((f) => dirname(f.path)))) await syncFolder(dir);
}
