import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EdictError, isEdictError } from "../../../src/errors.js";
import { readShippedPacks } from "../../../src/pack/read-packs.js";
import { builtinSource, findBuiltinPacksDir } from "../../../src/pack/sources/builtin.js";
import { packFiles, writeTree } from "../fixtures.js";

const checkout = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function refusal(promise: Promise<unknown>): Promise<EdictError> {
  try {
    await promise;
  } catch (e) {
    if (isEdictError(e)) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("findBuiltinPacksDir", () => {
  it("finds the checkout's packs/ from the module's folder and from dist/, where the bundled CLI runs", () => {
    expect(findBuiltinPacksDir()).toBe(join(checkout, "packs"));
    expect(findBuiltinPacksDir(join(checkout, "src", "pack", "sources"))).toBe(join(checkout, "packs"));
    expect(findBuiltinPacksDir(join(checkout, "dist"))).toBe(join(checkout, "packs"));
  });

  it("stops at edict's own package root: a project's packs/ above node_modules is never taken for the library", () => {
    const project = mkdtempSync(join(tmpdir(), "edict-builtin-"));
    writeTree(project, { "package.json": "{}\n", ...packFiles("mine") });
    const pkg = join(project, "node_modules", "edict");
    writeTree(pkg, { "package.json": '{"name":"edict"}\n', "dist/cli.js": "", ...packFiles("starter") });
    expect(findBuiltinPacksDir(join(pkg, "dist"))).toBe(join(pkg, "packs"));

    // a package without packs/ is incomplete, not a reason to read the project's packs/
    const broken = join(project, "node_modules", "broken");
    mkdirSync(join(broken, "dist"), { recursive: true });
    writeFileSync(join(broken, "package.json"), '{"name":"edict"}\n');
    expect(() => findBuiltinPacksDir(join(broken, "dist"))).toThrow(/edict's package at .*broken has no packs\/ folder; reinstall edict/);
  });

  it("says so when no package root is found", () => {
    const nowhere = mkdtempSync(join(tmpdir(), "edict-builtin-"));
    expect(existsSync(join(tmpdir(), "package.json"))).toBe(false);
    expect(() => findBuiltinPacksDir(nowhere)).toThrow(/^cannot find edict's package \(a package\.json\) above .*edict-builtin-.*; is the edict package complete\?$/);
  });
});

describe("builtinSource", () => {
  it("offers every pack edict ships, as source builtin, with dependencies as written", async () => {
    const shipped = await readShippedPacks(checkout, "packs");
    const source = builtinSource();
    expect(source.name).toBe("builtin");
    expect(source.kind).toBe("builtin");
    const offers = await source.offers();
    expect(offers.map((o) => o.name)).toEqual([...shipped.packs.keys()].sort());
    expect(offers.map((o) => o.name)).toEqual(expect.arrayContaining(["hipaa", "starter"]));
    const hipaa = offers.find((o) => o.name === "hipaa")!;
    expect(hipaa).toMatchObject({ source: "builtin", version: shipped.packs.get("hipaa")!.version, layer: "domain", dependencies: ["starter"] });
    expect(offers.every((o) => o.source === "builtin")).toBe(true);
  });

  it("fetches a pack pinned by its checksum, and refuses another checksum with PACK_PIN_MISMATCH", async () => {
    const source = builtinSource();
    const version = (await source.offers()).find((o) => o.name === "hipaa")!.version;
    const fetched = await source.fetch("hipaa", version);
    expect(fetched.origin).toEqual({ source: "builtin", resolved: fetched.pack.checksum });
    expect(fetched.pack.problems).toEqual([]);
    expect((await source.fetch("hipaa", version, fetched.pack.checksum)).pack.checksum).toBe(fetched.pack.checksum);
    const pin = await refusal(source.fetch("hipaa", version, `sha256:${"0".repeat(64)}`));
    expect(pin.code).toBe("PACK_PIN_MISMATCH");
    expect(pin.message).toMatch(/^hipaa .* in the built-in library has checksum sha256:[0-9a-f]{64}, but sha256:0+ was installed/);
  });

  it("reports a pack or version it does not have as PACK_SOURCE_ERROR", async () => {
    const source = builtinSource();
    expect((await refusal(source.fetch("nope", "1.0.0"))).message).toMatch(/^the built-in library has no pack named nope \(it has: .*hipaa.*\)$/);
    const wrong = await refusal(source.fetch("hipaa", "99.0.0"));
    expect(wrong.code).toBe("PACK_SOURCE_ERROR");
    expect(wrong.message).toMatch(/^the built-in library has hipaa \S+, not 99\.0\.0/);
  });

  it("reads another folder when given one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-builtin-"));
    writeTree(dir, packFiles("only", { version: "3.1.4" }));
    const offers = await builtinSource({ dir: join(dir, "packs") }).offers();
    expect(offers.map((o) => `${o.name}@${o.version}`)).toEqual(["only@3.1.4"]);
  });
});
