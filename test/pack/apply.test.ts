import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { applyPlan, nodeFs, planInstall, planRemove, planUpgrade, readShippedPacks, verifyInstalled, worldOf } from "../../src/pack/index.js";
import type { PackFs, PackPlan } from "../../src/pack/index.js";
import { readRepository } from "../../src/io/read-repository.js";
import { NOW, packFiles, policy, snapshot, tempRepo, writeTree } from "./fixtures.js";


const STARTER = packFiles("starter");
const DOMAIN = packFiles("domain_pack", { layer: "domain", deps: ["starter"], band: [300, 399] });

async function plan(root: string, op: (repo: Awaited<ReturnType<typeof readRepository>>, shipped: Awaited<ReturnType<typeof readShippedPacks>>) => PackPlan): Promise<PackPlan> {
  return op(await readRepository(root), await readShippedPacks(root));
}

const install = (name: string, force = false) => (repo: Parameters<typeof planInstall>[0], shipped: Parameters<typeof planInstall>[1]) => planInstall(repo, shipped, name, { now: NOW, force });

async function installInto(root: string, name: string): Promise<void> {
  await applyPlan(root, await plan(root, install(name)));
}

/** A file system that records calls and fails the `failAt`-th one (0-based), once. */
function faulty(failAt = -1): PackFs & { calls: string[] } {
  const calls: string[] = [];
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const n = calls.length;
      calls.push(name);
      if (n === failAt) throw Object.assign(new Error(`injected failure in ${name}`), { code: "EIO" });
      return fn(...a);
    };
  return {
    calls,
    lstat: wrap("lstat", nodeFs.lstat),
    realpath: wrap("realpath", nodeFs.realpath),
    mkdir: wrap("mkdir", nodeFs.mkdir),
    mkdtemp: wrap("mkdtemp", nodeFs.mkdtemp),
    writeFile: wrap("writeFile", nodeFs.writeFile),
    rename: wrap("rename", nodeFs.rename),
    unlink: wrap("unlink", nodeFs.unlink),
    rmdir: wrap("rmdir", nodeFs.rmdir),
  };
}

const withoutTemp = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith(".edict/.pack-tmp-")));

/**
 * Fails every file-system call of an operation in turn. Before the commit point the tree must be
 * byte-identical to before; a failure while deleting the backups leaves the finished change and
 * a warning.
 */
async function sweep(prepare: () => Promise<string>, op: Parameters<typeof plan>[1]): Promise<{ total: number; rejected: number; mutating: number }> {
  const ref = await prepare();
  const probe = faulty();
  await applyPlan(ref, await plan(ref, op), { fs: probe });
  const expected = snapshot(ref);
  const total = probe.calls.length;
  const mutating = probe.calls.filter((c) => ["writeFile", "rename", "mkdir", "mkdtemp"].includes(c)).length;
  let rejected = 0;
  for (let k = 0; k < total; k++) {
    const root = await prepare();
    const p = await plan(root, op);
    const before = snapshot(root);
    const fs = faulty(k);
    let failed: unknown;
    let warnings: string[] = [];
    try {
      warnings = (await applyPlan(root, p, { fs })).warnings;
    } catch (e) {
      failed = e;
    }
    if (failed) {
      rejected++;
      expect(failed, `call ${k} (${fs.calls[k]})`).toBeInstanceOf(EdictError);
      expect((failed as EdictError).code).toBe("PACK_ERROR");
      expect(snapshot(root), `tree after failing call ${k} (${fs.calls[k]})`).toEqual(before);
    } else {
      expect(["unlink", "rmdir"]).toContain(fs.calls[k]);
      expect(warnings[0]).toMatch(/could not delete the temporary folder/);
      expect(withoutTemp(snapshot(root))).toEqual(expected);
    }
  }
  return { total, rejected, mutating };
}

describe("applyPlan: happy paths", () => {
  it("installs, upgrades and removes on disk", async () => {
    const root = tempRepo({ ...STARTER, ...DOMAIN, "policies/custom.yaml": policy("custom", 5) });
    await installInto(root, "starter");
    expect(readFileSync(join(root, "policies/starter__01__first.yaml"), "utf8")).toBe(STARTER["packs/starter/policies/01_first.yaml"]);
    expect(readFileSync(join(root, ".edict/packs.yaml"), "utf8")).toContain("installed_at: 2026-02-15T15:00:00Z");
    await installInto(root, "domain_pack");

    writeTree(root, { ...packFiles("starter", { version: "1.1.0", policies: { "01_first.yaml": policy("starter_first", 110), "03_third.yaml": policy("starter_third", 130) } }) });
    // the old 02 file is no longer shipped
    rmSync(join(root, "packs/starter/policies/02_second.yaml"));
    const up = await plan(root, (r, s) => planUpgrade(r, s, "starter", { now: NOW }));
    const result = await applyPlan(root, up);
    expect(result).toEqual({
      added: ["policies/starter__03__third.yaml"],
      replaced: ["policies/starter__01__first.yaml"],
      removed: ["policies/starter__02__second.yaml"],
      warnings: [],
    });
    const tree = snapshot(root);
    expect(Object.keys(tree).filter((k) => k.startsWith("policies/")).sort()).toEqual([
      "policies/",
      "policies/custom.yaml",
      "policies/domain_pack__01__first.yaml",
      "policies/domain_pack__02__second.yaml",
      "policies/starter__01__first.yaml",
      "policies/starter__03__third.yaml",
    ]);
    expect(Object.keys(tree).filter((k) => k.startsWith(".edict/"))).toEqual([".edict/", ".edict/packs.yaml"]);

    await applyPlan(root, await plan(root, (r, s) => planRemove(r, s, "domain_pack")));
    await applyPlan(root, await plan(root, (r, s) => planRemove(r, s, "starter")));
    expect(Object.keys(snapshot(root)).filter((k) => k.startsWith("policies/"))).toEqual(["policies/", "policies/custom.yaml"]);
    expect(readFileSync(join(root, ".edict/packs.yaml"), "utf8")).toContain("installed_packs: {}");
  });

  it("keeps installed files byte for byte (CRLF, comments, BOM)", async () => {
    const crlf = "\uFEFF# a comment\r\n" + policy("starter_first", 100).replace(/\n/g, "\r\n");
    const root = tempRepo(packFiles("starter", { policies: { "01_first.yaml": crlf } }));
    await installInto(root, "starter");
    expect(readFileSync(join(root, "policies/starter__01__first.yaml"))).toEqual(Buffer.from(crlf, "utf8"));
    // Read back through the repository model, the file is not reported as edited.
    expect(verifyInstalled(worldOf(await readRepository(root)), await readShippedPacks(root)).ok).toBe(true);
  });
});

describe("applyPlan: all or nothing", () => {
  it("install: every failing call leaves the tree byte-identical", async () => {
    const r = await sweep(async () => tempRepo({ ...STARTER, "policies/custom.yaml": policy("custom", 5) }), install("starter"));
    expect(r.mutating).toBeGreaterThanOrEqual(7); // mkdir .edict, mkdtemp, 3 staged writes, 3 renames in
    // Only the cleanup (here the journal's unlink and one rmdir: a first install has no backups) may fail without a rollback.
    expect(r.rejected).toBe(r.total - 2);
  });

  it("install into a repository without policies/ and .edict/", async () => {
    const r = await sweep(async () => tempRepo(STARTER), install("starter"));
    expect(r.rejected).toBe(r.total - 2);
  });

  it("upgrade: every failing call leaves the tree byte-identical", async () => {
    const prepare = async () => {
      const root = tempRepo({ ...STARTER, "policies/custom.yaml": policy("custom", 5) });
      await installInto(root, "starter");
      writeTree(root, packFiles("starter", { version: "1.1.0", policies: { "01_first.yaml": policy("starter_first", 111), "03_third.yaml": policy("starter_third", 130) } }));
      rmSync(join(root, "packs/starter/policies/02_second.yaml"));
      return root;
    };
    const r = await sweep(prepare, (repo, shipped) => planUpgrade(repo, shipped, "starter", { now: NOW }));
    // Cleanup: unlink three backups (replaced file, removed file, old state) and the journal, rmdir the staging folder.
    expect(r.rejected).toBe(r.total - 5);
    expect(r.mutating).toBeGreaterThanOrEqual(9);
  });

  it("remove: every failing call leaves the tree byte-identical", async () => {
    const prepare = async () => {
      const root = tempRepo({ ...STARTER, "policies/custom.yaml": policy("custom", 5) });
      await installInto(root, "starter");
      return root;
    };
    const r = await sweep(prepare, (repo, shipped) => planRemove(repo, shipped, "starter"));
    // Cleanup: unlink three backups (two removed files, old state) and the journal, rmdir the staging folder.
    expect(r.rejected).toBe(r.total - 5);
  });

  it("cleans up a partial file left by a failed write", async () => {
    const root = tempRepo({ ...STARTER, "policies/custom.yaml": policy("custom", 5) });
    const before = snapshot(root);
    let writes = 0;
    const fs: PackFs = {
      ...nodeFs,
      writeFile: async (p, d) => {
        if (++writes === 2) {
          await nodeFs.writeFile(p, d.subarray(0, 3)); // disk full half-way
          throw Object.assign(new Error("no space left"), { code: "ENOSPC" });
        }
        return nodeFs.writeFile(p, d);
      },
    };
    await expect(applyPlan(root, await plan(root, install("starter")), { fs })).rejects.toThrow(/pack install failed: no space left\. Nothing was changed/);
    expect(snapshot(root)).toEqual(before);
  });

  it("names the backups when even the undo fails", async () => {
    const root = tempRepo({ ...STARTER });
    await installInto(root, "starter");
    const p = await plan(root, (r, s) => planRemove(r, s, "starter"));
    let renames = 0;
    const fs: PackFs = {
      ...nodeFs,
      rename: async (a, b) => {
        renames++;
        // fail the third rename (moving the state away), and every rename after it (the undo)
        if (renames >= 3) throw new Error("disk gone");
        return nodeFs.rename(a, b);
      },
    };
    await expect(applyPlan(root, p, { fs })).rejects.toThrow(/could not be fully undone.*The previous files are kept in \.edict\/\.pack-tmp-/s);
  });
});

describe("applyPlan: refuses to write outside the repository", () => {
  it("refuses a symlinked policies/ that points outside the root", async () => {
    const outside = mkdtempSync(join(tmpdir(), "edict-outside-"));
    const root = tempRepo(STARTER);
    symlinkSync(outside, join(root, "policies"));
    const before = snapshot(outside);
    await expect(applyPlan(root, await plan(root, install("starter")))).rejects.toThrow(/policies\/ is a symbolic link to .*outside the repository/);
    expect(snapshot(outside)).toEqual(before);
    expect(snapshot(root)[".edict/"]).toBeUndefined();
  });

  it("refuses a symlinked .edict/ that points outside the root", async () => {
    const outside = mkdtempSync(join(tmpdir(), "edict-outside-"));
    const root = tempRepo(STARTER);
    symlinkSync(outside, join(root, ".edict"));
    await expect(applyPlan(root, await plan(root, install("starter")))).rejects.toThrow(/\.edict\/ is a symbolic link/);
    expect(snapshot(outside)).toEqual({});
  });

  it("allows a symlinked policies/ that stays inside the root", async () => {
    const root = tempRepo(STARTER);
    mkdirSync(join(root, "governance"));
    symlinkSync(join(root, "governance"), join(root, "policies"));
    await installInto(root, "starter");
    expect(Object.keys(snapshot(root))).toContain("governance/starter__01__first.yaml");
  });

  it("refuses to replace or create through a symlinked file", async () => {
    const outside = mkdtempSync(join(tmpdir(), "edict-outside-"));
    writeFileSync(join(outside, "target.yaml"), "secret");
    const root = tempRepo(STARTER);
    mkdirSync(join(root, "policies"));
    symlinkSync(join(outside, "target.yaml"), join(root, "policies/starter__01__first.yaml"));
    // The reader does not follow the link, so the plan adds the file; apply sees the link and refuses.
    await expect(applyPlan(root, await plan(root, install("starter")))).rejects.toThrow(/policies\/starter__01__first\.yaml appeared since the plan was made/);
    expect(readFileSync(join(outside, "target.yaml"), "utf8")).toBe("secret");
  });

  it("refuses a symlinked state file", async () => {
    const outside = mkdtempSync(join(tmpdir(), "edict-outside-"));
    writeFileSync(join(outside, "packs.yaml"), "format_version: v1\n");
    const root = tempRepo(STARTER);
    mkdirSync(join(root, ".edict"));
    symlinkSync(join(outside, "packs.yaml"), join(root, ".edict/packs.yaml"));
    // Whatever the reader saw through the link, apply refuses to write through it.
    await expect(applyPlan(root, await plan(root, install("starter")))).rejects.toThrow(/\.edict\/packs\.yaml is not a regular file/);
    expect(readFileSync(join(outside, "packs.yaml"), "utf8")).toBe("format_version: v1\n");
  });

  it.each(["../x__01__y.yaml", "/etc/passwd", "policies/../../x__01__y.yaml", "edict.yaml", "policies/a/b__01__c.yaml"])("refuses a plan path %j before writing anything", async (path) => {
    const root = tempRepo(STARTER);
    const before = snapshot(root);
    const p: PackPlan = { operation: "install", changes: [], add: [{ path, content: new Uint8Array(1) }], replace: [], remove: [], state: { format_version: "v1" }, stateText: "x", notes: [] };
    await expect(applyPlan(root, p)).rejects.toThrow(/refusing to write/);
    expect(snapshot(root)).toEqual(before);
  });
});
