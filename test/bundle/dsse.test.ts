import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64, toBase64Url } from "../../src/bundle/base64.js";
import { utf8Decode, utf8Encode } from "../../src/bundle/bytes.js";
import type { DsseEnvelope } from "../../src/bundle/dsse.js";
import { MAX_SIGNATURES, pae, parseEnvelope, signEnvelope, toEnvelopeBytes, toEnvelopeJson, verifyEnvelope } from "../../src/bundle/dsse.js";
import { BundleError, BundleIntegrityError, BundleKeyError, BundleTrustError } from "../../src/bundle/errors.js";
import type { PrivateKey } from "../../src/bundle/keys.js";
import { paeHeader } from "../../src/bundle/pae.js";
import { PrivateKey as PrivateKeyClass, toPublicKeyPem } from "../../src/bundle/keys.js";

const TYPE = "application/vnd.edict.bundle.v1+json";
const seeded = (n: number): PrivateKey => PrivateKeyClass.fromSeed(new Uint8Array(32).fill(n));
const [k1, k2, k3, outsider] = [seeded(1), seeded(2), seeded(3), seeded(9)] as [PrivateKey, PrivateKey, PrivateKey, PrivateKey];
const payload = utf8Encode('{"format":"edict.bundle/v1","name":"acme","serial":7}');

function caught(fn: () => unknown): BundleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BundleError) return e;
    throw e;
  }
  throw new Error("expected a BundleError");
}

function expectRefused(fn: () => unknown, cls: abstract new (...args: never[]) => BundleError, code: string): BundleError {
  const e = caught(fn);
  expect(e).toBeInstanceOf(cls);
  expect(e.code).toBe(code);
  return e;
}

describe("DSSE PAE", () => {
  it("matches the DSSE protocol example", () => {
    expect(utf8Decode(pae("http://example.com/HelloWorld", utf8Encode("hello world")))).toBe(
      "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    );
  });

  it("counts bytes, not characters, and handles empty parts", () => {
    expect(utf8Decode(pae("", new Uint8Array()))).toBe("DSSEv1 0  0 ");
    expect(utf8Decode(pae("t€", utf8Encode("é")))).toBe("DSSEv1 4 t€ 2 é");
    const bin = pae("x", Uint8Array.of(0, 255, 32));
    expect(Array.from(bin.subarray(-3))).toEqual([0, 255, 32]);
  });

  it("its header is what comes before the body, for a body of that many bytes", () => {
    expect(utf8Decode(paeHeader("t€", 2))).toBe("DSSEv1 4 t€ 2 ");
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), (type, body) => {
        const header = paeHeader(type, body.length);
        const whole = pae(type, body);
        expect(whole.subarray(0, header.length)).toEqual(header);
        expect(whole.subarray(header.length)).toEqual(body);
      }),
    );
  });
});

describe("signEnvelope / verifyEnvelope", () => {
  it("signs and verifies; returns the exact payload and the signer's keyid", () => {
    const env = signEnvelope(payload, TYPE, [k1]);
    expect(env.payloadType).toBe(TYPE);
    expect(fromBase64(env.payload)).toEqual(payload);
    expect(env.signatures).toHaveLength(1);
    expect(env.signatures[0]!.keyid).toBe(k1.keyid);
    expect(fromBase64(env.signatures[0]!.sig)).toHaveLength(64);
    const result = verifyEnvelope(toEnvelopeBytes(env), { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE });
    expect(result.payload).toEqual(payload);
    expect(result.keyids).toEqual([k1.keyid]);
    expect(result.payloadType).toBe(TYPE);
  });

  it("accepts the envelope as bytes, text or object and trusted keys as PEM, raw bytes or objects", () => {
    const env = signEnvelope(payload, TYPE, [k1]);
    for (const input of [toEnvelopeBytes(env), toEnvelopeJson(env), env, JSON.stringify(env, null, 2)]) {
      for (const key of [k1.publicKey, toPublicKeyPem(k1.publicKey), k1.publicKey.bytes]) {
        expect(verifyEnvelope(input, { trustedKeys: [key], expectedPayloadType: TYPE }).payload).toEqual(payload);
      }
    }
  });

  it("is deterministic and canonical", () => {
    const a = toEnvelopeJson(signEnvelope(payload, TYPE, [k2, k1]));
    expect(toEnvelopeJson(signEnvelope(payload, TYPE, [k2, k1]))).toBe(a);
    expect(a.startsWith('{"payload":"')).toBe(true);
    expect(a).toContain(`"signatures":[{"keyid":"${k2.keyid}","sig":"`);
  });

  it("accepts base64url payload and signatures (DSSE allows either encoding)", () => {
    const env = signEnvelope(payload, TYPE, [k1]);
    const url: DsseEnvelope = {
      payloadType: TYPE,
      payload: toBase64Url(fromBase64(env.payload)),
      signatures: [{ keyid: k1.keyid, sig: toBase64Url(fromBase64(env.signatures[0]!.sig)) }],
    };
    expect(verifyEnvelope(url, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }).payload).toEqual(payload);
  });

  it("accepts a signature without keyid when a trusted key verifies it", () => {
    const env = signEnvelope(payload, TYPE, [k2]);
    const bare = { ...env, signatures: [{ sig: env.signatures[0]!.sig }] };
    expect(verifyEnvelope(bare, { trustedKeys: [k1.publicKey, k2.publicKey], expectedPayloadType: TYPE }).keyids).toEqual([k2.keyid]);
    const byOutsider = signEnvelope(payload, TYPE, [outsider]);
    const bareOutsider = { ...byOutsider, signatures: [{ sig: byOutsider.signatures[0]!.sig }] };
    expectRefused(() => verifyEnvelope(bareOutsider, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleTrustError, "UNTRUSTED_KEY");
  });

  it("property: any single byte flip in the payload or a signature fails verification", () => {
    const env = signEnvelope(payload, TYPE, [k1]);
    const sig = fromBase64(env.signatures[0]!.sig);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (inPayload, index, mask) => {
          const target = Uint8Array.from(inPayload ? payload : sig);
          const i = index % target.length;
          target[i]! ^= mask;
          const tampered: DsseEnvelope = inPayload
            ? { ...env, payload: toBase64(target) }
            : { ...env, signatures: [{ keyid: k1.keyid, sig: toBase64(target) }] };
          const e = expectRefused(() => verifyEnvelope(tampered, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
          expect(e.message).toMatch(/does not verify/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: no single byte change to the serialised envelope yields a different accepted payload", () => {
    const bytes = toEnvelopeBytes(signEnvelope(payload, TYPE, [k1]));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const tampered = Uint8Array.from(bytes);
        tampered[index % tampered.length]! ^= mask;
        let accepted: Uint8Array | undefined;
        try {
          accepted = verifyEnvelope(tampered, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }).payload;
        } catch (e) {
          expect(e).toBeInstanceOf(BundleError);
          return;
        }
        expect(accepted).toEqual(payload);
      }),
      { numRuns: 500 },
    );
  });

  describe("k-of-n thresholds", () => {
    const trustedKeys = [k1.publicKey, k2.publicKey, k3.publicKey];

    it("2-of-3 passes with two signers and fails with one", () => {
      const two = signEnvelope(payload, TYPE, [k1, k3]);
      expect(verifyEnvelope(two, { trustedKeys, threshold: 2, expectedPayloadType: TYPE }).keyids).toEqual([k1.keyid, k3.keyid]);
      const one = signEnvelope(payload, TYPE, [k2]);
      const e = expectRefused(() => verifyEnvelope(one, { trustedKeys, threshold: 2, expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
      expect(e.message).toMatch(/1 of the 2 required/);
    });

    it("the same key signing twice counts once", () => {
      const one = signEnvelope(payload, TYPE, [k1]);
      const doubled = { ...one, signatures: [one.signatures[0]!, one.signatures[0]!] };
      expectRefused(() => verifyEnvelope(doubled, { trustedKeys, threshold: 2, expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
      const noKeyids = { ...one, signatures: [{ sig: one.signatures[0]!.sig }, { sig: one.signatures[0]!.sig }] };
      expectRefused(() => verifyEnvelope(noKeyids, { trustedKeys, threshold: 2, expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
      // signEnvelope itself de-duplicates keys
      expect(signEnvelope(payload, TYPE, [k1, k1]).signatures).toHaveLength(1);
    });

    it("the same trusted key pinned twice counts once", () => {
      const env = signEnvelope(payload, TYPE, [k1]);
      expect(() => verifyEnvelope(env, { trustedKeys: [k1.publicKey, toPublicKeyPem(k1.publicKey)], threshold: 2, expectedPayloadType: TYPE })).toThrow(TypeError);
    });

    it("an untrusted co-signer does not count", () => {
      const env = signEnvelope(payload, TYPE, [k1, outsider]);
      expectRefused(() => verifyEnvelope(env, { trustedKeys, threshold: 2, expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
      expect(verifyEnvelope(env, { trustedKeys, expectedPayloadType: TYPE }).keyids).toEqual([k1.keyid]);
    });

    it("threshold must be an integer between 1 and the number of trusted keys", () => {
      const env = signEnvelope(payload, TYPE, [k1, k2, k3]);
      for (const threshold of [0, 4, 1.5, -1, Number.NaN]) {
        expect(() => verifyEnvelope(env, { trustedKeys, threshold, expectedPayloadType: TYPE })).toThrow(TypeError);
      }
      expect(verifyEnvelope(env, { trustedKeys, threshold: 3, expectedPayloadType: TYPE }).keyids).toHaveLength(3);
    });
  });

  it("keyid spoofing: a signature claiming a trusted keyid but made by another key is SIGNATURE_ERROR", () => {
    const forged = signEnvelope(payload, TYPE, [outsider]);
    const spoofed = { ...forged, signatures: [{ keyid: k1.keyid, sig: forged.signatures[0]!.sig }] };
    const e = expectRefused(() => verifyEnvelope(spoofed, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
    expect(e.message).toContain(k1.keyid);
    // also when a genuine signature is present beside it: the envelope has been tampered with
    const genuine = signEnvelope(payload, TYPE, [k1]);
    const mixed = { ...genuine, signatures: [...genuine.signatures, { keyid: k1.keyid, sig: forged.signatures[0]!.sig }] };
    expectRefused(() => verifyEnvelope(mixed, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
  });

  it("a validly signed envelope by an unpinned key is UNTRUSTED_KEY", () => {
    const env = signEnvelope(payload, TYPE, [outsider]);
    const e = expectRefused(() => verifyEnvelope(env, { trustedKeys: [k1.publicKey, k2.publicKey], expectedPayloadType: TYPE }), BundleTrustError, "UNTRUSTED_KEY");
    expect(e.message).toContain(outsider.keyid);
    expect(e.message).toContain(k1.keyid);
  });

  it("a wrong payload type is PAYLOAD_TYPE_ERROR, even when validly signed", () => {
    const env = signEnvelope(payload, "application/vnd.in-toto+json", [k1]);
    expectRefused(() => verifyEnvelope(env, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleIntegrityError, "PAYLOAD_TYPE_ERROR");
    // the type is authenticated by PAE: relabelling a signed envelope breaks the signature
    const relabelled = { ...env, payloadType: TYPE };
    expectRefused(() => verifyEnvelope(relabelled, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
  });

  it("an unsigned envelope is refused whatever the trust settings", () => {
    const env = { ...signEnvelope(payload, TYPE, [k1]), signatures: [] };
    expectRefused(() => verifyEnvelope(env, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE }), BundleIntegrityError, "SIGNATURE_ERROR");
    expect(() => verifyEnvelope(signEnvelope(payload, TYPE, [k1]), { trustedKeys: [], expectedPayloadType: TYPE })).toThrow(TypeError);
  });

  it("a malformed trusted key is KEY_ERROR naming its index", () => {
    const env = signEnvelope(payload, TYPE, [k1]);
    const e = expectRefused(() => verifyEnvelope(env, { trustedKeys: [k1.publicKey, "garbage"], expectedPayloadType: TYPE }), BundleKeyError, "KEY_ERROR");
    expect(e.message).toMatch(/^trustedKeys\[1\]: /);
    expect(e.cause).toBeInstanceOf(BundleKeyError);
  });

  describe("malformed envelopes are FORMAT_ERROR", () => {
    const env = signEnvelope(payload, TYPE, [k1]);
    const sig = env.signatures[0]!;
    const verify = (input: Uint8Array | string | DsseEnvelope) => () =>
      verifyEnvelope(input, { trustedKeys: [k1.publicKey], expectedPayloadType: TYPE });

    it("duplicate keys (parser differential) are rejected, at the top and inside signatures", () => {
      const good = toEnvelopeJson(env);
      const evil = signEnvelope(utf8Encode('{"evil":true}'), TYPE, [outsider]);
      // JSON.parse keeps the last "payload" (the evil one); a first-wins parser sees the signed one
      const dupPayload = good.replace(',"payloadType":', `,"payload":"${evil.payload}","payloadType":`);
      expect(JSON.parse(dupPayload).payload).toBe(evil.payload);
      const e = expectRefused(verify(dupPayload), BundleIntegrityError, "FORMAT_ERROR");
      expect(e.message).toMatch(/duplicate key "payload"/);
      const escapedDup = good.replace('{"payload":', `{"p\\u0061yload":"${evil.payload}","payload":`);
      expectRefused(verify(escapedDup), BundleIntegrityError, "FORMAT_ERROR");
      const dupSig = good.replace('"sig":', `"sig":"${evil.signatures[0]!.sig}","sig":`);
      expectRefused(verify(dupSig), BundleIntegrityError, "FORMAT_ERROR");
      const dupType = good.replace('"payloadType":', '"payloadType":"x","payloadType":');
      expectRefused(verify(utf8Encode(dupType)), BundleIntegrityError, "FORMAT_ERROR");
    });

    it("missing or mistyped fields, non-JSON, bad UTF-8, bad base64, too many signatures", () => {
      const cases: (Uint8Array | string | DsseEnvelope)[] = [
        "",
        "[]",
        "null",
        '"envelope"',
        "{",
        Uint8Array.of(0x7b, 0xff, 0x7d),
        utf8Encode(`\ufeff${toEnvelopeJson(env)}`),
        { payload: env.payload, signatures: env.signatures } as unknown as DsseEnvelope,
        { payloadType: TYPE, signatures: env.signatures } as unknown as DsseEnvelope,
        { payloadType: TYPE, payload: env.payload } as unknown as DsseEnvelope,
        { ...env, signatures: sig } as unknown as DsseEnvelope,
        { ...env, signatures: "sig" } as unknown as DsseEnvelope,
        { ...env, payloadType: 1 } as unknown as DsseEnvelope,
        { ...env, payload: 5 } as unknown as DsseEnvelope,
        { ...env, signatures: [null] } as unknown as DsseEnvelope,
        { ...env, signatures: [{ keyid: k1.keyid }] } as unknown as DsseEnvelope,
        { ...env, signatures: [{ keyid: 5, sig: sig.sig }] } as unknown as DsseEnvelope,
        { ...env, payload: `${env.payload}!` },
        { ...env, payload: env.payload.replace(/=+$/, "") + "A=" },
        { ...env, signatures: [{ keyid: k1.keyid, sig: `${sig.sig} ` }] },
        { ...env, signatures: Array.from({ length: MAX_SIGNATURES + 1 }, () => sig) },
        `{"payloadType":"${TYPE}","payload":"${env.payload}","signatures":[${"[".repeat(20)}${"]".repeat(20)}]}`,
      ];
      cases.forEach((input, i) => {
        const e = caught(verify(input));
        expect(e, `case ${i}`).toBeInstanceOf(BundleIntegrityError);
        expect(e.code, `case ${i}: ${e.message}`).toBe("FORMAT_ERROR");
      });
    });

    it("unknown fields are ignored, as DSSE's protobuf schema does", () => {
      const extra = { ...env, extra: 1, signatures: [{ ...sig, note: "x" }] };
      expect(verify(extra)().payload).toEqual(payload);
      expect(parseEnvelope(toEnvelopeJson(env))).toEqual(env);
    });
  });

  it("signEnvelope refuses bad arguments with TypeError", () => {
    expect(() => signEnvelope(payload, TYPE, [])).toThrow(TypeError);
    expect(() => signEnvelope(payload, "", [k1])).toThrow(TypeError);
    expect(() => signEnvelope("x" as unknown as Uint8Array, TYPE, [k1])).toThrow(TypeError);
  });
});
