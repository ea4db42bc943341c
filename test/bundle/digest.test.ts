import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { blake3Hex } from "../../src/bundle/digest-blake3.js";
import { parseSha256sum, sha256Hex, toSha256sumLine } from "../../src/bundle/digest.js";
import { BundleIntegrityError } from "../../src/bundle/errors.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("digests", () => {
  it("sha256 matches FIPS 180-4 examples", () => {
    expect(sha256Hex(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(utf8("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("blake3 matches the reference test vectors", () => {
    expect(blake3Hex(new Uint8Array())).toBe("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    expect(blake3Hex(Uint8Array.of(0))).toBe("2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213");
  });

  it("throws TypeError for non-bytes", () => {
    expect(() => sha256Hex("abc" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => blake3Hex(null as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("sha256sum lines", () => {
  const hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  it("writes `<hex>  <name>\\n` and parses it back", () => {
    const line = toSha256sumLine(hex.toUpperCase(), "acme.bundle.json");
    expect(line).toBe(`${hex}  acme.bundle.json\n`);
    expect(parseSha256sum(line)).toEqual([{ sha256: hex, filename: "acme.bundle.json", binary: false }]);
  });

  it("parses binary mode, CRLF, blank lines and GNU escapes", () => {
    const text = `${hex} *bin.json\r\n\n\\${hex}  a\\\\b\\nc\n`;
    expect(parseSha256sum(text)).toEqual([
      { sha256: hex, filename: "bin.json", binary: true },
      { sha256: hex, filename: "a\\b\nc", binary: false },
    ]);
    expect(parseSha256sum(toSha256sumLine(hex, "x\\y\r\nz"))[0]?.filename).toBe("x\\y\r\nz");
  });

  it("rejects malformed lines with FORMAT_ERROR naming the line", () => {
    for (const text of [`${hex} x\n`, "abc  x\n", `ok\n`, `${hex}  \n`, `\\${hex}  a\\qb\n`]) {
      expect(() => parseSha256sum(text)).toThrow(BundleIntegrityError);
    }
    try {
      parseSha256sum(`${hex}  a\nnot a line\n`);
      expect.unreachable();
    } catch (e) {
      expect((e as BundleIntegrityError).code).toBe("FORMAT_ERROR");
      expect((e as Error).message).toMatch(/line 2/);
    }
    expect(() => toSha256sumLine("abc", "x")).toThrow(TypeError);
    expect(() => toSha256sumLine(hex, "")).toThrow(TypeError);
  });

  it.runIf(onPath("sha256sum"))("is byte-identical to GNU sha256sum and passes `sha256sum -c`", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edict-sha256sum-"));
    try {
      const names = ["acme.bundle.json", "back\\slash", "new\nline"];
      let ours = "";
      for (const name of names) {
        const data = utf8(`contents of ${name}`);
        fs.writeFileSync(path.join(dir, name), data);
        ours += toSha256sumLine(sha256Hex(data), name);
      }
      const theirs = execFileSync("sha256sum", ["--", ...names], { cwd: dir, encoding: "utf8" });
      expect(ours).toBe(theirs);
      fs.writeFileSync(path.join(dir, "SUMS"), ours);
      execFileSync("sha256sum", ["-c", "--strict", "SUMS"], { cwd: dir, stdio: "pipe" });
      expect(parseSha256sum(theirs).map((e) => e.filename)).toEqual(names);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
