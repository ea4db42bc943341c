import { describe, expect, it } from "vitest";
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
