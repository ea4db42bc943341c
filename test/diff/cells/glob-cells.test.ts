/** The cell search against brute force: every realised match vector is found, and every example is right. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findCells, upperVariants } from "../../../src/diff/cells/glob-cells.js";
import type { CellPattern } from "../../../src/diff/cells/glob-cells.js";
import { parseArn } from "../../../src/engine/access/conditions.js";
import { matchWildcard } from "../../../src/engine/match/index.js";

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

  it("ARN patterns: wildcards stay within a segment before the fifth colon", () => {
    const segment = fc.stringMatching(/^[a*?]{0,1}$/);
    const arnArb = fc.tuple(fc.array(segment, { minLength: 4, maxLength: 4 }), fc.stringMatching(/^[a:*?]{0,2}$/)).map(([parts, rest]) => ({ kind: "arn" as const, text: `arn:${parts.join(":")}:${rest}` }));
    const arnMatches = (p: string, v: string) => {
      const a = parseArn(p);
      const b = parseArn(v);
      return a !== undefined && b !== undefined && a.every((part, i) => matchWildcard(part, b[i]!));
    };
    fc.assert(
      fc.property(fc.array(arnArb, { minLength: 1, maxLength: 3 }), (patterns) => {
        const vec = (v: string) => patterns.flatMap((p, i) => (arnMatches(p.text, v) ? [i] : [])).join(",");
        const found = findCells(patterns);
        expect(found.complete).toBe(true);
        for (const c of found.cells) expect(vec(c.example), c.example).toBe(c.matches.join(","));
        // every ARN whose segments hold up to two characters and whose resource up to three, and a few non-ARNs
        const brute = new Set<string>(["", "x", "arn:a:a"].map(vec));
        const seg = ["", "a", "x", "ax"];
        const resources = [...strings(["a", ":", "x"], 3)];
        for (const p1 of seg) for (const p2 of seg) for (const p3 of seg) for (const p4 of seg) for (const r of resources) brute.add(vec(`arn:${p1}:${p2}:${p3}:${p4}:${r}`));
        expect(new Set(found.cells.map((c) => c.matches.join(",")))).toEqual(brute);
      }),
      { numRuns: 50, seed: 15 },
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
