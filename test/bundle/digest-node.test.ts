import fc from "fast-check";
import { sha256 as nobleSha256, sha512 as nobleSha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { hashes, sha256 } from "../../src/bundle/digest.js";
import { useNodeHashes } from "../../src/bundle/digest-node.js";
import { ed } from "../../src/bundle/ed25519.js";
import { PrivateKey } from "../../src/bundle/keys.js";

describe("useNodeHashes", () => {
  it("gives the pure core's SHA-256 and Ed25519's SHA-512 the same digests, signatures and verdicts", () => {
    const key = PrivateKey.fromSeed(new Uint8Array(32).fill(7));
    const message = new TextEncoder().encode("DSSEv1 5 hello 5 world");
    const pureSignature = key.sign(message);
    useNodeHashes();
    expect(hashes.sha256).not.toBe(nobleSha256);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (data) => {
        expect(sha256(data)).toEqual(nobleSha256(data));
        expect(ed.hashes.sha512(data)).toEqual(nobleSha512(data));
        expect(Object.getPrototypeOf(sha256(data))).toBe(Uint8Array.prototype);
      }),
    );
    expect(key.sign(message)).toEqual(pureSignature);
    expect(key.publicKey.verify(message, pureSignature)).toBe(true);
    const flipped = Uint8Array.from(message);
    flipped[0]! ^= 1;
    expect(key.publicKey.verify(flipped, pureSignature)).toBe(false);
  });
});
