import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../src/bundle/bytes.js";
import { fromCanonicalBase64 } from "../../src/loader/web-crypto.js";

/** The definition: what `atob` decodes, when `btoa` writes exactly that text back. */
function reference(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  return btoa(binary) === text ? Uint8Array.from(binary, (c) => c.charCodeAt(0)) : undefined;
}

describe("fromCanonicalBase64", () => {
  it("decodes what btoa writes, from text and from its bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const text = btoa(String.fromCharCode(...bytes));
        expect(fromCanonicalBase64(text)).toEqual(bytes);
        expect(fromCanonicalBase64(utf8Encode(text))).toEqual(bytes);
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses every other spelling exactly when atob and btoa disagree with it (padding, trailing bits, whitespace, other characters)", () => {
    const spelling = fc.string({ unit: fc.constantFrom(..."AQgw+/=Zz9 \n-_é".split("")), maxLength: 13 });
    fc.assert(
      fc.property(spelling, (text) => {
        expect(fromCanonicalBase64(text)).toEqual(reference(text));
      }),
      { numRuns: 20_000 },
    );
    for (const text of ["", "AA==", "AB==", "AAA=", "AAB=", "AAAA", "A===", "====", "AA=A", "AA", "AA==AA==", " AAA", "AAA\n"]) {
      expect(fromCanonicalBase64(text), text).toEqual(reference(text));
    }
  });
});
