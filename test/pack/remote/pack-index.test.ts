import { describe, expect, it } from "vitest";
import { envelopeFileName, parsePackIndex, toPackIndexBytes } from "../../../src/pack/remote/index.js";
import type { PackIndexEntry } from "../../../src/pack/remote/index.js";

const enc = new TextEncoder();
const sha = "a".repeat(64);

function entry(name: string, version: string, extra: Partial<PackIndexEntry> = {}): PackIndexEntry {
  return { name, version, layer: "foundation", description: `pack ${name}`, dependencies: [], url: envelopeFileName(name, version), sha256: sha, ...extra };
}

function problemOf(text: string): string | undefined {
  const parsed = parsePackIndex(enc.encode(text));
  return parsed.ok ? undefined : parsed.problem;
}

describe("pack index", () => {
  it("writes entries sorted by name then semantic version, and reads them back", () => {
    const bytes = toPackIndexBytes([entry("starter", "1.10.0"), entry("hipaa", "1.0.0", { dependencies: ["starter@^1.0.0"] }), entry("starter", "1.2.0")]);
    const parsed = parsePackIndex(bytes);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.index.packs.map((p) => `${p.name}@${p.version}`)).toEqual(["hipaa@1.0.0", "starter@1.2.0", "starter@1.10.0"]);
    expect(toPackIndexBytes(parsed.index.packs)).toEqual(bytes);
    const doc = JSON.parse(new TextDecoder().decode(bytes));
    expect(doc.format).toBe("edict.pack-index/v1");
    expect(Object.keys(doc.packs[0])).toEqual(["name", "version", "layer", "description", "dependencies", "url", "sha256"]);
  });

  it("names envelopes <name>-<version>.pack.json", () => {
    expect(envelopeFileName("starter", "1.0.0")).toBe("starter-1.0.0.pack.json");
  });

  it("refuses what is not an index", () => {
    expect(problemOf("<html>")).toMatch(/not strict JSON/);
    expect(problemOf('{"format":"edict.pack-index/v2","packs":[]}')).toMatch(/format/);
    expect(problemOf('{"format":"edict.pack-index/v1","packs":{}}')).toMatch(/packs must be a list/);
    expect(problemOf('{"format":"edict.pack-index/v1","packs":[],"packs":[]}')).toMatch(/duplicate key/);
  });

  it("refuses malformed entries, naming the field", () => {
    const one = (e: Record<string, unknown>) => problemOf(JSON.stringify({ format: "edict.pack-index/v1", packs: [{ ...entry("starter", "1.0.0"), ...e }] }));
    expect(one({ name: "../x" })).toMatch(/packs\[0\]\.name/);
    expect(one({ version: "one" })).toMatch(/packs\[0\]\.version/);
    expect(one({ layer: "top" })).toMatch(/packs\[0\]\.layer/);
    expect(one({ sha256: "abc" })).toMatch(/packs\[0\]\.sha256/);
    expect(one({ url: "" })).toMatch(/packs\[0\]\.url/);
    expect(one({ dependencies: "starter" })).toMatch(/packs\[0\]\.dependencies/);
  });

  it("refuses an index listing one version twice", () => {
    const text = JSON.stringify({ format: "edict.pack-index/v1", packs: [entry("starter", "1.0.0"), entry("starter", "1.0.0", { sha256: "b".repeat(64) })] });
    expect(problemOf(text)).toMatch(/starter@1\.0\.0 is listed twice/);
  });
});
