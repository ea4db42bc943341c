import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EdictError, isEdictError } from "../../../src/errors.js";
import { readRepository } from "../../../src/io/read-repository.js";
import { repositorySource } from "../../../src/pack/sources/repository-source.js";
import { CONFIG, packFiles, tempRepo, writeTree } from "../fixtures.js";

async function refusal(promise: Promise<unknown>): Promise<EdictError> {
  try {
    await promise;
  } catch (e) {
    if (isEdictError(e)) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("repositorySource", () => {
  it("offers one version per pack of the repository's packs/ folder and pins by checksum", async () => {
    const root = tempRepo({ ...packFiles("base"), ...packFiles("extra", { version: "1.2.0", deps: ["base@^1.0.0"], layer: "domain", band: [500, 599] }) });
    const source = repositorySource(root, await readRepository(root));
    expect(source.name).toBe("repository");
    expect(source.kind).toBe("repository");
    expect(await source.offers()).toEqual([
      { name: "base", version: "1.0.0", layer: "foundation", description: "test pack base", dependencies: [], source: "repository" },
      { name: "extra", version: "1.2.0", layer: "domain", description: "test pack extra", dependencies: ["base@^1.0.0"], source: "repository" },
    ]);
    const fetched = await source.fetch("extra", "1.2.0");
    expect(fetched.origin).toEqual({ source: "repository", resolved: fetched.pack.checksum });
    expect(fetched.pack.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("refuses a pin when the pack's files changed without a version bump (PACK_PIN_MISMATCH)", async () => {
    const root = tempRepo(packFiles("base"));
    const { origin } = await repositorySource(root, await readRepository(root)).fetch("base", "1.0.0");
    writeFileSync(join(root, "packs/base/policies/01_first.yaml"), "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata:\n  id: base_first\n  priority: 100\nspec:\n  security_level: low\n");
    const source = repositorySource(root, await readRepository(root));
    const refused = await refusal(source.fetch("base", "1.0.0", origin.resolved));
    expect(refused.code).toBe("PACK_PIN_MISMATCH");
    expect(refused.message).toMatch(/^base 1\.0\.0 in packs\/ in the repository has checksum sha256:[0-9a-f]{64}, but sha256:[0-9a-f]{64} was installed: its files changed without a version bump/);
    expect((await source.fetch("base", "1.0.0")).origin.resolved).not.toBe(origin.resolved);
  });

  it("reads edict.yaml's packs.source folder", async () => {
    const root = tempRepo({ "edict.yaml": `${CONFIG}packs:\n  source: vendor/packs\n` });
    writeTree(join(root, "vendor"), packFiles("vendored", { version: "0.3.0" }));
    writeTree(root, packFiles("ignored"));
    const source = repositorySource(root, await readRepository(root));
    expect((await source.offers()).map((o) => `${o.name}@${o.version}`)).toEqual(["vendored@0.3.0"]);
    expect((await refusal(source.fetch("ignored", "1.0.0"))).message).toBe("vendor/packs/ in the repository has no pack named ignored (it has: vendored)");
  });

  it("offers nothing when the repository has no pack folder, and refuses a folder outside the repository on use", async () => {
    const root = tempRepo({});
    expect(await repositorySource(root, await readRepository(root)).offers()).toEqual([]);
    const outside = tempRepo({ "edict.yaml": `${CONFIG}packs:\n  source: ../elsewhere\n` });
    const source = repositorySource(outside, await readRepository(outside));
    const refused = await refusal(source.offers());
    expect(refused.code).toBe("CONFIG_ERROR");
    expect(refused.message).toMatch(/packs\.source "\.\.\/elsewhere" must be a folder inside the repository/);
  });

  it("offers a pack with problems, so installing it is refused with its problems rather than as unknown", async () => {
    const root = tempRepo({ ...packFiles("broken", { policies: { "1_bad-name.yaml": "x: 1\n" } }) });
    const source = repositorySource(root, await readRepository(root));
    expect((await source.offers()).map((o) => o.name)).toEqual(["broken"]);
    expect((await source.fetch("broken", "1.0.0")).pack.problems.map((p) => p.code)).toEqual(["file-name"]);
  });
});
