import { describe, expect, it } from "vitest";
import { utf8Decode } from "../../src/bundle/bytes.js";
import { canonicalBytes, canonicalJson } from "../../src/bundle/canonical-json.js";
import { blake3Hex } from "../../src/bundle/digest-blake3.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { BUNDLE_FORMAT, bundleFileNames, findPayloadProblem, parseIsoSeconds, toIsoSeconds } from "../../src/bundle/payload.js";
import { buildPayload, digestTargets, installedPacksOf, toTargetsRecord } from "../../src/bundle/payload-build.js";
import { CREATED, EXPIRES, REVISION, samplePayload, sampleTargets } from "./fixtures.js";

describe("buildPayload", () => {
  it("has exactly the bundle payload fields, in canonical key order", () => {
    const { payload, bytes } = samplePayload();
    expect(Object.keys(JSON.parse(utf8Decode(bytes)))).toEqual([
      "created_at",
      "digests",
      "expires_at",
      "format",
      "installed_packs",
      "name",
      "revision",
      "serial",
      "sources",
      "targets",
      "version",
    ]);
    expect(payload.format).toBe(BUNDLE_FORMAT);
    expect(payload).toMatchObject({ name: "acme", version: "1.2.3", serial: 4, revision: REVISION, created_at: "2026-01-02T03:04:05Z", expires_at: "2026-02-01T03:04:05Z" });
    expect(Object.keys(payload.targets)).toEqual(["production", "staging"]);
    expect(Object.keys(payload.targets.production!)).toEqual(["access", "runtime", "data", "posture"]);
    expect(payload.targets.production!.access.Statement.map((s) => `${s.Sid}:${s.Effect}`)).toEqual(["AllowRead:Allow", "DenyDelete:Deny"]);
    expect(payload.installed_packs).toEqual([{ name: "starter", version: "1.0.0", layer: "foundation", checksum: `sha256:${"a".repeat(64)}` }]);
  });

  it("signs the RFC 8785 canonical bytes of the payload", () => {
    const { payload, bytes } = samplePayload();
    expect(bytes).toEqual(canonicalBytes(payload));
    expect(utf8Decode(bytes)).toBe(canonicalJson(JSON.parse(utf8Decode(bytes))));
    expect(utf8Decode(bytes)).not.toMatch(/\n/);
  });

  it("sorts sources by path", () => {
    expect(samplePayload().payload.sources.map((s) => s.path)).toEqual(["edict.yaml", "policies/access.yaml"]);
  });

  it("digests are BLAKE3 and SHA-256 of canonicalBytes(targets)", () => {
    const { payload } = samplePayload();
    const targetBytes = canonicalBytes(payload.targets);
    expect(payload.digests).toEqual({ blake3: blake3Hex(targetBytes), sha256: sha256Hex(targetBytes) });
    expect(digestTargets(payload.targets)).toEqual(payload.digests);
  });

  it("is deterministic: the same inputs give the same bytes", () => {
    expect(samplePayload().bytes).toEqual(samplePayload().bytes);
    expect(samplePayload({ serial: 5 }).bytes).not.toEqual(samplePayload().bytes);
  });

  it("refuses inputs that would make a payload verification refuses", () => {
    expect(() => samplePayload({ version: "v1" })).toThrow(/version must be a semantic version/);
    expect(() => samplePayload({ serial: 0 })).toThrow(/serial must be a positive integer/);
    expect(() => samplePayload({ revision: "HEAD" })).toThrow(/revision/);
    expect(() => samplePayload({ expiresAt: CREATED })).toThrow(/not after created_at/);
    expect(() => samplePayload({ name: "Acme Corp" })).toThrow(/name must match/);
    expect(() => samplePayload({ sources: [{ path: "a", sha256: "x" }] })).toThrow(/sha256 must be 64/);
    expect(() => samplePayload({ sources: [{ path: "a", sha256: "b".repeat(64) }, { path: "a", sha256: "b".repeat(64) }] })).toThrow(/sorted by path without duplicates/);
    const twice = [...sampleTargets(), sampleTargets()[0]!];
    expect(() => samplePayload({ targets: twice })).toThrow(/appears twice/);
  });

  it("without pack state has no installed packs; a missing checksum is null", () => {
    expect(samplePayload({ packState: undefined }).payload.installed_packs).toEqual([]);
    expect(
      installedPacksOf({
        format_version: "v1",
        installed_packs: {
          zeta: { name: "zeta", version: "2.0.0", layer: "domain", files: [] },
          alpha: { name: "alpha", version: "1.0.0", layer: "foundation", files: [] },
        },
      }),
    ).toEqual([
      { name: "alpha", version: "1.0.0", layer: "foundation", checksum: null },
      { name: "zeta", version: "2.0.0", layer: "domain", checksum: null },
    ]);
  });

  it("keeps only access, runtime, data and posture of each merged target", () => {
    const record = toTargetsRecord(sampleTargets());
    expect(Object.keys(record.staging!)).toEqual(["access", "runtime", "data", "posture"]);
    expect(record.staging!.data.default_action).toBe("deny");
  });
});

describe("times", () => {
  it("formats ISO-8601 UTC with whole seconds", () => {
    expect(toIsoSeconds(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe("2026-01-02T03:04:05Z");
    expect(toIsoSeconds(new Date(0))).toBe("1970-01-01T00:00:00Z");
    expect(() => toIsoSeconds(new Date(NaN))).toThrow(TypeError);
    expect(() => toIsoSeconds(new Date(Date.UTC(10000, 0, 1)))).toThrow(/year out of range/);
  });

  it("parses only the exact format and real dates", () => {
    expect(parseIsoSeconds("2026-01-02T03:04:05Z")).toBe(CREATED.getTime());
    for (const bad of ["2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05+00:00", "2026-02-30T00:00:00Z", "2026-01-02 03:04:05Z", 5, null]) {
      expect(parseIsoSeconds(bad), String(bad)).toBeUndefined();
    }
    expect(toIsoSeconds(EXPIRES)).toBe("2026-02-01T03:04:05Z");
  });
});

describe("findPayloadProblem", () => {
  const good = () => JSON.parse(utf8Decode(samplePayload().bytes)) as Record<string, unknown>;

  it("accepts a built payload and unknown extra fields", () => {
    expect(findPayloadProblem(good())).toBeUndefined();
    expect(findPayloadProblem({ ...good(), future_field: [1] })).toBeUndefined();
  });

  it.each([
    ["format", "edict.bundle/v2", /format is "edict.bundle\/v2"/],
    ["targets", [], /targets must be an object/],
    ["installed_packs", {}, /installed_packs must be an array/],
    ["sources", [{ path: "", sha256: "a".repeat(64) }], /sources\[0\]\.path/],
    ["digests", { sha256: "A".repeat(64), blake3: "a".repeat(64) }, /digests\.blake3|digests\.sha256/],
    ["created_at", "yesterday", /created_at must be ISO-8601/],
    ["serial", 1.5, /serial/],
  ])("names the problem with %s", (field, value, message) => {
    expect(findPayloadProblem({ ...good(), [field]: value })).toMatch(message);
  });

  it("checks each target's four kinds and a valid target name", () => {
    const p = good();
    (p.targets as Record<string, unknown>).Production = (p.targets as Record<string, unknown>).production;
    expect(findPayloadProblem(p)).toMatch(/target name "Production"/);
    const q = good();
    delete ((q.targets as Record<string, Record<string, unknown>>).production!).posture;
    expect(findPayloadProblem(q)).toMatch(/targets\.production\.posture must be an object/);
  });
});

describe("bundleFileNames", () => {
  it("names the two release assets", () => {
    expect(bundleFileNames("acme-policies")).toEqual({ bundle: "acme-policies.bundle.json", checksum: "acme-policies.bundle.json.sha256" });
    expect(() => bundleFileNames("../evil")).toThrow(TypeError);
  });
});
