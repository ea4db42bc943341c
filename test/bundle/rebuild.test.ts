import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { utf8Decode } from "../../src/bundle/bytes.js";
import { canonicalBytes } from "../../src/bundle/canonical-json.js";
import { BundleIntegrityError } from "../../src/bundle/errors.js";
import { digestTargets } from "../../src/bundle/payload-build.js";
import type { BundlePayload } from "../../src/bundle/payload.js";
import { verifyRebuild } from "../../src/bundle/rebuild.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { EdictError } from "../../src/errors.js";
import { caughtAsync, commitAll, craft, exampleGitRepo, KEY } from "./fixtures.js";

const NOW = new Date("2026-01-10T00:00:00Z");

/** Re-signs an edited copy of `payload` with a valid key, digests recomputed: a "good" bundle that lies. */
function resigned(payload: BundlePayload, edit: (p: BundlePayload) => void): Uint8Array {
  const copy = JSON.parse(utf8Decode(canonicalBytes(payload))) as BundlePayload;
  edit(copy);
  copy.digests = digestTargets(copy.targets);
  return craft(copy, [KEY]);
}

describe("verifyRebuild", () => {
  const { dir, revision } = exampleGitRepo("edict-rebuild-");
  const built = buildBundle({ root: dir, privateKeys: [KEY], now: NOW });

  it("passes for an honest bundle, even after the work tree moved on", async () => {
    const { payload } = await built;
    writeFileSync(join(dir, "policies", "access", "production.yaml"), "changed later\n");
    commitAll(dir, "later", "2026-01-05T00:00:00Z");
    expect(await verifyRebuild(payload, dir)).toEqual({ revision, sources: payload.sources.length });
  });

  it("catches a validly signed bundle whose Deny was compiled as Allow", async () => {
    const { payload } = await built;
    const forged = resigned(payload, (p) => {
      const deny = p.targets.production!.access.Statement.find((s) => s.Sid === "DenyDestructive")!;
      deny.Effect = "Allow";
    });
    // the signature, digests and format are all fine: plain verification passes
    const verified = verifyBundle(forged, { trustedKeys: [KEY.publicKey], now: NOW, target: "production" });
    expect(verified.payload.targets.production!.access.Statement.find((s) => s.Sid === "DenyDestructive")!.Effect).toBe("Allow");
    const e = await caughtAsync(() => verifyRebuild(verified.payload, dir));
    expect(e).toBeInstanceOf(BundleIntegrityError);
    expect(e.code).toBe("DIGEST_MISMATCH");
    expect(e.message).toBe(`bundle targets differ from a rebuild of ${revision.slice(0, 12)} (in production)`);
  });

  it("catches a bundle that leaves a source out, lists one too many, or lies about a file's hash", async () => {
    const { payload } = await built;
    const omitted = verifyBundle(resigned(payload, (p) => (p.sources = p.sources.filter((s) => s.path !== "policies/access/production.yaml"))), { trustedKeys: [KEY.publicKey], now: NOW });
    expect((await caughtAsync(() => verifyRebuild(omitted.payload, dir))).message).toMatch(/sources differ from [0-9a-f]{12}: [0-9a-f]{12} has policies\/access\/production\.yaml, which the bundle does not list/);

    const extra = verifyBundle(resigned(payload, (p) => p.sources.push({ path: "policies/zz.yaml", sha256: "a".repeat(64) })), { trustedKeys: [KEY.publicKey], now: NOW });
    expect((await caughtAsync(() => verifyRebuild(extra.payload, dir))).message).toMatch(/the bundle lists policies\/zz\.yaml, which [0-9a-f]{12} does not have/);

    const lied = verifyBundle(resigned(payload, (p) => (p.sources[0]!.sha256 = "0".repeat(64))), { trustedKeys: [KEY.publicKey], now: NOW });
    const e = await caughtAsync(() => verifyRebuild(lied.payload, dir));
    expect(e.code).toBe("DIGEST_MISMATCH");
    expect(e.message).toMatch(/^\S+ at [0-9a-f]{12} has sha256 [0-9a-f]{64}, the bundle lists 0{64}$/);
  });

  it("catches a renamed bundle and changed installed packs", async () => {
    const { payload } = await built;
    const renamed = resigned(payload, (p) => (p.name = "other"));
    expect((await caughtAsync(() => verifyRebuild(verifyBundle(renamed, { trustedKeys: [KEY.publicKey], now: NOW }).payload, dir))).message).toMatch(/bundle name "other" differs/);
    const packs = resigned(payload, (p) => p.installed_packs.push({ name: "starter", version: "1.0.0", layer: "foundation", checksum: null }));
    expect((await caughtAsync(() => verifyRebuild(verifyBundle(packs, { trustedKeys: [KEY.publicKey], now: NOW }).payload, dir))).message).toMatch(/installed_packs differ/);
  });

  it("a revision the repository lacks is a git error (exit 2), not a verification failure", async () => {
    const { payload } = await built;
    const e = await caughtAsync(() => verifyRebuild({ ...payload, revision: "f".repeat(40) }, dir));
    expect(e).toBeInstanceOf(EdictError);
    expect(e.code).toBe("GIT_ERROR");
    expect(e.message).toMatch(/is not in this repository; fetch it first/);
  });
});
