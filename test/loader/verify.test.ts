/**
 * The loader's asynchronous verifier (src/loader/verify.ts) against the reference, `verifyBundle`
 * (src/bundle/verify.ts): on valid bundles, on hostile edits of the envelope text, on re-signed
 * hostile payloads and under every trust setting, both accept with the same result or both refuse
 * with the same code. Likewise the loader's key reader against `parsePublicKey`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64, toBase64Url } from "../../src/bundle/base64.js";
import { utf8Decode, utf8Encode } from "../../src/bundle/bytes.js";
import { BundleError } from "../../src/bundle/errors.js";
import { parsePublicKey, PublicKey, toPublicKeyPem, toPrivateKeyPem } from "../../src/bundle/keys.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { readTrustedKey, withKeyids } from "../../src/loader/keys.js";
import { verifyBundleBytes } from "../../src/loader/verify.js";
import { craft, EXPIRES, KEY, KEY2, NOW, OUTSIDER, sampleBundle, samplePayload } from "../bundle/fixtures.js";

type Outcome = { ok: true; payload: unknown; keyids: string[]; sha256: string } | { ok: false; code: string };

interface Setting {
  trusted: PublicKey[];
  threshold: number;
  now: Date;
  target: string;
  expectedName: string | undefined;
  maxBytes: number;
}

function reference(bytes: Uint8Array, s: Setting): Outcome {
  try {
    const v = verifyBundle(bytes, {
      trustedKeys: s.trusted,
      threshold: s.threshold,
      now: s.now,
      target: s.target,
      maxBytes: s.maxBytes,
      ...(s.expectedName === undefined ? {} : { expectedName: s.expectedName }),
    });
    return { ok: true, payload: v.payload, keyids: v.keyids, sha256: v.sha256 };
  } catch (e) {
    if (e instanceof BundleError) return { ok: false, code: e.code };
    throw e;
  }
}

async function runtime(bytes: Uint8Array, s: Setting): Promise<Outcome> {
  try {
    const keys = await withKeyids(s.trusted.map((k, i) => readTrustedKey(k, i)));
    const v = await verifyBundleBytes(bytes, { keys, threshold: s.threshold, now: s.now, target: s.target, expectedName: s.expectedName, maxBytes: s.maxBytes });
    return { ok: true, payload: v.payload, keyids: v.keyids, sha256: v.sha256 };
  } catch (e) {
    if (e instanceof BundleError) return { ok: false, code: e.code };
    throw e;
  }
}

const SIGNERS = [KEY, KEY2, OUTSIDER];
const PUBLIC = SIGNERS.map((k) => k.publicKey);
const TARGETS = Object.keys(samplePayload().payload.targets);
const PAYLOAD_TEXT = utf8Decode(samplePayload().bytes);

const signerSets = fc.subarray([0, 1, 2], { minLength: 1 }).map((ix) => ix.map((i) => SIGNERS[i]!));

const settings: fc.Arbitrary<Setting> = fc
  .record({
    trusted: fc.subarray([0, 1, 2], { minLength: 1 }).map((ix) => ix.map((i) => PUBLIC[i]!)),
    k: fc.nat(2),
    late: fc.boolean(),
    target: fc.constantFrom(...TARGETS, "nowhere"),
    expectedName: fc.constantFrom(undefined, "acme", "other"),
    tight: fc.boolean(),
  })
  .map(({ trusted, k, late, target, expectedName, tight }) => ({
    trusted,
    threshold: 1 + (k % trusted.length),
    now: late ? new Date(EXPIRES.getTime() + 1000) : NOW,
    target,
    expectedName,
    maxBytes: tight ? 2_000 : 1 << 20,
  }));

/** A setting under which the sample bundle signed by KEY is accepted; fixed examples start from it. */
const GOOD: Setting = { trusted: [KEY.publicKey], threshold: 1, now: NOW, target: TARGETS[0]!, expectedName: "acme", maxBytes: 1 << 20 };

/** Edits of the envelope text that are not re-signed: what a man in the middle can do. */
const envelopeEdits: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.record({ at: fc.nat(), char: fc.constantFrom(" ", "A", "=", "\\", '"', "{", "-", "_", "\n", "é") }).map(({ at, char }) => (t: string) => {
    const i = at % t.length;
    return t.slice(0, i) + char + t.slice(i + 1);
  }),
  fc.record({ at: fc.nat(), text: fc.constantFrom(" ", "\n", ",", '"keyid":"x",', '"extra":1,') }).map(({ at, text }) => (t: string) => {
    const i = at % t.length;
    return t.slice(0, i) + text + t.slice(i);
  }),
  fc.nat().map((n) => (t: string) => t.slice(0, n % t.length)),
  fc.constant((t: string) => t.replace(/"payload":"([A-Za-z0-9+/=]*)"/, (_, b64: string) => `"payload":"${toBase64Url(new Uint8Array(Buffer.from(b64, "base64")))}"`)),
  fc.constant((t: string) => t.replace(/=+"/, '"')),
  fc.constant((t: string) => t.replace(/"keyid":"[^"]*",/, "")),
  fc.constant((t: string) => t.replace(/"keyid":"[^"]*"/, '"keyid":""')),
  fc.constant((t: string) => t.replace(/"keyid":"ed25519:([0-9a-f]{16})"/, '"keyid":"ed25519:0000000000000000"')),
  fc.constant((t: string) => t.replace(/"keyid":"[^"]*"/, '"keyid":"\\ud800"')),
  fc.constant((t: string) => t.replace(/"signatures":\[(\{[^}]*\})/, '"signatures":[$1,$1')),
  fc.constant((t: string) => t.replace(/"signatures":\[.*\]/, '"signatures":[]')),
  fc.constant((t: string) => t.replace('"payloadType":"', '"payloadType":"x')),
  fc.constant((t: string) => t.replace(/"signatures":\[(\{[^}]*\}),(\{[^}]*\})/, '"signatures":[$2,$1')),
);

/** Hostile payload text, signed anyway: what a compromised or buggy signer could publish. */
const payloadEdits: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.constant((t: string) => t),
  fc.constantFrom("0", "-1", "1.5", "6.0", "1e400", "9007199254740993", '"4"').map((v) => (t: string) => t.replace('"serial":4', `"serial":${v}`)),
  fc.constant((t: string) => t.replace('"serial":4', '"serial":4,"serial":5')),
  fc.constant((t: string) => t.replace('"name":"acme"', '"name":"other"')),
  fc.constant((t: string) => t.replace('"name":"acme"', '"name":"a\\ud800"')),
  fc.constant((t: string) => t.replace('"name":"acme"', '"name":"a\\\\ud800"')),
  fc.constant((t: string) => t.replace(/"sha256":"[0-9a-f]{64}"\}/, `"sha256":"${"0".repeat(64)}"}`)),
  fc.constant((t: string) => t.replace(/"expires_at":"[^"]*"/, '"expires_at":"2026-01-02T03:04:06Z"')),
  fc.constant((t: string) => t.replace(/"format":"[^"]*"/, '"format":"edict.bundle/v2"')),
  fc.constant((t: string) => t.replace("{", "{ ")),
  fc.constant((t: string) => t.replace(/"revision":"[0-9a-f]+"/, `"revision":${"[".repeat(80)}${"]".repeat(80)}`)),
  fc.constant((t: string) => `\uFEFF${t}`),
  fc.nat().map((n) => (t: string) => t.slice(0, n % t.length)),
);

async function expectAgree(bytes: Uint8Array, s: Setting): Promise<Outcome> {
  const want = reference(bytes, s);
  const got = await runtime(bytes, s);
  expect(got).toEqual(want);
  return want;
}

describe("the loader's verifier agrees with verifyBundle", () => {
  it("on valid bundles under every trust setting", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(signerSets, settings, async (signers, s) => {
        if ((await expectAgree(craft(samplePayload().bytes, signers), s)).ok) accepted++;
      }),
      // fixed examples run first, so both outcomes are covered on every run
      { numRuns: 150, examples: [[[KEY], GOOD], [[KEY, KEY2], { ...GOOD, trusted: [KEY.publicKey, KEY2.publicKey], threshold: 2 }], [[OUTSIDER], GOOD]] },
    );
    expect(accepted).toBeGreaterThanOrEqual(2);
  });

  it("on hostile edits of the envelope text", async () => {
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(signerSets, fc.array(envelopeEdits, { minLength: 1, maxLength: 3 }), settings, async (signers, edits, s) => {
        const text = edits.reduce((t, edit) => edit(t), utf8Decode(craft(samplePayload().bytes, signers)));
        const outcome = await expectAgree(utf8Encode(text), s);
        codes.add(outcome.ok ? "ok" : outcome.code);
      }),
      {
        numRuns: 300,
        examples: [
          [[KEY], [(t: string) => ` ${t}`], GOOD],
          [[KEY], [(t: string) => t.replace(/"sig":"(.)/, (_, c: string) => `"sig":"${c === "A" ? "B" : "A"}`)], GOOD],
        ],
      },
    );
    expect(codes).toContain("FORMAT_ERROR");
    expect(codes).toContain("SIGNATURE_ERROR");
  });

  it("on hostile payloads signed by trusted keys", async () => {
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(signerSets, payloadEdits, settings, async (signers, edit, s) => {
        const outcome = await expectAgree(craft(utf8Encode(edit(PAYLOAD_TEXT)), signers), s);
        codes.add(outcome.ok ? "ok" : outcome.code);
      }),
      {
        numRuns: 300,
        examples: [
          [[KEY], (t: string) => t, GOOD],
          [[KEY], (t: string) => t.replace('"serial":4', '"serial":4,"serial":5'), GOOD],
          [[KEY], (t: string) => t.replace(/"sha256":"[0-9a-f]{64}"\}/, `"sha256":"${"0".repeat(64)}"}`), GOOD],
          [[KEY], (t: string) => t, { ...GOOD, now: new Date(EXPIRES.getTime() + 1000) }],
        ],
      },
    );
    for (const code of ["ok", "FORMAT_ERROR", "DIGEST_MISMATCH", "EXPIRED"]) expect(codes).toContain(code);
  });

  it("on malleated signatures: S + L, flipped bits in R and in S", async () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s: Setting = { trusted: [KEY.publicKey], threshold: 1, now: NOW, target: TARGETS[0]!, expectedName: undefined, maxBytes: 1 << 20 };
    const text = utf8Decode(sampleBundle());
    const sig = Uint8Array.from(Buffer.from((JSON.parse(text) as { signatures: Array<{ sig: string }> }).signatures[0]!.sig, "base64"));
    const withSig = (bytes: Uint8Array): Uint8Array => utf8Encode(text.replace(/"sig":"[^"]*"/, `"sig":"${toBase64(bytes)}"`));
    let scalar = 0n;
    for (let i = 31; i >= 0; i--) scalar = (scalar << 8n) | BigInt(sig[32 + i]!);
    const malleated = Uint8Array.from(sig);
    for (let i = 0, v = scalar + L; i < 32; i++, v >>= 8n) malleated[32 + i] = Number(v & 0xffn);
    const variants = [malleated, ...[0, 5, 31, 32, 40, 63].map((at) => sig.map((b, i) => (i === at ? b ^ 1 : b)))];
    for (const variant of variants) expect(await expectAgree(withSig(variant), s)).toEqual({ ok: false, code: "SIGNATURE_ERROR" });
    expect((await expectAgree(withSig(sig), s)).ok).toBe(true);
  });

  it("names a duplicate key and a non-canonical envelope in its messages", async () => {
    const s: Setting = { trusted: [KEY.publicKey], threshold: 1, now: NOW, target: TARGETS[0]!, expectedName: undefined, maxBytes: 1 << 20 };
    const keys = await withKeyids([readTrustedKey(KEY.publicKey, 0)]);
    const dup = craft(utf8Encode(PAYLOAD_TEXT.replace('"serial":4', '"serial":4,"serial":5')));
    await expect(verifyBundleBytes(dup, { ...s, keys })).rejects.toThrow(/duplicate key/);
    const spaced = utf8Encode(` ${utf8Decode(sampleBundle())}`);
    await expect(verifyBundleBytes(spaced, { ...s, keys })).rejects.toThrow(/canonical form/);
  });
});

describe("the loader's key reader agrees with parsePublicKey", () => {
  const forms = (key: PublicKey): unknown[] => {
    const raw = key.bytes;
    const der = Uint8Array.from([...Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]), ...raw]);
    return [key, raw, der, toPublicKeyPem(key), toBase64(raw), toBase64Url(raw), ` ${toBase64(raw)}\n`, toBase64(der), `notes\n${toPublicKeyPem(key)}trailing`];
  };

  it("reads every form of a valid key to the same 32 bytes", () => {
    for (const key of PUBLIC) for (const form of forms(key)) expect(readTrustedKey(form, 0)).toEqual(key.bytes);
  });

  it("refuses what parsePublicKey refuses, with KEY_ERROR and no key material in the message", () => {
    const privatePem = toPrivateKeyPem(KEY);
    const bad = [privatePem, "", "   ", "ssh-ed25519 AAAA", "not base64 !!", toBase64(new Uint8Array(31)), toBase64(new Uint8Array(33)), new Uint8Array(32)];
    for (const input of bad) {
      expect(() => parsePublicKey(input as string)).toThrow();
      let error: unknown;
      try {
        readTrustedKey(input, 3);
      } catch (e) {
        error = e;
      }
      expect(error, String(input)).toBeInstanceOf(BundleError);
      expect((error as BundleError).code).toBe("KEY_ERROR");
      expect((error as BundleError).message).toMatch(/^trustedKeys\[3\]: public key: /);
      expect((error as BundleError).message).not.toContain(privatePem.split("\n")[1]!);
    }
    expect(() => readTrustedKey(privatePem, 0)).toThrow(/private key/);
  });

  it("reads a PublicKey-shaped object only with ed25519 bytes, and names what else arrived", () => {
    const raw = KEY.publicKey.bytes;
    expect(readTrustedKey({ algorithm: "ed25519", bytes: raw }, 0)).toEqual(raw);
    const refused: Array<[unknown, RegExp]> = [
      [{ algorithm: "x25519", bytes: raw }, /got object$/],
      [{ algorithm: "ed25519", bytes: toBase64(raw) }, /got object$/],
      [{ bytes: raw }, /got object$/],
      [null, /got null$/],
      [5, /got number$/],
      [undefined, /got undefined$/],
    ];
    for (const [input, message] of refused) {
      expect(() => readTrustedKey(input, 1), String(input)).toThrow(message);
      expect(() => readTrustedKey(input, 1)).toThrow(BundleError);
    }
  });

  it("accepts and refuses the same 32-byte strings (point validity, small order)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (raw) => {
        let want: Uint8Array | undefined;
        try {
          want = parsePublicKey(raw).bytes;
        } catch {
          want = undefined;
        }
        let got: Uint8Array | undefined;
        try {
          got = readTrustedKey(raw, 0);
        } catch (e) {
          expect((e as BundleError).code).toBe("KEY_ERROR");
          got = undefined;
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it("agrees on the edge encodings: small-order points, y ≥ p, x = 0 with the sign bit set", () => {
    const le = (y: bigint, sign = 0): Uint8Array => {
      const out = new Uint8Array(32);
      for (let i = 0; i < 32; i++) out[i] = Number((y >> BigInt(8 * i)) & 0xffn);
      out[31]! |= sign << 7;
      return out;
    };
    const p = 2n ** 255n - 19n;
    const order8 = [0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n, 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n];
    const ys = [0n, 1n, 2n, p - 1n, p, p + 1n, p + 18n, 2n ** 255n - 1n, ...order8, ...order8.map((y) => p - y)];
    let refused = 0;
    for (const y of ys) {
      for (const sign of [0, 1]) {
        const raw = le(y, sign);
        let want: string;
        try {
          parsePublicKey(raw);
          want = "ok";
        } catch (e) {
          want = /small-order/.test((e as Error).message) ? "small-order" : "invalid";
        }
        let got: string;
        try {
          readTrustedKey(raw, 0);
          got = "ok";
        } catch (e) {
          got = /small-order/.test((e as Error).message) ? "small-order" : "invalid";
        }
        expect(got, `y=${y.toString(16)} sign=${sign}`).toBe(want);
        if (want !== "ok") refused++;
      }
    }
    expect(refused).toBeGreaterThan(10);
  });

  it("gives each distinct key one keyid, the same as the reference", async () => {
    const keys = await withKeyids([KEY.publicKey.bytes, KEY2.publicKey.bytes, KEY.publicKey.bytes]);
    expect(keys.map((k) => k.keyid)).toEqual([KEY.publicKey.keyid, KEY2.publicKey.keyid]);
  });
});

describe("the loader's envelope reading, pinned (code and message of each refusal)", () => {
  const s: Setting = { trusted: [KEY.publicKey], threshold: 1, now: NOW, target: TARGETS[0]!, expectedName: undefined, maxBytes: 1 << 20 };
  const refusal = async (bytes: Uint8Array): Promise<BundleError> => {
    const keys = await withKeyids([readTrustedKey(KEY.publicKey, 0)]);
    const error = await verifyBundleBytes(bytes, { ...s, keys }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BundleError);
    expect(reference(bytes, s)).toEqual({ ok: false, code: (error as BundleError).code });
    return error as BundleError;
  };
  const text = utf8Decode(sampleBundle());

  it("names a JSON syntax error at its place in the file, also when the payload before it is intact", async () => {
    for (const bad of [text.replace('"payloadType":', '"payloadType"'), text.slice(0, -1), `${text.slice(0, -1)},}`, text.replace('"signatures":[', '"signatures":[,')]) {
      let want = "";
      try {
        JSON.parse(bad);
      } catch (e) {
        want = (e as Error).message;
      }
      const error = await refusal(utf8Encode(bad));
      expect(error.code).toBe("FORMAT_ERROR");
      expect(error.message).toBe(`envelope is not strict JSON: ${want}`);
    }
    const invalidUtf8 = Uint8Array.from([...sampleBundle().subarray(0, -2), 0xff, 0x7d]);
    expect((await refusal(invalidUtf8)).message).toBe("envelope is not strict JSON: expected valid UTF-8");
  });

  it("refuses the envelope's shape before its form: wrong types, too many signatures", async () => {
    const sig = /"signatures":\[(\{[^}]*\})\]/.exec(text)![1]!;
    const cases: Array<[string, RegExp]> = [
      [text.replace(/"signatures":\[.*\]/, `"signatures":[${Array(65).fill(sig).join(",")}]`), /65 signatures, at most 64 allowed/],
      [`{"payloadType":"x","payload":"AAAA","signatures":[${Array(65).fill(sig).join(",")}]}`, /65 signatures, at most 64 allowed/],
      [text.replace('"payloadType":"', '"payloadType":1,"x":"'), /expected a DSSE envelope object/],
      [text.replace(/"sig":"[^"]*"/, '"sig":5'), /signatures\[0\] must be an object/],
      [text.replace(/"keyid":"[^"]*"/, '"keyid":null'), /signatures\[0\] must be an object/],
      [`[${text}]`, /expected a DSSE envelope object/],
    ];
    for (const [bad, message] of cases) {
      const error = await refusal(utf8Encode(bad));
      expect(error.code, bad.slice(0, 60)).toBe("FORMAT_ERROR");
      expect(error.message, bad.slice(0, 60)).toMatch(message);
    }
  });

  it("refuses every other spelling of the envelope as not canonical", async () => {
    const payload = /"payload":"([^"]*)"/.exec(text)![1]!;
    const spellings = [
      ` ${text}`,
      text.replace('{"payload"', '{"payload" '),
      text.replace(/=+"/, '"'),
      text.replace(`"payload":"${payload}"`, `"payload":"${payload.replace(/\+/g, "-").replace(/\//g, "_")}x"`),
      text.replace(/"sig":"([^"]*)=="/, '"sig":"$1"'),
      text.replace(/"keyid":"[^"]*",/, '"keyid":"",'),
      text.replace(/\}$/, ',"payload":"AAAA"}'),
      text.replace(/\}$/, ',"extra":1}'),
      text.replace('"payloadType":"', '"payloadType":"\\u0061'),
      text.replace(/"keyid":"[^"]*"/, '"keyid":"\\ud800"'),
      text.replace(/^\{"payload":("[^"]*"),("payloadType":"[^"]*")/, "{$2,\"payload\":$1"),
    ];
    for (const bad of spellings) {
      expect(bad).not.toBe(text);
      const error = await refusal(utf8Encode(bad));
      expect(error.code, bad.slice(0, 60)).toBe("FORMAT_ERROR");
      expect(error.message, bad.slice(0, 60)).toMatch(/^bundle file is not in the canonical form edict writes/);
    }
  });

  it("refuses a bad signature before a bad payload, and a bad payload before its digests", async () => {
    const broken = utf8Encode(PAYLOAD_TEXT.replace("{", "{ "));
    expect((await refusal(craft(broken, [OUTSIDER]))).code).toBe("UNTRUSTED_KEY");
    const tampered = utf8Decode(craft(broken, [KEY])).replace(/"sig":"[A-Za-z0-9+/]{2}/, (m) => m.slice(0, -2) + (m.endsWith("AA") ? "BA" : "AA"));
    expect((await refusal(utf8Encode(tampered))).code).toBe("SIGNATURE_ERROR");
    const both = PAYLOAD_TEXT.replace("{", "{ ").replace(/"sha256":"[0-9a-f]{64}"\}/, `"sha256":"${"0".repeat(64)}"}`);
    const error = await refusal(craft(utf8Encode(both), [KEY]));
    expect([error.code, error.message]).toEqual(["FORMAT_ERROR", "payload is not RFC 8785 canonical JSON (a duplicate key, whitespace, key order or number form differs)"]);
  });

  it("reads an empty payload and the signatures in order, then refuses the payload itself", async () => {
    const error = await refusal(craft(new Uint8Array(0), [KEY]));
    expect(error.code).toBe("FORMAT_ERROR");
    expect(error.message).toMatch(/^payload is not strict JSON/);
    const two = craft(samplePayload().bytes, [OUTSIDER, KEY]);
    const keys = await withKeyids([readTrustedKey(KEY.publicKey, 0)]);
    expect((await verifyBundleBytes(two, { ...s, keys })).keyids).toEqual([KEY.publicKey.keyid]);
  });
});
