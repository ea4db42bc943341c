/** The cell search against brute force: every realised match vector is found, and every example is right. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findCells, upperVariants } from "../../../src/diff/cells/glob-cells.js";
import type { CellPattern } from "../../../src/diff/cells/glob-cells.js";
import { matchWildcard } from "../../../src/policy/match/index.js";

function matches(p: CellPattern, v: string): boolean {
  if (p.kind === "glob") return matchWildcard(p.text, v);
  if (p.kind === "exact") return p.text === v;
  return p.text.toLowerCase() === v.toLowerCase();
}

function vector(patterns: readonly CellPattern[], v: string): string {
  return patterns.flatMap((p, i) => (matches(p, v) ? [i] : [])).join(",");
}

/** Every string over `alphabet` up to `max` code points. */
function* strings(alphabet: readonly string[], max: number): Generator<string> {
  let level = [""];
  yield "";
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

const patternArb: fc.Arbitrary<CellPattern> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[ab/*?]{0,4}$/).map((text) => ({ kind: "glob" as const, text })) },
  { weight: 1, arbitrary: fc.stringMatching(/^[ab*]{0,3}$/).map((text) => ({ kind: "exact" as const, text })) },
  { weight: 1, arbitrary: fc.stringMatching(/^[abAB]{0,3}$/).map((text) => ({ kind: "iexact" as const, text })) },
);

describe("findCells", () => {
  it("finds exactly the match vectors that strings realise, each with a correct shortest example", () => {
    fc.assert(
      fc.property(fc.array(patternArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (patterns, allowEmpty) => {
        const found = findCells(patterns, { allowEmpty });
        expect(found.complete).toBe(true);
        const byVector = new Map(found.cells.map((c) => [c.matches.join(","), c.example]));
        for (const c of found.cells) expect(vector(patterns, c.example)).toBe(c.matches.join(","));
        // brute force: strings over the letters used plus one other, long enough for every cell
        const brute = new Map<string, string>();
        for (const s of strings(["a", "b", "A", "B", "/", "*", "x"], 5)) {
          if (s === "" && !allowEmpty) continue;
          const v = vector(patterns, s);
          if (!brute.has(v)) brute.set(v, s);
        }
        expect([...byVector.keys()].sort()).toEqual([...brute.keys()].sort());
        for (const [v, s] of brute) expect([...byVector.get(v)!].length).toBeLessThanOrEqual([...s].length);
      }),
      { numRuns: 150, seed: 14 },
    );
  });

  it("restricts to a domain: some of the required patterns match, none of the excluded ones", () => {
    const patterns: CellPattern[] = [
      { kind: "glob", text: "db://production/*" },
      { kind: "glob", text: "db://*/users" },
      { kind: "glob", text: "db://staging/*" },
    ];
    const { cells, complete } = findCells(patterns, { someOf: [1], noneOf: [2] });
    expect(complete).toBe(true);
    expect(cells.map((c) => c.matches)).toEqual(expect.arrayContaining([[1], [0, 1]]));
    expect(cells).toHaveLength(2);
    const both = cells.find((c) => c.matches.length === 2)!;
    expect(matchWildcard("db://production/*", both.example) && matchWildcard("db://*/users", both.example)).toBe(true);
  });

  it("case-insensitive equality meets case-sensitive patterns: the Kelvin sign is its own cell", () => {
    const patterns: CellPattern[] = [
      { kind: "iexact", text: "k" },
      { kind: "exact", text: "K" },
      { kind: "exact", text: "k" },
    ];
    const { cells } = findCells(patterns);
    const vectors = cells.map((c) => c.matches.join(",")).sort();
    // "k" → 0,2; "K" → 0,1; KELVIN SIGN → 0 only; anything else → none
    expect(vectors).toEqual(["", "0", "0,1", "0,2"]);
    expect(upperVariants("k".codePointAt(0)!)).toContain(0x212a);
  });

  it("stops at the state budget and says so", () => {
    const patterns: CellPattern[] = Array.from({ length: 6 }, (_, i) => ({ kind: "glob" as const, text: `*a${"?".repeat(i)}b*` }));
    const r = findCells(patterns, { maxStates: 20 });
    expect(r.complete).toBe(false);
  });
});
