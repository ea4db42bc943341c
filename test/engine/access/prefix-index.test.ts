import { describe, expect, it } from "vitest";
import { commonPrefix, prefixIndex } from "../../../src/engine/access/prefix-index.js";

/** An index of numbered items whose lookups answer the positions met, in order. */
function indexOf(entries: ReadonlyArray<[string, number]>): (value: string) => readonly number[] {
  const index = prefixIndex<{ index: number }, number[]>((items) => items.map((item) => item.index));
  for (const [prefix, index_] of entries) index.add(prefix, { index: index_ });
  index.seal();
  return (value) => index.lookup(value);
}

describe("prefixIndex", () => {
  it("answers the root's items and those of every /-ended prefix of the value, in order", () => {
    const lookup = indexOf([
      ["db://prod/", 0],
      ["", 1],
      ["db://prod/users/", 2],
      ["db://test/", 3],
      ["db://prod/", 4],
    ]);
    expect(lookup("db://prod/users/42")).toEqual([0, 1, 2, 4]);
    expect(lookup("db://prod/orders/1")).toEqual([0, 1, 4]);
    expect(lookup("db://test/users/42")).toEqual([1, 3]);
    expect(lookup("db://staging/x")).toEqual([1]);
    expect(lookup("db://prod")).toEqual([1]);
    expect(lookup("")).toEqual([1]);
  });

  it("never mixes two prefixes whose hashes collide", () => {
    // "Aa" and "BB" hash alike (31 * 65 + 97 = 31 * 66 + 66), so do these two prefixes
    const lookup = indexOf([
      ["x/Aa/", 0],
      ["x/BB/", 1],
      ["x/", 2],
    ]);
    expect(lookup("x/Aa/1")).toEqual([0, 2]);
    expect(lookup("x/BB/1")).toEqual([1, 2]);
    expect(lookup("x/Ab/1")).toEqual([2]);
  });

  it("a value whose prefix only shares a node's hash meets the shorter prefixes", () => {
    const lookup = indexOf([
      ["x/Aa/", 0],
      ["x/", 1],
    ]);
    expect(lookup("x/BB/1")).toEqual([1]);
  });

  it("answers the same when merging up front would copy too much", () => {
    // 3,000 root items under 3,000 prefixes: merging would copy nine million entries
    const entries: Array<[string, number]> = [];
    for (let i = 0; i < 3000; i++) entries.push(["", 2 * i], [`s://t${i}/`, 2 * i + 1]);
    const lookup = indexOf(entries);
    const met = lookup("s://t7/doc");
    expect(met).toHaveLength(3001);
    expect(met.slice(0, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(met).toContain(15);
    expect(lookup("s://none/doc")).toHaveLength(3000);
  });
});

describe("commonPrefix", () => {
  it("is the /-ended literal head every pattern shares", () => {
    expect(commonPrefix(["db://prod/users/*"])).toBe("db://prod/users/");
    expect(commonPrefix(["db://prod/users/42"])).toBe("db://prod/users/");
    expect(commonPrefix(["db://prod/users/*", "db://prod/orders/*"])).toBe("db://prod/");
    expect(commonPrefix(["db://prod/u?ers/*"])).toBe("db://prod/");
    expect(commonPrefix(["*"])).toBe("");
    expect(commonPrefix(["db://a/*", "s3://a/*"])).toBe("");
    expect(commonPrefix([])).toBe("");
  });
});
