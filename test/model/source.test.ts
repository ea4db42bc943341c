import { describe, expect, it } from "vitest";
import { parseSource } from "../../src/model/source.js";

describe("parseSource", () => {
  it("maps pointers to exact key and value spans in YAML", () => {
    const text = "a:\n  b: [1, two]\n";
    const s = parseSource("x.yaml", text);
    expect(s.value).toEqual({ a: { b: [1, "two"] } });
    const b = s.spans.get("/a/b")!;
    expect(text.slice(b.key![0], b.key![1])).toBe("b");
    expect(text.slice(b.value[0], b.value[1])).toBe("[1, two]");
    const two = s.spans.get("/a/b/1")!;
    expect(s.lines.position(two.value[0])).toEqual({ line: 2, column: 10 });
  });

  it("reads JSON with positions", () => {
    const text = '{\n  "kind": "AccessPolicy",\n  "spec": {"Version": 5}\n}';
    const s = parseSource("x.json", Buffer.from(text));
    expect(s.problems).toEqual([]);
    const v = s.spans.get("/spec/Version")!;
    expect(s.lines.position(v.value[0])).toEqual({ line: 3, column: 23 });
  });

  it("never leaks prototype keys into values", () => {
    const s = parseSource("x.yaml", "__proto__: { admin: true }\na: 1\n");
    expect(Object.getPrototypeOf(s.value)).toBe(Object.prototype);
    expect((s.value as Record<string, unknown>).admin).toBeUndefined();
    expect(s.problems.map((p) => p.code)).toEqual(["unsafe-key"]);
  });

  it("keeps the first of duplicate keys", () => {
    const s = parseSource("x.yaml", "a: 1\na: 2\n");
    expect(s.value).toEqual({ a: 1 });
  });

  it("bounds alias expansion", () => {
    let text = "l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
    for (let i = 1; i < 9; i++) text += `l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]\n`;
    const started = Date.now();
    const s = parseSource("x.yaml", text);
    expect(s.problems.map((p) => p.code)).toContain("alias-limit");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("keys that YAML would resolve to other types", () => {
  it("keeps Null, true and numeric keys as their written names", () => {
    const s = parseSource("x.yaml", "Null: { a: false }\ntrue: 1\n010: x\n");
    expect(Object.keys(s.value as object)).toEqual(["Null", "true", "010"]);
    expect(s.problems).toEqual([]);
  });
});
