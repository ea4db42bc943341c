/**
 * The signature-threshold core on its own, with a table standing in for Ed25519: the synchronous
 * and asynchronous drivers ask the same questions in the same order and reach the same outcome,
 * signatures are read lazily, and the CLI's explanation of a refused envelope never decides.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSigned, explainEnvelopeProblem, formatError, MAX_SIGNATURES, toDsseEnvelope, verifyThreshold, verifyThresholdAsync } from "../../src/bundle/dsse-checks.js";
import type { SignatureOf } from "../../src/bundle/dsse-checks.js";

interface Key {
  keyid: string;
}

const KEYS: Key[] = [{ keyid: "ed25519:a" }, { keyid: "ed25519:b" }, { keyid: "ed25519:c" }];

type Outcome = { keyids: string[] } | { code: string; message: string };

function outcomeOf(run: () => string[]): Outcome {
  try {
    return { keyids: run() };
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
}

async function outcomeOfAsync(run: () => Promise<string[]>): Promise<Outcome> {
  try {
    return { keyids: await run() };
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
}

/** Signature `sig` verifies under key `k` when `valid` holds `${sig}/${k.keyid}`. */
const table = (valid: ReadonlySet<string>) => (k: Key, sig: number) => valid.has(`${sig}/${k.keyid}`);

describe("verifyThreshold and verifyThresholdAsync", () => {
  it("ask the same questions in the same order and agree on every outcome", async () => {
    const signature = fc.record({ keyid: fc.constantFrom(undefined, "ed25519:a", "ed25519:b", "ed25519:c", "ed25519:z"), sig: fc.nat(4) });
    const pairs = fc.uniqueArray(fc.tuple(fc.nat(4), fc.constantFrom(...KEYS.map((k) => k.keyid))).map(([s, k]) => `${s}/${k}`));
    await fc.assert(
      fc.asyncProperty(fc.array(signature, { maxLength: 6 }), fc.subarray(KEYS, { minLength: 1 }), fc.nat(2), pairs, async (signatures, keys, k, valid) => {
        const threshold = 1 + (k % keys.length);
        const verifies = table(new Set(valid));
        const askedSync: string[] = [];
        const askedAsync: string[] = [];
        const sync = outcomeOf(() => verifyThreshold(signatures, keys, threshold, (key, sig) => (askedSync.push(`${sig}/${key.keyid}`), verifies(key, sig))));
        const async = await outcomeOfAsync(() =>
          verifyThresholdAsync(signatures, keys, threshold, async (key, sig) => (askedAsync.push(`${sig}/${key.keyid}`), verifies(key, sig))),
        );
        expect(async).toEqual(sync);
        expect(askedAsync).toEqual(askedSync);
      }),
      { numRuns: 400 },
    );
  });

  it("counts each trusted key once, in envelope order, and stops at the first key a signature verifies under", () => {
    const asked: string[] = [];
    const verifies = table(new Set(["1/ed25519:b", "2/ed25519:a", "2/ed25519:b"]));
    const keyids = verifyThreshold([{ sig: 1 }, { sig: 2 }, { keyid: "ed25519:b", sig: 1 }], KEYS, 2, (k, sig) => (asked.push(`${sig}/${k.keyid}`), verifies(k, sig)));
    expect(keyids).toEqual(["ed25519:b", "ed25519:a"]);
    expect(asked).toEqual(["1/ed25519:a", "1/ed25519:b", "2/ed25519:a", "1/ed25519:b"]);
  });

  it("refuses with the codes both verifiers report", () => {
    const none = (): boolean => false;
    const all = (): boolean => true;
    expect(outcomeOf(() => verifyThreshold([{ keyid: "ed25519:a", sig: 0 }], KEYS, 1, none))).toMatchObject({ code: "SIGNATURE_ERROR", message: expect.stringMatching(/names trusted key/) });
    expect(outcomeOf(() => verifyThreshold([{ keyid: "ed25519:z", sig: 0 }, { sig: 1 }], KEYS, 1, none))).toEqual({
      code: "UNTRUSTED_KEY",
      message: 'no signature by a trusted key: signed by "ed25519:z", (no keyid); trusted: ed25519:a, ed25519:b, ed25519:c',
    });
    expect(outcomeOf(() => verifyThreshold([{ sig: 0 }, { sig: 1 }], KEYS, 2, all))).toMatchObject({ code: "SIGNATURE_ERROR", message: expect.stringMatching(/1 of the 2 required/) });
  });

  it("reads the signatures one at a time: nothing after a refusal is read", () => {
    let read = 0;
    function* signatures(): Generator<SignatureOf<number>> {
      read++;
      yield { keyid: "ed25519:a", sig: 0 };
      read++;
      throw new Error("read too far");
    }
    expect(outcomeOf(() => verifyThreshold(signatures(), KEYS, 1, () => false))).toMatchObject({ code: "SIGNATURE_ERROR" });
    expect(read).toBe(1);
  });
});

describe("the envelope's shape", () => {
  it("an envelope without signatures is never accepted", () => {
    expect(() => checkSigned({ signatures: [] })).toThrow(expect.objectContaining({ code: "SIGNATURE_ERROR" }));
    checkSigned({ signatures: [{ sig: "" }] });
  });

  it("signature flooding: more than MAX_SIGNATURES is malformed", () => {
    const envelope = (n: number) => ({ payloadType: "t", payload: "", signatures: Array.from({ length: n }, () => ({ sig: "" })) });
    expect(toDsseEnvelope(envelope(MAX_SIGNATURES)).signatures).toHaveLength(MAX_SIGNATURES);
    expect(() => toDsseEnvelope(envelope(MAX_SIGNATURES + 1))).toThrow(/at most 64 allowed/);
  });

  it("an empty keyid counts as none; unknown fields are dropped", () => {
    expect(toDsseEnvelope({ payloadType: "t", payload: "p", x: 1, signatures: [{ keyid: "", sig: "s", y: 2 }, { keyid: "k", sig: "s" }] })).toEqual({
      payloadType: "t",
      payload: "p",
      signatures: [{ sig: "s" }, { keyid: "k", sig: "s" }],
    });
  });

  it("the explanation names a field only for what toDsseEnvelope refuses, and never for what it accepts", () => {
    const field = fc.constantFrom(undefined, null, 1, "s", "", [], {}, [{ sig: "s" }]);
    const signature = fc.oneof(fc.constantFrom(null, 1, [], "s"), fc.record({ keyid: field, sig: field }, { requiredKeys: [] }));
    const envelope = fc.oneof(
      fc.constantFrom(null, 1, "x", []),
      fc.record({ payloadType: field, payload: field, signatures: fc.oneof(field, fc.array(signature, { maxLength: 4 })) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(envelope, (value) => {
        let refused = false;
        try {
          toDsseEnvelope(value);
        } catch (e) {
          refused = true;
          expect((e as { code: string }).code).toBe("FORMAT_ERROR");
        }
        if (!refused) expect(explainEnvelopeProblem(value)).toBeUndefined();
        // whatever is not explained is the top-level message, said in full by toDsseEnvelope
        else if (explainEnvelopeProblem(value) === undefined) expect(() => toDsseEnvelope(value)).toThrow(/expected a DSSE envelope object|at most/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("formatError", () => {
  it("is FORMAT_ERROR, with a cause only when there is one", () => {
    const plain = formatError("bad");
    expect(plain).toMatchObject({ name: "BundleIntegrityError", code: "FORMAT_ERROR", message: "bad" });
    expect(Object.hasOwn(plain, "cause")).toBe(false);
    const cause = new SyntaxError("x");
    expect(formatError("bad", cause).cause).toBe(cause);
  });
});
