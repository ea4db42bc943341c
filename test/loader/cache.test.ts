/** The file cache: exact verified bytes and the serial floor survive restarts; tampering is caught. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/digest.js";
import { utf8Encode } from "../../src/bundle/bytes.js";
import { openFileCache, parseSerialFloor, readFileBounded, toSerialFloorText } from "../../src/loader/file-cache.js";
import type { BundleError } from "../../src/loader/index.js";
import { BUNDLE_4, BUNDLE_5, BUNDLE_6, bundleWith, loaderTracker, optionsFor, rejectionOf, serveBytes, startServer } from "./helpers.js";
import type { TestServer } from "./helpers.js";

let server: TestServer;
let downUrl: string;
let dir: string;
const { track, closeAll } = loaderTracker();

beforeAll(async () => {
  server = await startServer();
  const down = await startServer();
  downUrl = down.url;
  await down.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "edict-loader-cache-"));
});
afterEach(() => {
  closeAll();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await server.close();
});

const bundleFile = (): string => join(dir, "acme.bundle.json");
const serialFile = (): string => join(dir, "acme.serial");

/** Loads `bytes` once through a loader with the cache, so the cache holds them. */
async function seedCache(bytes: Uint8Array): Promise<void> {
  server.handle = serveBytes(bytes);
  const loader = track(optionsFor(server.url, { cacheDir: dir }));
  await loader.load();
  loader.close();
}

describe("the cache", () => {
  it("keeps the exact verified bytes and the highest serial, written atomically", async () => {
    await seedCache(BUNDLE_4);
    expect(new Uint8Array(readFileSync(bundleFile()))).toEqual(BUNDLE_4);
    expect(readFileSync(serialFile(), "utf8")).toBe(`4 ${sha256Hex(BUNDLE_4)}\n`);
    expect(readdirSync(dir).sort()).toEqual(["acme.bundle.json", "acme.serial"]);
  });

  it("survives a restart: with the origin down, a new loader serves the re-verified cache and reports why", async () => {
    await seedCache(BUNDLE_5);
    const loader = track(optionsFor(downUrl, { cacheDir: dir }));
    const errors: BundleError[] = [];
    loader.on("error", (e) => errors.push(e));
    const engine = await loader.load();
    expect(engine.meta.serial).toBe(5);
    expect(engine.authorize({ action: "db:Select", resource: "db://production/users" }).decision).toBe("allow");
    expect(errors.map((e) => e.code)).toEqual(["FETCH_FAILED"]);
    expect(loader.status()).toMatchObject({ serial: 5, stale: true, lastSuccess: null, lastError: { code: "FETCH_FAILED" } });
  });

  it("tampering at rest: a corrupted cache file is detected, reported, ignored, and refetched", async () => {
    await seedCache(BUNDLE_4);
    const tampered = readFileSync(bundleFile());
    tampered[tampered.length - 20] = tampered[tampered.length - 20]! ^ 0x01;
    writeFileSync(bundleFile(), tampered);
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { cacheDir: dir }));
    const errors: BundleError[] = [];
    loader.on("error", (e) => errors.push(e));
    const engine = await loader.load();
    expect(engine.meta.serial).toBe(4);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^cache .*acme\.bundle\.json: .*ignoring it$/);
    expect(["FORMAT_ERROR", "SIGNATURE_ERROR"]).toContain(errors[0]!.code);
    expect(loader.status().lastError?.message).toMatch(/cache/);
    expect(new Uint8Array(readFileSync(bundleFile()))).toEqual(BUNDLE_4);
  });

  it("tampering at rest: a corrupted cache is never served, even with the origin down", async () => {
    await seedCache(BUNDLE_4);
    writeFileSync(bundleFile(), readFileSync(bundleFile(), "utf8").replace('"payload":"', '"payload":"A'));
    const loader = track(optionsFor(downUrl, { cacheDir: dir }));
    const e = await rejectionOf(loader.load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(loader.engine).toBeUndefined();
  });

  it("freeze: an expired cache is not served after a restart", async () => {
    await seedCache(BUNDLE_4);
    const loader = track(optionsFor(downUrl, { cacheDir: dir, now: () => new Date("2026-03-01T00:00:00Z") }));
    const codes: string[] = [];
    loader.on("error", (e) => codes.push(e.code));
    expect((await rejectionOf(loader.load())).code).toBe("FETCH_FAILED");
    expect(codes).toEqual(["EXPIRED", "FETCH_FAILED"]);
  });

  it("rollback across restarts: the serial floor survives, and an older bundle from the origin is refused", async () => {
    await seedCache(BUNDLE_5);
    rmSync(bundleFile());
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { cacheDir: dir }));
    const e = await rejectionOf(loader.load());
    expect(e.code).toBe("ROLLBACK");
    expect(e.message).toMatch(/serial 4 is below 5/);
  });

  it("rollback across restarts: with the cache intact, the older origin bundle is refused and the cache served", async () => {
    await seedCache(BUNDLE_5);
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { cacheDir: dir }));
    const engine = await loader.load();
    expect(engine.meta.serial).toBe(5);
    expect(loader.status().lastError?.code).toBe("ROLLBACK");
  });

  it("replay across restarts: another bundle with the persisted serial is refused", async () => {
    await seedCache(BUNDLE_5);
    rmSync(bundleFile());
    server.handle = serveBytes(bundleWith({ serial: 5, version: "9.9.9" }));
    expect((await rejectionOf(track(optionsFor(server.url, { cacheDir: dir })).load())).code).toBe("ROLLBACK");
  });

  it("rollback at rest: an older (validly signed) bundle swapped into the cache is refused", async () => {
    await seedCache(BUNDLE_6);
    writeFileSync(bundleFile(), BUNDLE_4);
    const loader = track(optionsFor(downUrl, { cacheDir: dir }));
    const codes: string[] = [];
    loader.on("error", (e) => codes.push(e.code));
    await rejectionOf(loader.load());
    expect(codes).toEqual(["ROLLBACK", "FETCH_FAILED"]);
  });

  it("a newer bundle replaces the cache and raises the floor", async () => {
    await seedCache(BUNDLE_4);
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { cacheDir: dir }));
    await loader.load();
    server.handle = serveBytes(BUNDLE_6);
    expect(await loader.refresh()).toBe(true);
    expect(new Uint8Array(readFileSync(bundleFile()))).toEqual(BUNDLE_6);
    expect(parseSerialFloor(readFileSync(serialFile(), "utf8"), "f")).toEqual({ serial: 6, sha256: sha256Hex(BUNDLE_6) });
  });

  it("a corrupted serial file is reported, and the verified cache's serial is the floor", async () => {
    await seedCache(BUNDLE_5);
    writeFileSync(serialFile(), "five\n");
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { cacheDir: dir }));
    const codes: string[] = [];
    loader.on("error", (e) => codes.push(e.code));
    const engine = await loader.load();
    expect(engine.meta.serial).toBe(5);
    expect(codes).toEqual(["FORMAT_ERROR", "ROLLBACK"]);
  });

  it("without expectedName, files are named after a hash of the source", async () => {
    server.handle = serveBytes(BUNDLE_4);
    await track(optionsFor(server.url, { cacheDir: dir, expectedName: undefined })).load();
    const key = `source-${sha256Hex(utf8Encode(server.url)).slice(0, 16)}`;
    expect(readdirSync(dir).sort()).toEqual([`${key}.bundle.json`, `${key}.serial`]);
  });
});

describe("file sources", () => {
  it("reads a bundle file through the file module", async () => {
    const path = join(dir, "release.bundle.json");
    writeFileSync(path, BUNDLE_4);
    const loader = track(optionsFor(path));
    expect((await loader.load()).meta.serial).toBe(4);
    expect(loader.status().source).toBe(path);
    writeFileSync(path, BUNDLE_5);
    expect(await loader.refresh()).toBe(true);
  });

  it("endless data: a file over maxBytes fails with TOO_LARGE while reading", async () => {
    const path = join(dir, "big.bundle.json");
    writeFileSync(path, new Uint8Array(300_000));
    expect((await rejectionOf(track(optionsFor(path, { maxBytes: 100_000 })).load())).code).toBe("TOO_LARGE");
    await expect(readFileBounded(path, 100_000, new AbortController().signal)).rejects.toMatchObject({ code: "TOO_LARGE" });
  });

  it("reads a file's exact bytes at the cap and below it, an empty file and a file whose size says nothing; refuses one byte more, endless data and a folder", async () => {
    const signal = new AbortController().signal;
    const path = join(dir, "exact.bin");
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 251);
    writeFileSync(path, bytes);
    expect(await readFileBounded(path, 70_000, signal)).toEqual(bytes);
    expect(await readFileBounded(path, 1_000_000, signal)).toEqual(bytes);
    await expect(readFileBounded(path, 69_999, signal)).rejects.toMatchObject({ code: "TOO_LARGE", message: `${path}: more than the limit of 69999 bytes (endless data)` });
    writeFileSync(path, new Uint8Array(0));
    expect(await readFileBounded(path, 10, signal)).toEqual(new Uint8Array(0));
    if (existsSync("/dev/zero")) await expect(readFileBounded("/dev/zero", 100_000, signal)).rejects.toMatchObject({ code: "TOO_LARGE" });
    // a regular file that says it is empty but is not
    if (existsSync("/proc/self/status")) expect(new TextDecoder().decode(await readFileBounded("/proc/self/status", 1_000_000, signal))).toMatch(/^Name:/);
    await expect(readFileBounded(dir, 1_000, signal)).rejects.toMatchObject({ code: "EISDIR" });
  });

  it("an aborted read throws the signal's reason", async () => {
    const path = join(dir, "aborted.bin");
    writeFileSync(path, new Uint8Array(10));
    const aborted = new AbortController();
    aborted.abort(new Error("stop"));
    await expect(readFileBounded(path, 100, aborted.signal)).rejects.toThrow("stop");
  });

  it("a missing file fails with FETCH_FAILED", async () => {
    const e = await rejectionOf(track(optionsFor(join(dir, "missing.bundle.json"))).load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toMatch(/ENOENT/);
  });
});

describe("file-cache.ts", () => {
  it("round-trips the serial floor and refuses malformed files", () => {
    const floor = { serial: 12, sha256: "a".repeat(64) };
    expect(parseSerialFloor(toSerialFloorText(floor), "f")).toEqual(floor);
    expect(parseSerialFloor("3\n", "f")).toEqual({ serial: 3 });
    for (const bad of ["", "-1\n", "3 xyz\n", "1e3\n", "3\n4\n"]) expect(() => parseSerialFloor(bad, "f"), bad).toThrow(/corrupted/);
  });

  it("never lowers the serial file, even when asked to", async () => {
    const cache = openFileCache(dir, "acme", 1_000_000);
    await cache.writeSerialFloor({ serial: 9, sha256: "b".repeat(64) });
    await cache.writeSerialFloor({ serial: 3, sha256: "c".repeat(64) });
    expect(await cache.readSerialFloor()).toEqual({ serial: 9, sha256: "b".repeat(64) });
    expect(await cache.readBundle()).toBeUndefined();
  });

  it("a serial file longer than any serial line is corrupted, and is not read whole", async () => {
    const cache = openFileCache(dir, "huge", 1_000_000);
    writeFileSync(join(dir, "huge.serial"), `9 ${"b".repeat(64)}\n${" ".repeat(2000)}`);
    await expect(cache.readSerialFloor()).rejects.toMatchObject({ code: "FORMAT_ERROR" });
    writeFileSync(join(dir, "huge.serial"), `\uFEFF9 ${"b".repeat(64)}\n`);
    await expect(cache.readSerialFloor()).rejects.toMatchObject({ code: "FORMAT_ERROR" });
  });

  it("path traversal: a cache key that is not a plain file name is refused", () => {
    for (const bad of ["../x", "a/b", "", ".hidden"]) expect(() => openFileCache(dir, bad, 10), bad).toThrow(TypeError);
  });
});

