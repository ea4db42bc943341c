/** The pure parts of publish and refresh: the signing key, the verdict since a release, and re-signing. */
import { describe, expect, it } from "vitest";
import { verdictSinceRelease } from "../../src/action/publish.js";
import { refreshDecision, refreshedPayload, signRefreshed } from "../../src/action/refresh.js";
import { releaseCandidates, tagPrefixOf } from "../../src/action/release.js";
import type { ReleaseInfo } from "../../src/action/github.js";
import { requireSigningKey } from "../../src/action/signing-key.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { buildAllTargets } from "../../src/model/merge/index.js";
import { ACCESS, KEY, samplePayload } from "../bundle/fixtures.js";
import { repoOf } from "../helpers/repo.js";

const DAY = 86_400_000;

describe("requireSigningKey", () => {
  it("says what to do when the input is empty", () => {
    expect(() => requireSigningKey({ signingKey: "  \n" }, "publish")).toThrow(/publish needs a signing key, and the signing-key input is empty: create a key pair with `edict keygen`/);
  });

  it("names the input, never the text, when the key is not a key", () => {
    const secretish = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC1zZWNyZXQ=";
    let message = "";
    try {
      requireSigningKey({ signingKey: secretish }, "publish");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^input signing-key: /);
    expect(message).not.toContain(secretish);
  });
});

describe("release tags", () => {
  const release = (tag: string, draft = false): ReleaseInfo => ({ id: 1, tag, draft, prerelease: false, htmlUrl: "", uploadUrl: "", targetCommitish: "", assets: [] });

  it("keeps `prefix + semver` tags, newest version first", () => {
    const list = ["policy-v1.2.0", "policy-v1.10.0", "v9.0.0", "policy-vlatest", "policy-v1.9.9", "policy-v2.0.0-rc.1"].map((t) => release(t));
    expect(releaseCandidates(list, "policy-v").map((c) => c.version)).toEqual(["2.0.0-rc.1", "1.10.0", "1.9.9", "1.2.0"]);
  });

  it("takes the prefix from the input, then edict.yaml, then policy-v", () => {
    const repo = repoOf({ "edict.yaml": "name: acme\ntargets: { production: {} }\nbundle: { tag_prefix: rules-v }\n" });
    expect(tagPrefixOf({ tagPrefix: "x-" }, repo)).toBe("x-");
    expect(tagPrefixOf({}, repo)).toBe("rules-v");
    expect(tagPrefixOf({}, repoOf({}))).toBe("policy-v");
  });
});

describe("verdictSinceRelease", () => {
  const released = samplePayload().payload;

  it("compares the release's signed targets with the repository", () => {
    expect(verdictSinceRelease(released, repoOf({ "policies/access.yaml": ACCESS }))).toBe("unchanged");
    expect(verdictSinceRelease(released, repoOf({ "policies/access.yaml": ACCESS.replace("[db:Select]", "[db:Select, db:Update]") }))).toBe("loosened");
    expect(verdictSinceRelease(released, repoOf({ "policies/access.yaml": ACCESS.replace("[db:Delete]", "[db:Delete, db:Select]") }))).toBe("tightened");
  });

  it("sees a target added since the release", () => {
    const config = "name: acme\nversion: 0.1.0\ntargets:\n  production: { default_action: deny }\n  staging: {}\n  canary: {}\n";
    expect(verdictSinceRelease(released, repoOf({ "edict.yaml": config, "policies/access.yaml": ACCESS }))).not.toBe("unchanged");
    expect(buildAllTargets(repoOf({ "edict.yaml": config })).map((t) => t.target)).toContain("canary");
  });
});

describe("refresh", () => {
  const { payload } = samplePayload({ createdAt: new Date("2026-01-01T00:00:00Z"), expiresAt: new Date("2026-01-31T00:00:00Z") });
  const expires = Date.parse("2026-01-31T00:00:00Z");

  it("is due once a third of the lifetime is left, or less", () => {
    expect(refreshDecision(payload, new Date(expires - 11 * DAY)).due).toBe(false);
    expect(refreshDecision(payload, new Date(expires - 10 * DAY))).toEqual({ due: true, remainingMs: 10 * DAY, lifetimeMs: 30 * DAY });
    expect(refreshDecision(payload, new Date(expires + DAY)).due).toBe(true);
  });

  it("keeps the content and revision, and takes serial + 1, the next patch version and a new time base", () => {
    const now = new Date("2026-01-22T10:11:12.999Z");
    const next = refreshedPayload(payload, now);
    expect(next).toEqual({ ...payload, version: "1.2.4", serial: 5, created_at: "2026-01-22T10:11:12Z", expires_at: "2026-02-21T10:11:12Z" });
  });

  it("signs bytes that verify now", () => {
    const now = new Date("2026-01-22T10:11:12Z");
    const signed = signRefreshed(refreshedPayload(payload, now), KEY, now);
    const verified = verifyBundle(signed.bundleBytes, { trustedKeys: [KEY.publicKey], now });
    expect(verified.payload.serial).toBe(5);
    expect(signed.checksumText).toBe(`${verified.sha256}  acme.bundle.json\n`);
  });
});
