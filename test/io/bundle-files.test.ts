/** Bundle files on disk: reading under a cap with the CLI's error codes, writing the outputs atomically. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BundleRetrievalError } from "../../src/bundle/errors.js";
import { EdictError } from "../../src/errors.js";
import { readBundleFile, writeOutputFiles } from "../../src/io/bundle-files.js";

const dir = mkdtempSync(join(tmpdir(), "edict-bundle-files-"));

async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error & { code?: string },
  );
}

describe("readBundleFile", () => {
  it("reads a bundle file whole under the cap", async () => {
    writeFileSync(join(dir, "ok.bundle.json"), "{}");
    expect(await readBundleFile(join(dir, "ok.bundle.json"))).toEqual(new TextEncoder().encode("{}"));
  });

  it("refuses a missing file (NOT_FOUND), a folder (IO_ERROR) and a file over the cap (TOO_LARGE)", async () => {
    const missing = await failure(readBundleFile(join(dir, "none.bundle.json")));
    expect(missing).toBeInstanceOf(EdictError);
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toBe(`cannot read bundle ${join(dir, "none.bundle.json")} (ENOENT)`);
    const folder = join(dir, "folder.bundle.json");
    mkdirSync(folder, { recursive: true });
    const notFile = await failure(readBundleFile(folder));
    expect(notFile.code).toBe("IO_ERROR");
    expect(notFile.message).toBe(`${folder} is not a regular file`);
    writeFileSync(join(dir, "big.bundle.json"), new Uint8Array(11));
    const big = await failure(readBundleFile(join(dir, "big.bundle.json"), 10));
    expect(big).toBeInstanceOf(BundleRetrievalError);
    expect(big.code).toBe("TOO_LARGE");
    expect(big.message).toBe(`bundle ${join(dir, "big.bundle.json")} is 11 bytes, more than the limit of 10 bytes`);
  });
});

describe("writeOutputFiles", () => {
  it("creates the folder and writes every file, returning the paths", async () => {
    const out = join(dir, "out", "nested");
    const written = await writeOutputFiles(out, [
      { name: "a.bundle.json", bytes: new TextEncoder().encode("{}") },
      { name: "a.bundle.json.sha256", bytes: new TextEncoder().encode("x  a.bundle.json\n") },
    ]);
    expect(written).toEqual([join(out, "a.bundle.json"), join(out, "a.bundle.json.sha256")]);
    expect(readdirSync(out).sort()).toEqual(["a.bundle.json", "a.bundle.json.sha256"]);
    expect(readFileSync(join(out, "a.bundle.json"), "utf8")).toBe("{}");
  });

  it("refuses a name with folders (TypeError) and a folder it cannot create (IO_ERROR)", async () => {
    await expect(writeOutputFiles(dir, [{ name: "../x", bytes: new Uint8Array() }])).rejects.toThrow(TypeError);
    writeFileSync(join(dir, "a-file"), "");
    const e = await failure(writeOutputFiles(join(dir, "a-file", "out"), [{ name: "x", bytes: new Uint8Array() }]));
    expect(e).toBeInstanceOf(EdictError);
    expect(e.code).toBe("IO_ERROR");
    expect(e.message).toMatch(/^cannot create this output folder /);
  });
});
