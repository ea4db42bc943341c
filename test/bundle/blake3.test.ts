import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blake3 } from "../../src/bundle/blake3.js";
import { toHex } from "../../src/bundle/bytes.js";
import { sha256HexNative } from "../../src/bundle/digest-node.js";

/** The input of the official BLAKE3 test vectors: byte i is i mod 251. */
function vectorInput(length: number, offset = 0): Uint8Array {
  const buf = new Uint8Array(length + offset);
  for (let i = 0; i < length; i++) buf[offset + i] = i % 251;
  return buf.subarray(offset);
}

describe("blake3", () => {
  it("gives the published digests", () => {
    expect(toHex(blake3(new Uint8Array(0)))).toBe("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    expect(toHex(blake3(vectorInput(1)))).toBe("2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213");
  });

  it("agrees with @noble/hashes at every block, chunk and tree boundary, aligned or not", () => {
    const lengths = [1, 63, 64, 65, 127, 128, 1023, 1024, 1025, 2047, 2048, 2049, 3072, 3073, 4096, 4097, 5120, 8192, 8193, 16384, 31744, 102400, 1048577];
    for (const length of lengths) {
      for (const offset of [0, 1, 2, 4]) {
        const input = vectorInput(length, offset);
        expect(toHex(blake3(input)), `${length} at offset ${offset}`).toBe(toHex(nobleBlake3(input)));
      }
    }
  });

  it("agrees with @noble/hashes on random inputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), (input) => {
        expect(toHex(blake3(input))).toBe(toHex(nobleBlake3(input)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("sha256HexNative", () => {
  it("is the pure SHA-256", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (input) => {
        expect(sha256HexNative(input)).toBe(toHex(nobleSha256(input)));
      }),
      { numRuns: 200 },
    );
    expect(() => sha256HexNative("x" as unknown as Uint8Array)).toThrow(TypeError);
  });
});
