import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fileSha256, normaliseLineEnds, packChecksum } from "../../src/pack/index.js";

const enc = new TextEncoder();
const sha = (b: string | Uint8Array) => createHash("sha256").update(b).digest("hex");

const FIXTURE = [
  { path: "policies/02_b.yaml", bytes: enc.encode("kind: B\n") },
  { path: "metadata.yaml", bytes: enc.encode("__pack_meta:\n  name: x\n") },
  { path: "policies/01_a.yaml", bytes: enc.encode("kind: A\n") },
];

describe("packChecksum", () => {
  it("matches an independent computation over the sorted lines (known answer)", () => {
    const lines = [
      `metadata.yaml\0${sha("__pack_meta:\n  name: x\n")}\n`,
      `policies/01_a.yaml\0${sha("kind: A\n")}\n`,
      `policies/02_b.yaml\0${sha("kind: B\n")}\n`,
    ].join("");
    expect(packChecksum(FIXTURE)).toBe(`sha256:${sha(lines)}`);
    // Pinned (computed with `printf "%s\0%s\n" … | sha256sum` and with Python hashlib) so any change of the algorithm shows up.
    expect(packChecksum(FIXTURE)).toBe("sha256:4ae31100688f170c13bbb04d61b6a40acd1ffe9886ca387a8d909f3694ea18ba");
    expect(packChecksum(FIXTURE)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("gives the same checksum for CRLF and LF files", () => {
    const crlf = FIXTURE.map((f) => ({ path: f.path, bytes: enc.encode(new TextDecoder().decode(f.bytes).replace(/\n/g, "\r\n")) }));
    expect(packChecksum(crlf)).toBe(packChecksum(FIXTURE));
    expect(fileSha256(enc.encode("a\r\nb\r\n"))).toBe(sha("a\nb\n"));
  });

  it("keeps a lone CR (only CRLF pairs are normalised)", () => {
    expect(new TextDecoder().decode(normaliseLineEnds(enc.encode("a\rb\r\n\r")))).toBe("a\rb\n\r");
  });

  it("does not depend on the order of the files (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ path: fc.stringMatching(/^[a-z0-9/._]{1,12}$/), text: fc.string() }), { selector: (r) => r.path, maxLength: 6 }),
        (files) => {
          const input = files.map((f) => ({ path: f.path, bytes: enc.encode(f.text) }));
          expect(packChecksum([...input].reverse())).toBe(packChecksum(input));
        },
      ),
    );
  });

  it("changes when any byte of any file changes (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FIXTURE.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (f, at, delta) => {
        const files = FIXTURE.map((x) => ({ path: x.path, bytes: Uint8Array.from(x.bytes) }));
        const target = files[f]!.bytes;
        const i = at % target.length;
        const flipped = (target[i]! + delta) % 256;
        // A flip that turns "\r\n" into the same normalised text would be no change; those bytes are not in the fixture.
        target[i] = flipped === 13 ? 14 : flipped;
        expect(packChecksum(files)).not.toBe(packChecksum(FIXTURE));
      }),
    );
  });
});
