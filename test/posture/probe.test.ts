import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardProbe, nodeProbe } from "../../src/posture/probe.js";
import { fakeProbe } from "./fake-probe.js";

const node = process.execPath;

describe("nodeProbe", () => {
  const probe = nodeProbe();

  it("answers a command's exit code and output, non-zero included", async () => {
    expect(await probe.run(node, ["-e", "process.stdout.write('hi')"], { timeoutMs: 10_000 })).toEqual({ code: 0, stdout: "hi" });
    expect(await probe.run(node, ["-e", "process.stdout.write('no');process.exit(3)"], { timeoutMs: 10_000 })).toEqual({ code: 3, stdout: "no" });
  });

  it("turns a command that times out into undefined, promptly", async () => {
    const started = Date.now();
    expect(await probe.run(node, ["-e", "setTimeout(() => {}, 20000)"], { timeoutMs: 300 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("turns a missing command into undefined", async () => {
    expect(await probe.run("edict-no-such-command-for-posture", [], { timeoutMs: 2000 })).toBeUndefined();
  });

  it("reads files and directories, and answers undefined or false for what is not there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-probe-"));
    writeFileSync(join(dir, "a.txt"), "héllo\n");
    expect(await probe.readFile(join(dir, "a.txt"))).toBe("héllo\n");
    expect(await probe.readFile(join(dir, "missing"))).toBeUndefined();
    expect(await probe.readFile(dir)).toBeUndefined();
    expect(await probe.readDir(dir)).toEqual(["a.txt"]);
    expect(await probe.readDir(join(dir, "missing"))).toBeUndefined();
    expect(await probe.exists(join(dir, "a.txt"))).toBe(true);
    expect(await probe.exists(join(dir, "missing"))).toBe(false);
  });

  it("reports the platform and, on POSIX, the uid", () => {
    expect(probe.platform).toBe(process.platform);
    if (typeof process.getuid === "function") expect(probe.uid).toBe(process.getuid());
  });
});

describe("guardProbe", () => {
  it("turns throws, rejections and hangs into unknown", async () => {
    const g = guardProbe(
      {
        ...fakeProbe({ commands: { hang: "hangs" } }),
        readFile: () => {
          throw new Error("x");
        },
        readDir: () => new Promise(() => undefined),
      },
      50,
    );
    expect(await g.readFile("/x")).toBeUndefined();
    expect(await g.readDir("/x")).toBeUndefined();
    expect(await g.run("hang", [], { timeoutMs: 10 })).toBeUndefined();
  });
});
