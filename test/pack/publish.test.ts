import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/digest.js";
import { isEdictError } from "../../src/errors.js";
import { publishPacks } from "../../src/pack/publish.js";
import { parsePackIndex, verifyPackEnvelope } from "../../src/pack/remote/index.js";
import { keyPair, publisherRepo, setVersion, tempDir } from "./remote/helpers.js";

const key = keyPair("publisher");
const other = keyPair("other");

async function refusal(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (e) {
    if (isEdictError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a refusal");
}

/** Every file of `dir` with its bytes and modification time. */
function listing(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, `${sha256Hex(readFileSync(join(dir, f)))} ${statSync(join(dir, f)).mtimeMs}`]));
}

describe("publishPacks", () => {
  it("publishes every pack of the pack folder with a sorted index of relative urls", async () => {
    const root = publisherRepo();
    const out = join(tempDir("out"), "site");
    const result = await publishPacks({ root, privateKeys: [key], outDir: out });
    expect(result.packs.map((p) => p.name)).toEqual(["ai_safety", "financial_compliance", "hipaa", "posture", "starter"]);
    expect(result.index).toBe(join(out, "index.json"));
    expect(readdirSync(out).sort()).toEqual(["index.json", ...result.packs.map((p) => `${p.name}-${p.version}.pack.json`)].sort());
    const parsed = parsePackIndex(readFileSync(result.index));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    for (const p of result.packs) {
      const bytes = readFileSync(p.file);
      expect(sha256Hex(bytes)).toBe(p.sha256);
      expect(p.unchanged).toBe(false);
      const listed = parsed.index.packs.find((e) => e.name === p.name)!;
      expect(listed).toMatchObject({ version: p.version, url: `${p.name}-${p.version}.pack.json`, sha256: p.sha256 });
      expect(verifyPackEnvelope(bytes, [key.publicKey]).pack.name).toBe(p.name);
    }
    expect(parsed.index.packs.find((e) => e.name === "hipaa")!.dependencies).toEqual(["starter"]);
  });

  it("publishes only the packs named", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    const result = await publishPacks({ root, names: ["starter"], privateKeys: [key], outDir: out });
    expect(result.packs.map((p) => p.name)).toEqual(["starter"]);
    expect(readdirSync(out).sort()).toEqual(["index.json", "starter-1.0.0.pack.json"]);
  });

  it("keeps earlier versions in the index when a new version is published", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    await publishPacks({ root, names: ["starter"], privateKeys: [key], outDir: out });
    setVersion(root, "starter", "1.1.0");
    await publishPacks({ root, names: ["starter"], privateKeys: [key], outDir: out });
    const parsed = parsePackIndex(readFileSync(join(out, "index.json")));
    expect(parsed.ok && parsed.index.packs.map((p) => p.version)).toEqual(["1.0.0", "1.1.0"]);
  });

  it("publishing the same content again changes nothing", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    const first = await publishPacks({ root, names: ["starter", "hipaa"], privateKeys: [key], outDir: out });
    const before = listing(out);
    const again = await publishPacks({ root, names: ["starter", "hipaa"], privateKeys: [key], outDir: out });
    expect(again.packs.map((p) => p.unchanged)).toEqual([true, true]);
    expect(again.packs.map((p) => p.sha256)).toEqual(first.packs.map((p) => p.sha256));
    expect(listing(out)).toEqual(before);
  });

  it("refuses to publish an existing version with different content, writing nothing", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    await publishPacks({ root, names: ["starter"], privateKeys: [key], outDir: out });
    const before = listing(out);
    const file = join(root, "packs", "starter", "metadata.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/description: "[^"]*"/, 'description: "changed"'));
    const r = await refusal(() => publishPacks({ root, names: ["hipaa", "starter"], privateKeys: [key], outDir: out }));
    expect(r.code).toBe("PACK_ERROR");
    expect(r.message).toMatch(/starter 1\.0\.0 is already published .* bump the version/);
    expect(listing(out)).toEqual(before);
  });

  it("refuses the same version signed by another key (other bytes break consumers' locks)", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    await publishPacks({ root, names: ["starter"], privateKeys: [key], outDir: out });
    const before = listing(out);
    expect((await refusal(() => publishPacks({ root, names: ["starter"], privateKeys: [other], outDir: out }))).code).toBe("PACK_ERROR");
    expect(listing(out)).toEqual(before);
  });

  it("refuses a pack with problems, writing nothing", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    const file = join(root, "packs", "starter", "policies", "01_mask_pii_by_default.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/priority: \d+/, "priority: 900"));
    const r = await refusal(() => publishPacks({ root, privateKeys: [key], outDir: out }));
    expect(r.code).toBe("PACK_ERROR");
    expect(r.message).toMatch(/packs\/starter has problems/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("refuses an unknown pack name, listing the packs there", async () => {
    const root = publisherRepo();
    const r = await refusal(() => publishPacks({ root, names: ["nope"], privateKeys: [key], outDir: tempDir("out") }));
    expect(r.code).toBe("PACK_ERROR");
    expect(r.message).toMatch(/no pack named nope in packs\/ \(packs there: ai_safety, .*starter\)/);
  });

  it("refuses to update a folder whose index.json is not a pack index", async () => {
    const root = publisherRepo();
    const out = tempDir("out");
    writeFileSync(join(out, "index.json"), "<html></html>");
    const r = await refusal(() => publishPacks({ root, privateKeys: [key], outDir: out }));
    expect(r.code).toBe("PACK_ERROR");
    expect(readdirSync(out)).toEqual(["index.json"]);
  });

  it("refuses to publish without a signing key", async () => {
    const r = await refusal(() => publishPacks({ root: publisherRepo(), privateKeys: [], outDir: tempDir("out") }));
    expect(r.code).toBe("USAGE");
  });
});
