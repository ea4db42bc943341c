import fc from "fast-check";
import { blake3Hex } from "../../src/bundle/digest-blake3.js";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/bundle/base64.js";
import { utf8Decode, utf8Encode } from "../../src/bundle/bytes.js";
import { canonicalJson } from "../../src/bundle/canonical-json.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { BundleError, BundleIntegrityError, BundleKeyError, BundleRetrievalError, BundleTrustError } from "../../src/bundle/errors.js";
import { toPublicKeyPem } from "../../src/bundle/keys.js";
import { checkSerialNotBelow, DEFAULT_MAX_BUNDLE_BYTES, verifyBundle } from "../../src/bundle/verify.js";
import type { VerifyBundleOptions } from "../../src/bundle/verify.js";
import { caught, craft, EXPIRES, KEY, KEY2, NOW, OUTSIDER, sampleBundle, samplePayload } from "./fixtures.js";

const trusted: VerifyBundleOptions = { trustedKeys: [KEY.publicKey], now: NOW };

function expectRefused(fn: () => unknown, cls: abstract new (...args: never[]) => BundleError, code: string): BundleError {
  const e = caught(fn);
  expect(e).toBeInstanceOf(cls);
  expect(e.code).toBe(code);
  return e;
}

/** The bundle's envelope as an object, for surgical edits. */
function envelopeOf(bytes: Uint8Array): { payloadType: string; payload: string; signatures: Array<{ keyid: string; sig: string }> } {
  return JSON.parse(utf8Decode(bytes));
}

/** A signed payload made from the sample one with `edit` applied to its parsed value. */
function signedWith(edit: (p: Record<string, unknown>) => void): Uint8Array {
  const value = JSON.parse(utf8Decode(samplePayload().bytes)) as Record<string, unknown>;
  edit(value);
  return craft(value);
}

describe("verifyBundle: accepts", () => {
  it("a bundle signed by a pinned key and returns payload, keyids and the file's sha256", () => {
    const bytes = sampleBundle();
    const result = verifyBundle(bytes, trusted);
    expect(result.payload).toEqual(samplePayload().payload);
    expect(result.payloadBytes).toEqual(samplePayload().bytes);
    expect(result.keyids).toEqual([KEY.keyid]);
    expect(result.sha256).toBe(sha256Hex(bytes));
  });

  it("pinned keys as PEM text, and a target, name and threshold that match", () => {
    const bytes = sampleBundle([KEY, KEY2]);
    const result = verifyBundle(bytes, {
      trustedKeys: [toPublicKeyPem(KEY.publicKey), KEY2.publicKey.bytes],
      threshold: 2,
      now: NOW,
      target: "production",
      expectedName: "acme",
    });
    expect(result.keyids).toEqual([KEY.keyid, KEY2.keyid]);
  });

  it("an expired bundle only with allowExpired (reading a previous release)", () => {
    expect(verifyBundle(sampleBundle(), { ...trusted, now: new Date("2030-01-01T00:00:00Z"), allowExpired: true }).payload.serial).toBe(4);
  });
});

describe("verifyBundle: refuses, with the loader's error codes", () => {
  it("TOO_LARGE: more than maxBytes, before parsing", () => {
    const bytes = sampleBundle();
    expectRefused(() => verifyBundle(bytes, { ...trusted, maxBytes: bytes.length - 1 }), BundleRetrievalError, "TOO_LARGE");
    expect(verifyBundle(bytes, { ...trusted, maxBytes: bytes.length }).payload.name).toBe("acme");
    const huge = new Uint8Array(DEFAULT_MAX_BUNDLE_BYTES + 1).fill(0x20);
    expectRefused(() => verifyBundle(huge, trusted), BundleRetrievalError, "TOO_LARGE");
  });

  it("FORMAT_ERROR: an envelope that is not strict JSON", () => {
    expectRefused(() => verifyBundle(utf8Encode("not json"), trusted), BundleIntegrityError, "FORMAT_ERROR");
    const env = utf8Decode(sampleBundle());
    const duplicated = env.replace('{"payload":', '{"payload":"AAAA","payload":');
    expect(caught(() => verifyBundle(utf8Encode(duplicated), trusted)).message).toMatch(/duplicate key "payload"/);
  });

  it("FORMAT_ERROR: an envelope changed after signing in its unsigned parts (malleability)", () => {
    const bytes = sampleBundle();
    const env = envelopeOf(bytes);
    const variants = [
      JSON.stringify(env, null, 2), // re-serialised
      utf8Decode(bytes).replace('"keyid"', '"jeyid"'), // keyid hint renamed away: still a valid DSSE signature
      JSON.stringify({ ...env, extra: 1 }), // unknown field
      JSON.stringify({ ...env, signatures: [{ ...env.signatures[0]!, sig: env.signatures[0]!.sig.replace(/=+$/, "") }] }), // unpadded base64url
    ];
    for (const text of variants) {
      const e = expectRefused(() => verifyBundle(utf8Encode(text), trusted), BundleIntegrityError, "FORMAT_ERROR");
      expect(e.message).toMatch(/not in the canonical form edict writes/);
    }
  });

  it("FORMAT_ERROR: a payload or signature in another base64 spelling of the same bytes", () => {
    const env = envelopeOf(sampleBundle());
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // before padding, the last character carries unused low bits: setting one spells the same bytes
    const unusedBitSet = (b64: string): string => {
      const at = b64.replace(/=+$/, "").length - 1;
      return b64.slice(0, at) + alphabet[alphabet.indexOf(b64[at]!) ^ 1] + b64.slice(at + 1);
    };
    const payloadBytes = fromBase64(env.payload);
    const variants = [
      { ...env, signatures: [{ ...env.signatures[0]!, sig: unusedBitSet(env.signatures[0]!.sig) }] },
      // a line break, which lenient decoders skip
      { ...env, payload: `${env.payload.slice(0, 76)}\n${env.payload.slice(76)}` },
    ];
    if (env.payload.endsWith("=")) variants.push({ ...env, payload: unusedBitSet(env.payload) });
    const url = Buffer.from(payloadBytes).toString("base64url");
    if (url !== env.payload.replace(/=+$/, "")) variants.push({ ...env, payload: url });
    for (const variant of variants) {
      expect(Buffer.from(variant.payload, "base64")).toEqual(Buffer.from(payloadBytes));
      const e = expectRefused(() => verifyBundle(utf8Encode(canonicalJson(variant)), trusted), BundleIntegrityError, "FORMAT_ERROR");
      expect(e.message).toMatch(/not in the canonical form edict writes/);
    }
  });

  it("strict base64 decodes a string only when it is the one spelling toBase64 gives its bytes", () => {
    // verifyBundle's canonical check of the payload and signatures rests on this
    const chars = fc.constantFrom(..."AQgw/+Zz09=".split(""));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }), (list) => {
        const text = list.join("");
        let decoded: Uint8Array | undefined;
        try {
          decoded = fromBase64(text);
        } catch {
          return;
        }
        expect(toBase64(decoded)).toBe(text);
      }),
      { numRuns: 20_000 },
    );
  });

  it("PAYLOAD_TYPE_ERROR: a validly signed document of another type", () => {
    const bytes = craft(samplePayload().bytes, [KEY], "application/vnd.in-toto+json");
    expectRefused(() => verifyBundle(bytes, trusted), BundleIntegrityError, "PAYLOAD_TYPE_ERROR");
  });

  it("SIGNATURE_ERROR: one payload byte changed after signing", () => {
    const env = envelopeOf(sampleBundle());
    const payload = fromBase64(env.payload);
    const i = payload.indexOf(0x44 /* D of "Deny" */);
    payload[i] = 0x41; // "Aeny": a different payload under the same signature
    env.payload = toBase64(payload);
    expectRefused(() => verifyBundle(utf8Encode(JSON.stringify(env)), trusted), BundleIntegrityError, "SIGNATURE_ERROR");
  });

  it("SIGNATURE_ERROR: a signature byte changed", () => {
    const env = envelopeOf(sampleBundle());
    const sig = fromBase64(env.signatures[0]!.sig);
    sig[10]! ^= 1;
    env.signatures[0]!.sig = toBase64(sig);
    expectRefused(() => verifyBundle(utf8Encode(JSON.stringify(env)), trusted), BundleIntegrityError, "SIGNATURE_ERROR");
  });

  it("SIGNATURE_ERROR: fewer trusted signers than the threshold", () => {
    const e = expectRefused(() => verifyBundle(sampleBundle([KEY]), { ...trusted, trustedKeys: [KEY.publicKey, KEY2.publicKey], threshold: 2 }), BundleIntegrityError, "SIGNATURE_ERROR");
    expect(e.message).toMatch(/signed by 1 of the 2 required/);
  });

  it("SIGNATURE_ERROR: an envelope without signatures", () => {
    const env = envelopeOf(sampleBundle());
    env.signatures = [];
    expectRefused(() => verifyBundle(utf8Encode(JSON.stringify(env)), trusted), BundleIntegrityError, "SIGNATURE_ERROR");
  });

  it("UNTRUSTED_KEY: validly signed, but by a key that is not pinned", () => {
    const e = expectRefused(() => verifyBundle(sampleBundle([OUTSIDER]), trusted), BundleTrustError, "UNTRUSTED_KEY");
    expect(e.message).toContain(OUTSIDER.keyid);
  });

  it("FORMAT_ERROR: a signed payload with duplicate keys (parser differential)", () => {
    const text = utf8Decode(samplePayload().bytes).replace('{"created_at":', '{"name":"evil","created_at":');
    const e = expectRefused(() => verifyBundle(craft(utf8Encode(text)), trusted), BundleIntegrityError, "FORMAT_ERROR");
    expect(e.message).toMatch(/duplicate key "name"/);
  });

  it("FORMAT_ERROR: a signed payload of another format", () => {
    const e = expectRefused(() => verifyBundle(signedWith((p) => (p.format = "edict.bundle/v2")), trusted), BundleIntegrityError, "FORMAT_ERROR");
    expect(e.message).toMatch(/format is "edict.bundle\/v2", expected "edict.bundle\/v1"/);
  });

  it("FORMAT_ERROR: a signed payload missing a required field", () => {
    const e = expectRefused(() => verifyBundle(signedWith((p) => delete p.serial), trusted), BundleIntegrityError, "FORMAT_ERROR");
    expect(e.message).toMatch(/serial must be a positive integer, got nothing/);
  });

  it("FORMAT_ERROR: a signed payload that is not canonical JSON", () => {
    const pretty = JSON.stringify(JSON.parse(utf8Decode(samplePayload().bytes)), null, 2);
    const e = expectRefused(() => verifyBundle(craft(utf8Encode(pretty)), trusted), BundleIntegrityError, "FORMAT_ERROR");
    expect(e.message).toMatch(/not RFC 8785 canonical/);
    expectRefused(() => verifyBundle(craft(utf8Encode("[1,2]")), trusted), BundleIntegrityError, "FORMAT_ERROR");
    expectRefused(() => verifyBundle(craft(Uint8Array.of(0xff, 0xfe)), trusted), BundleIntegrityError, "FORMAT_ERROR");
  });

  it("DIGEST_MISMATCH: signed targets that do not match the signed digests (a Deny turned Allow)", () => {
    const bytes = signedWith((p) => {
      const statements = (p.targets as { production: { access: { Statement: Array<{ Effect: string }> } } }).production.access.Statement;
      statements[1]!.Effect = "Allow";
    });
    const e = expectRefused(() => verifyBundle(bytes, trusted), BundleIntegrityError, "DIGEST_MISMATCH");
    expect(e.message).toMatch(/digests\.sha256 is [0-9a-f]{64}, but the targets hash to [0-9a-f]{64}/);
    const blake = signedWith((p) => ((p.digests as { blake3: string }).blake3 = "0".repeat(64)));
    // The CLI checks BLAKE3 too; the loader relies on the signed SHA-256 digest alone.
    expect(expectRefused(() => verifyBundle(blake, { ...trusted, blake3: blake3Hex }), BundleIntegrityError, "DIGEST_MISMATCH").message).toMatch(/blake3/);
    expect(verifyBundle(blake, trusted).payload.digests.blake3).toBe("0".repeat(64));
  });

  it("EXPIRED: at and after expires_at (freeze attack)", () => {
    expectRefused(() => verifyBundle(sampleBundle(), { ...trusted, now: EXPIRES }), BundleTrustError, "EXPIRED");
    expect(verifyBundle(sampleBundle(), { ...trusted, now: new Date(EXPIRES.getTime() - 1000) }).payload.name).toBe("acme");
    const e = caught(() => verifyBundle(sampleBundle(), { trustedKeys: [KEY.publicKey] })); // the real clock: long after 2026-02
    if (Date.now() >= EXPIRES.getTime()) expect(e.code).toBe("EXPIRED");
  });

  it("NAME_MISMATCH (trust): a bundle for another repository (mix-and-match)", () => {
    const e = expectRefused(() => verifyBundle(sampleBundle(), { ...trusted, expectedName: "payroll" }), BundleTrustError, "NAME_MISMATCH");
    expect(e.message).toBe('bundle is for "acme", expected "payroll"');
  });

  it("TARGET_MISSING: a target the bundle lacks, including inherited property names", () => {
    for (const target of ["development", "__proto__", "toString"]) {
      const e = caught(() => verifyBundle(sampleBundle(), { ...trusted, target }));
      expect(e.code).toBe("TARGET_MISSING");
    }
    expect(caught(() => verifyBundle(sampleBundle(), { ...trusted, target: "dev" })).message).toMatch(/has no target "dev" \(it has production, staging\)/);
  });

  it("checks in order: signature before payload, payload before expiry", () => {
    const untrustedAndWrongType = craft(samplePayload().bytes, [OUTSIDER], "text/plain");
    expect(caught(() => verifyBundle(untrustedAndWrongType, trusted)).code).toBe("PAYLOAD_TYPE_ERROR");
    const badFormatUntrusted = craft({ format: "nope" }, [OUTSIDER]);
    expect(caught(() => verifyBundle(badFormatUntrusted, trusted)).code).toBe("UNTRUSTED_KEY");
    const expiredAndWrongName = sampleBundle();
    expect(caught(() => verifyBundle(expiredAndWrongName, { ...trusted, now: EXPIRES, expectedName: "x" })).code).toBe("EXPIRED");
  });

  it("bad options: KEY_ERROR for a bad pinned key, TypeError for no keys or a bad threshold", () => {
    expectRefused(() => verifyBundle(sampleBundle(), { trustedKeys: ["not a key"], now: NOW }), BundleKeyError, "KEY_ERROR");
    expect(() => verifyBundle(sampleBundle(), { trustedKeys: [], now: NOW })).toThrow(TypeError);
    expect(() => verifyBundle(sampleBundle(), { ...trusted, threshold: 2 })).toThrow(TypeError);
    expect(() => verifyBundle("text" as unknown as Uint8Array, trusted)).toThrow(TypeError);
  });

  it("any single byte flip of the bundle file fails verification", () => {
    const bytes = sampleBundle();
    expect(verifyBundle(bytes, trusted).payload.serial).toBe(4);
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const flipped = Uint8Array.from(bytes);
        flipped[index]! ^= mask;
        expect(() => verifyBundle(flipped, trusted)).toThrow(BundleError);
      }),
      { numRuns: 1000 },
    );
  });

  it("any change to the signed payload value fails unless re-signed", () => {
    const env = envelopeOf(sampleBundle());
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), (name) => {
        const value = JSON.parse(utf8Decode(fromBase64(env.payload))) as Record<string, unknown>;
        value.name = `x${name}`;
        const forged = { ...env, payload: toBase64(utf8Encode(canonicalJson(value))) };
        expect(() => verifyBundle(utf8Encode(JSON.stringify(forged)), trusted)).toThrow(BundleError);
      }),
      { numRuns: 50 },
    );
  });
});

describe("checkSerialNotBelow", () => {
  it("ROLLBACK below the highest serial seen; equal and higher pass", () => {
    expect(() => checkSerialNotBelow(5, 5)).not.toThrow();
    expect(() => checkSerialNotBelow(6, 5)).not.toThrow();
    const e = caught(() => checkSerialNotBelow(4, 5));
    expect(e).toBeInstanceOf(BundleTrustError);
    expect(e.code).toBe("ROLLBACK");
    expect(e.message).toMatch(/serial 4 is below 5/);
    expect(() => checkSerialNotBelow(1.5, 1)).toThrow(TypeError);
  });
});
