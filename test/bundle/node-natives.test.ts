import fc from "fast-check";
import { sha256 as nobleSha256, sha512 as nobleSha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/bundle/base64.js";
import { utf8Decode } from "../../src/bundle/bytes.js";
import { codecs } from "../../src/bundle/codecs.js";
import { hashes, sha256 } from "../../src/bundle/digest.js";
import { ed } from "../../src/bundle/ed25519.js";
import { PrivateKey } from "../../src/bundle/keys.js";
import { useNodeNatives } from "../../src/bundle/node-natives.js";

/** What a call gave: its value, or the class and message of what it threw. */
function outcome(f: () => unknown): unknown {
  try {
    const value = f();
    return { value, type: Object.prototype.toString.call(value), plain: Object.getPrototypeOf(value) === Uint8Array.prototype || typeof value !== "object" };
  } catch (e) {
    return { threw: (e as Error).constructor.name, message: (e as Error).message };
  }
}

describe("useNodeNatives", () => {
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(7));
  const message = new TextEncoder().encode("DSSEv1 5 hello 5 world");
  const pureSignature = key.sign(message);
  useNodeNatives();

  it("gives the pure core's SHA-256 and Ed25519's SHA-512 the same digests, signatures and verdicts", () => {
    expect(hashes.sha256).not.toBe(nobleSha256);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (data) => {
        expect(sha256(data)).toEqual(nobleSha256(data));
        expect(ed.hashes.sha512!(data)).toEqual(nobleSha512(data));
        expect(Object.getPrototypeOf(sha256(data))).toBe(Uint8Array.prototype);
      }),
    );
    expect(key.sign(message)).toEqual(pureSignature);
    expect(key.publicKey.verify(message, pureSignature)).toBe(true);
    const flipped = Uint8Array.from(message);
    flipped[0]! ^= 1;
    expect(key.publicKey.verify(flipped, pureSignature)).toBe(false);
  });

  it("signs as @noble's Ed25519 does, for any seed and message", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 3_000 }), (seed, data) => {
        const signed = PrivateKey.fromSeed(seed).sign(data);
        expect(signed).toEqual(ed.sign(data, seed));
        expect(Object.getPrototypeOf(signed)).toBe(Uint8Array.prototype);
      }),
      { numRuns: 300 },
    );
  });

  it("encodes base64 as toBase64 does", () => {
    expect(codecs.toBase64).not.toBe(toBase64);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
      expect(codecs.toBase64(data)).toBe(toBase64(data));
    }));
    const inner = new Uint8Array(64).fill(9).subarray(5, 17);
    expect(codecs.toBase64(inner)).toBe(toBase64(inner));
  });

  it("decodes base64 as strict fromBase64 does: the same bytes, or the same error", () => {
    expect(codecs.fromBase64).not.toBe(fromBase64);
    const chars = fc.constantFrom(..."AQgw/+Zz09=-_ \n".split(""));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 14 }), (list) => {
        const text = list.join("");
        expect(outcome(() => codecs.fromBase64(text))).toStrictEqual(outcome(() => fromBase64(text)));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
      expect(outcome(() => codecs.fromBase64(toBase64(data)))).toStrictEqual(outcome(() => fromBase64(toBase64(data))));
    }));
    expect(outcome(() => codecs.fromBase64(5 as unknown as string))).toStrictEqual(outcome(() => fromBase64(5 as unknown as string)));
  });

  it("decodes UTF-8 as utf8Decode does: the same text (a byte-order mark kept), or the same error", () => {
    expect(codecs.utf8Decode).not.toBe(utf8Decode);
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
      fc.string({ maxLength: 20 }).map((s) => new TextEncoder().encode(`\uFEFF${s}`)),
    );
    fc.assert(fc.property(bytes, (data) => {
      expect(outcome(() => codecs.utf8Decode(data))).toStrictEqual(outcome(() => utf8Decode(data)));
    }), { numRuns: 5_000 });
  });
});
