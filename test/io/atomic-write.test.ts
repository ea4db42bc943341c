/** The one atomic writer: files replaced whole or not at all, no temporary file left behind. */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFilesAtomic } from "../../src/io/atomic-write.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("writeFilesAtomic", () => {
  it("writes new files and replaces old ones, leaving no temporary file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-atomic-"));
    writeFileSync(join(dir, "b.txt"), "old");
    await writeFilesAtomic([
      { path: join(dir, "a.txt"), bytes: text("first") },
      { path: join(dir, "b.txt"), bytes: text("second") },
    ]);
    expect(readdirSync(dir).sort()).toEqual(["a.txt", "b.txt"]);
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("first");
    expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("second");
    if (process.platform !== "win32") expect(statSync(join(dir, "a.txt")).mode & 0o7022).toBe(0);
  });

  it("torn writes: a failure before the renames leaves every previous file as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-atomic-"));
    writeFileSync(join(dir, "a.txt"), "old");
    const error = await writeFilesAtomic([
      { path: join(dir, "a.txt"), bytes: text("new") },
      { path: join(dir, "missing", "b.txt"), bytes: text("new") },
    ]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ENOENT" });
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["a.txt"]);
  });
});
