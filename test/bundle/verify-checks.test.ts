/** The stateless checks shared by both verifiers, each with the input that trips it and its code. */
import { describe, expect, it } from "vitest";
import { checkDigestsMatch, checkName, checkNotExpired, checkPayloadType, checkSerialNotBelow, checkSize, checkTarget } from "../../src/bundle/verify-checks.js";
import { EXPIRES, NOW, samplePayload } from "./fixtures.js";

const codeOf = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).name;
  }
};

describe("checkDigestsMatch", () => {
  const { payload } = samplePayload();
  const { sha256, blake3 } = payload.digests;
  const other = "0".repeat(64);

  it("checks each digest it is given, SHA-256 first, and nothing else", () => {
    expect(() => checkDigestsMatch(payload, {})).not.toThrow();
    expect(() => checkDigestsMatch(payload, { sha256 })).not.toThrow();
    expect(() => checkDigestsMatch(payload, { sha256, blake3 })).not.toThrow();
    expect(() => checkDigestsMatch(payload, { sha256: other })).toThrow(`digests.sha256 is ${sha256}, but the targets hash to ${other}`);
    expect(() => checkDigestsMatch(payload, { blake3: other })).toThrow(`digests.blake3 is ${blake3}, but the targets hash to ${other}`);
    expect(() => checkDigestsMatch(payload, { sha256: other, blake3: other })).toThrow(/^digests\.sha256 /);
    expect(() => checkDigestsMatch(payload, { sha256, blake3: other })).toThrow(/^digests\.blake3 /);
    expect(codeOf(() => checkDigestsMatch(payload, { sha256: other }))).toBe("DIGEST_MISMATCH");
  });
});

describe("the other checks", () => {
  const { payload } = samplePayload();

  it("refuse with their codes", () => {
    expect(codeOf(() => checkSize(new Uint8Array(11), 10))).toBe("TOO_LARGE");
    expect(codeOf(() => checkSize(new Uint8Array(10), 10))).toBeUndefined();
    expect(codeOf(() => checkPayloadType({ payloadType: "application/json" }))).toBe("PAYLOAD_TYPE_ERROR");
    expect(codeOf(() => checkNotExpired(payload, EXPIRES))).toBe("EXPIRED");
    expect(codeOf(() => checkNotExpired(payload, NOW))).toBeUndefined();
    expect(codeOf(() => checkNotExpired(payload, new Date(NaN)))).toBe("TypeError");
    expect(codeOf(() => checkNotExpired({ ...payload, expires_at: "never" }, NOW))).toBe("EXPIRED");
    expect(codeOf(() => checkName(payload, "other"))).toBe("NAME_MISMATCH");
    expect(codeOf(() => checkSerialNotBelow(3, 4))).toBe("ROLLBACK");
    expect(codeOf(() => checkSerialNotBelow(4, 4))).toBeUndefined();
    expect(codeOf(() => checkSerialNotBelow(Number.NaN, 4))).toBe("TypeError");
  });

  it("name a missing target and what the bundle has instead", () => {
    expect(() => checkTarget(payload, "dev")).toThrow('bundle acme 1.2.3 has no target "dev" (it has production, staging)');
    expect(() => checkTarget({ ...payload, targets: {} }, "dev")).toThrow('bundle acme 1.2.3 has no target "dev" (it has none)');
    expect(codeOf(() => checkTarget(payload, "toString"))).toBe("TARGET_MISSING");
    expect(codeOf(() => checkTarget(payload, "production"))).toBeUndefined();
  });
});
