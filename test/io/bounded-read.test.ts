/** The one size-capped reader: whole files under the cap, refusals over it, never a whole huge or endless file. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBounded, readBoundedSync } from "../../src/io/bounded-read.js";
import type { BoundedRead, BoundedReadOptions } from "../../src/io/bounded-read.js";

const dir = mkdtempSync(join(tmpdir(), "edict-bounded-"));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const readers: Array<[string, (path: string, max: number, options?: BoundedReadOptions) => Promise<BoundedRead>]> = [
  ["readBounded", readBounded],
  ["readBoundedSync", async (path, max, options) => readBoundedSync(path, max, options)],
];

describe.each(readers)("%s", (_, read) => {
  it("reads a file up to the cap whole, as plain bytes", async () => {
    const bytes = new Uint8Array(200_000).map((_, i) => i % 251);
    const r = await read(file("exact.bin", bytes), 200_000);
    expect(r.status).toBe("ok");
    const got = (r as { bytes: Uint8Array }).bytes;
    expect(got.constructor).toBe(Uint8Array);
    expect(Buffer.from(got).equals(bytes)).toBe(true);
    expect(await read(file("empty.bin", ""), 0)).toEqual({ status: "ok", bytes: new Uint8Array(0) });
  });

  it("reads a regular file of several chunks in one piece, exactly its bytes", async () => {
    const bytes = new Uint8Array(1_000_003).map((_, i) => (i * 7) % 256);
    const got = (await read(file("large.bin", bytes), 2_000_000)) as { status: "ok"; bytes: Uint8Array };
    expect(got.status).toBe("ok");
    expect(got.bytes.byteLength).toBe(bytes.length);
    expect(got.bytes.buffer.byteLength).toBe(bytes.length);
    expect(Buffer.from(got.bytes).equals(bytes)).toBe(true);
  });

  it.skipIf(!existsSync("/proc/self/status"))("reads a file whose size says 0 (a /proc file) to its end", async () => {
    const got = (await read("/proc/self/status", 1_000_000)) as { status: "ok"; bytes: Uint8Array };
    expect(got.status).toBe("ok");
    expect(Buffer.from(got.bytes).toString("utf8")).toMatch(/^Name:[\s\S]*\nPid:/);
  });

  it("refuses a regular file over the cap from its size, before reading it", async () => {
    expect(await read(file("over.bin", new Uint8Array(101)), 100)).toEqual({ status: "too-large", size: 101 });
  });

  it.skipIf(!existsSync("/dev/zero"))("endless data: stops the moment the cap is passed", async () => {
    expect(await read("/dev/zero", 100_000)).toEqual({ status: "too-large" });
  });

  it("with regularFile, refuses a folder and a FIFO without waiting for a writer", async () => {
    expect(await read(dir, 100, { regularFile: true })).toEqual({ status: "not-a-file" });
    if (process.platform !== "win32") {
      const fifo = join(dir, "fifo");
      if (!existsSync(fifo)) execFileSync("mkfifo", [fifo]);
      expect(await read(fifo, 100, { regularFile: true })).toEqual({ status: "not-a-file" });
    }
  });

  it("throws the file system's error for a missing file", async () => {
    await expect(read(join(dir, "missing"), 100)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("readBounded", () => {
  it("stops with the signal's reason once aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(readBounded(file("small.txt", "x"), 100, { signal: controller.signal })).rejects.toThrow("stop");
  });
});
