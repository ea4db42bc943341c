import { describe, expect, it } from "vitest";
import { utf8Decode, utf8Encode } from "../../src/bundle/bytes.js";
import { BundleError } from "../../src/bundle/errors.js";
import { canonicalBytes, canonicalJson } from "../../src/bundle/canonical-json.js";
import { blake3Hex } from "../../src/bundle/digest-blake3.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { BUNDLE_FORMAT, bundleFileNames, findPayloadProblem, parseIsoSeconds, toIsoSeconds } from "../../src/bundle/payload.js";
import { buildPayload, digestTargets, installedPacksOf, toTargetsRecord } from "../../src/bundle/payload-build.js";
import { readPayload } from "../../src/bundle/payload-read.js";
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

describe("findPayloadProblem pins: one message for each check (and which of two problems is named first)", () => {
  const good = () => JSON.parse(utf8Decode(samplePayload().bytes)) as Record<string, any>;
  const t = (p: Record<string, any>) => p.targets.production;
  const cases: Array<[string, (p: Record<string, any>) => void, string]> = [
    ["not an object", (p) => { for (const k of Object.keys(p)) delete p[k]; }, "payload must be a JSON object, got 7"],
    ["format", (p) => { p.format = "edict.bundle/v2"; }, "format is \"edict.bundle/v2\", expected \"edict.bundle/v1\""],
    ["format missing", (p) => { delete p.format; }, "format is nothing, expected \"edict.bundle/v1\""],
    ["name", (p) => { p.name = "Acme"; }, "name must match ^[a-z0-9][a-z0-9_-]*$, got \"Acme\""],
    ["name type", (p) => { p.name = ["acme"]; }, "name must match ^[a-z0-9][a-z0-9_-]*$, got an array"],
    ["version", (p) => { p.version = "v1"; }, "version must be a semantic version, got \"v1\""],
    ["serial 0", (p) => { p.serial = 0; }, "serial must be a positive integer, got 0"],
    ["serial float", (p) => { p.serial = 1.5; }, "serial must be a positive integer, got 1.5"],
    ["serial string", (p) => { p.serial = "4"; }, "serial must be a positive integer, got \"4\""],
    ["serial huge", (p) => { p.serial = 2 ** 53; }, "serial must be a positive integer, got 9007199254740992"],
    ["revision", (p) => { p.revision = "HEAD"; }, "revision must be a lowercase hex commit id, got \"HEAD\""],
    ["revision upper", (p) => { p.revision = "A".repeat(40); }, "revision must be a lowercase hex commit id, got \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""],
    ["created_at", (p) => { p.created_at = "yesterday"; }, "created_at must be ISO-8601 UTC like \"2026-01-02T03:04:05Z\", got \"yesterday\""],
    ["created_at impossible", (p) => { p.created_at = "2026-02-30T00:00:00Z"; }, "created_at must be ISO-8601 UTC like \"2026-01-02T03:04:05Z\", got \"2026-02-30T00:00:00Z\""],
    ["expires_at ms", (p) => { p.expires_at = "2026-02-01T03:04:05.000Z"; }, "expires_at must be ISO-8601 UTC like \"2026-01-02T03:04:05Z\", got \"2026-02-01T03:04:05.000Z\""],
    ["expires_at missing", (p) => { delete p.expires_at; }, "expires_at must be ISO-8601 UTC like \"2026-01-02T03:04:05Z\", got nothing"],
    ["expires before", (p) => { p.expires_at = p.created_at; }, "expires_at 2026-01-02T03:04:05Z is not after created_at 2026-01-02T03:04:05Z"],
    ["targets array", (p) => { p.targets = []; }, "targets must be an object, got an array"],
    ["targets missing", (p) => { delete p.targets; }, "targets must be an object, got nothing"],
    ["target name", (p) => { p.targets.Production = t(p); }, "target name \"Production\" must match ^[a-z0-9][a-z0-9_-]*$"],
    ["target null", (p) => { p.targets.production = null; }, "targets.production must be an object, got null"],
    ["target kind missing", (p) => { delete t(p).posture; }, "targets.production.posture must be an object, got nothing"],
    ["target kind array", (p) => { t(p).runtime = []; }, "targets.production.runtime must be an object, got an array"],
    ["access kind string", (p) => { t(p).access = "x"; }, "targets.production.access must be an object, got \"x\""],
    ["Statement", (p) => { t(p).access.Statement = {}; }, "targets.production.access.Statement must be an array, got an object"],
    ["rules", (p) => { t(p).data.rules = null; }, "targets.production.data.rules must be an array, got null"],
    ["default_action", (p) => { t(p).data.default_action = "Allow"; }, "targets.production.data.default_action must be \"allow\" or \"deny\", got \"Allow\""],
    ["installed_packs object", (p) => { p.installed_packs = {}; }, "installed_packs must be an array, got an object"],
    ["installed_packs item", (p) => { p.installed_packs = [5]; }, "installed_packs[0] must be an object, got 5"],
    ["installed_packs name", (p) => { p.installed_packs[0].name = 1; }, "installed_packs[0].name must be a string, got 1"],
    ["installed_packs layer", (p) => { delete p.installed_packs[0].layer; }, "installed_packs[0].layer must be a string, got nothing"],
    ["installed_packs checksum", (p) => { p.installed_packs[0].checksum = 3; }, "installed_packs[0].checksum must be a string or null, got 3"],
    ["sources missing", (p) => { delete p.sources; }, "sources must be an array, got nothing"],
    ["sources item array", (p) => { p.sources[1] = []; }, "sources[1] must be an object, got an array"],
    ["sources path empty", (p) => { p.sources[0].path = ""; }, "sources[0].path must be a non-empty string, got \"\""],
    ["sources sha256", (p) => { p.sources[1].sha256 = "x"; }, "sources[1].sha256 must be 64 lowercase hex characters, got \"x\""],
    ["sources unsorted", (p) => { p.sources.reverse(); }, "sources[1]: sources must be sorted by path without duplicates (\"edict.yaml\" after \"policies/access.yaml\")"],
    ["sources duplicate", (p) => { p.sources[1].path = p.sources[0].path; }, "sources[1]: sources must be sorted by path without duplicates (\"edict.yaml\" after \"edict.yaml\")"],
    ["digests missing", (p) => { delete p.digests; }, "digests must be an object {blake3, sha256}, got nothing"],
    ["digests string", (p) => { p.digests = "x"; }, "digests must be an object {blake3, sha256}, got \"x\""],
    ["digests blake3", (p) => { p.digests.blake3 = "A".repeat(64); }, "digests.blake3 must be 64 lowercase hex characters, got \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""],
    ["digests sha256", (p) => { delete p.digests.sha256; }, "digests.sha256 must be 64 lowercase hex characters, got nothing"],
    ["long value", (p) => { p.name = `X${"x".repeat(300)}`; }, "name must match ^[a-z0-9][a-z0-9_-]*$, got \"Xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    // two faults at once: which one is named first
    ["runtime and Statement", (p) => { t(p).runtime = 1; t(p).access.Statement = 1; }, "targets.production.runtime must be an object, got 1"],
    ["posture and rules", (p) => { t(p).posture = 1; t(p).data.rules = 1; }, "targets.production.posture must be an object, got 1"],
    ["serial and targets", (p) => { p.serial = 0; p.targets = 1; }, "serial must be a positive integer, got 0"],
    ["expires before and targets", (p) => { p.expires_at = p.created_at; p.targets = 1; }, "targets must be an object, got 1"],
    ["sources and digests", (p) => { p.sources = 1; p.digests = 1; }, "sources must be an array, got 1"],
  ];

  it.each(cases)("%s", (_, edit, message) => {
    const p = good();
    edit(p);
    const value = Object.keys(p).length === 0 ? 7 : p;
    expect(findPayloadProblem(value)).toBe(message);
    // and what verification makes of it
    let error: unknown;
    try {
      readPayload(utf8Encode(canonicalJson(value)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BundleError);
    expect(error).toMatchObject({ code: "FORMAT_ERROR", message: `payload: ${message}` });
  });
});
