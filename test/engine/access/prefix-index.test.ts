import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { prefixTable } from "../../../src/engine/access/prefix-index.js";
import { literalPrefix } from "../../../src/engine/access/statement.js";

/** A table of `prefixes`; lookups answer the deepest prefix met and its parents, deepest first. */
function tableOf(prefixes: readonly string[]): (value: string) => string[] {
  const table = prefixTable();
  for (const prefix of prefixes) table.add(prefix);
  table.seal();
  const byNumber = new Map(["", ...prefixes].map((p) => [table.numberOf(p), p]));
  return (value) => {
    const met: string[] = [];
    for (let n = table.deepest(value); n !== 0; n = table.parents[n] as number) met.push(byNumber.get(n) as string);
    return met;
  };
}

describe("prefixTable", () => {
  it("answers the deepest /-ended prefix of the value, and through its parents every other one", () => {
    const lookup = tableOf(["db://prod/", "db://prod/users/", "db://test/", "db://prod/users/42/x/"]);
    expect(lookup("db://prod/users/42")).toEqual(["db://prod/users/", "db://prod/"]);
    expect(lookup("db://prod/users/42/x/y")).toEqual(["db://prod/users/42/x/", "db://prod/users/", "db://prod/"]);
    expect(lookup("db://prod/orders/1")).toEqual(["db://prod/"]);
    expect(lookup("db://test/users/42")).toEqual(["db://test/"]);
    expect(lookup("db://staging/x")).toEqual([]);
    expect(lookup("db://prod")).toEqual([]);
    expect(lookup("")).toEqual([]);
  });

  it("never mixes two prefixes whose hashes collide", () => {
    // "Aa" and "BB" hash alike (31 * 65 + 97 = 31 * 66 + 66), so do these two prefixes
    const lookup = tableOf(["x/Aa/", "x/BB/", "x/"]);
    expect(lookup("x/Aa/1")).toEqual(["x/Aa/", "x/"]);
    expect(lookup("x/BB/1")).toEqual(["x/BB/", "x/"]);
    expect(lookup("x/Ab/1")).toEqual(["x/"]);
  });

  it("a value whose prefix only shares a prefix's hash meets the shorter prefixes", () => {
    expect(tableOf(["x/Aa/", "x/"])("x/BB/1")).toEqual(["x/"]);
    expect(tableOf(["x/Aa/y/", "x/"])("x/BB/y/1")).toEqual(["x/"]);
  });
});

describe("literalPrefix", () => {
  it("is the literal head of a pattern cut back to its last /", () => {
    expect(literalPrefix("db://prod/users/*")).toBe("db://prod/users/");
    expect(literalPrefix("db://prod/users/42")).toBe("db://prod/users/");
    expect(literalPrefix("db://prod/u?ers/*")).toBe("db://prod/");
    expect(literalPrefix("db://prod/users*")).toBe("db://prod/");
    expect(literalPrefix("*")).toBe("");
    expect(literalPrefix("users")).toBe("");
  });
});

describe("prefixTable parents", () => {
  it("a prefix's parent is the longest shorter prefix in the table, whatever its slashes", () => {
    expect(tableOf(["/", "/a/", "//", "//b/", "x/y/z/", "x/"])("//b/c")).toEqual(["//b/", "//", "/"]);
    expect(tableOf(["/", "/a/", "x/y/z/", "x/"])("/a/b")).toEqual(["/a/", "/"]);
    expect(tableOf(["/", "/a/", "x/y/z/", "x/"])("x/y/z/w")).toEqual(["x/y/z/", "x/"]);
    expect(tableOf(["a/b/c/", "a/"])("a/b/c/d")).toEqual(["a/b/c/", "a/"]);
  });
});

describe("prefixTable lookups among some prefixes (mapOf)", () => {
  // few characters, so prefixes share heads, nest and collide ("Aa" and "BB" hash alike)
  const text = fc.array(fc.constantFrom("a", "b", "/", "Aa", "BB", "é", "\u{1F600}"), { maxLength: 7 }).map((parts) => parts.join(""));
  const prefix = text.map((t) => t.slice(0, t.lastIndexOf("/") + 1));

  it("answers the value of the longest chosen prefix the string starts with, else the root's", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(prefix, { maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.array(fc.oneof(text, prefix), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: -5, max: 1000 }), { minLength: 9, maxLength: 9 }),
        (prefixes, picked, values, numbers) => {
          const table = prefixTable();
          for (const p of prefixes) table.add(p);
          table.seal();
          const chosen = prefixes.filter((p, i) => p !== "" && picked[i]);
          const valueOf = new Map(["", ...chosen].map((p, i) => [table.numberOf(p), numbers[i] as number]));
          const lookup = table.mapOf(valueOf.keys(), valueOf);
          // the values a lookup is asked for also include every chosen prefix itself and longer strings
          for (const value of [...values, ...chosen, ...chosen.map((p) => `${p}x/y`)]) {
            const longest = chosen.filter((p) => value.startsWith(p)).sort((a, b) => b.length - a.length)[0] ?? "";
            expect(lookup(value)).toBe(valueOf.get(table.numberOf(longest)));
          }
          // numbered by default: every prefix, the deepest one a value has
          for (const value of values) {
            const deepest = prefixes.filter((p) => value.startsWith(p)).sort((a, b) => b.length - a.length)[0] ?? "";
            expect(table.deepest(value)).toBe(table.numberOf(deepest));
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("a string that differs from the prefixes' shared head, or is shorter than it, meets the root", () => {
    const table = prefixTable();
    for (const p of ["db://tenant-1/", "db://tenant-1/coll-2/", "db://tenant-12/"]) table.add(p);
    table.seal();
    const numbers = ["db://tenant-1/", "db://tenant-1/coll-2/", "db://tenant-12/"].map((p) => table.numberOf(p));
    const lookup = table.mapOf([0, ...numbers]);
    expect(lookup("db://tenant-1/coll-2/x")).toBe(numbers[1]);
    expect(lookup("db://tenant-12/x")).toBe(numbers[2]);
    expect(lookup("db://tenant-1/x")).toBe(numbers[0]);
    expect(lookup("db://tenant-")).toBe(0);
    expect(lookup("db://tenaNT-1/coll-2/x")).toBe(0);
    expect(lookup("xb://tenant-1/coll-2/x")).toBe(0);
    // the shared head is a prefix itself
    const head = prefixTable();
    for (const p of ["a/", "a/b/", "a/c/"]) head.add(p);
    head.seal();
    const only = head.mapOf([0, head.numberOf("a/"), head.numberOf("a/b/")]);
    expect(only("a/")).toBe(head.numberOf("a/"));
    expect(only("a/b/c")).toBe(head.numberOf("a/b/"));
    expect(only("a/c/d")).toBe(head.numberOf("a/"));
    expect(only("b/")).toBe(0);
  });
});
