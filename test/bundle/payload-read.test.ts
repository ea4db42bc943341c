import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../src/bundle/bytes.js";
import { canonicalJson } from "../../src/bundle/canonical-json.js";
import type { BundleError } from "../../src/bundle/errors.js";
import { canonicalOfParsed, canonicalTargetsSpan, readPayload } from "../../src/bundle/payload-read.js";
import { samplePayload } from "./fixtures.js";

describe("canonicalOfParsed", () => {
  it("is what canonicalJson (the canonicalize library) writes, for any parsed JSON (integer-like keys, unicode, numbers, nesting)", () => {
    const key = fc.oneof(fc.string(), fc.constantFrom("0", "1", "10", "9", "-1", "01", "__proto__", "toJSON", "é", "\u{1F600}"));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string({ unit: "grapheme" }), tie("array"), tie("object")),
      array: fc.array(tie("value"), { maxLength: 4 }),
      object: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        expect(canonicalOfParsed(parsed)).toBe(canonicalJson(parsed));
      }),
      { numRuns: 2_000 },
    );
  });

  it("sorts integer-like keys by code units, not the order JavaScript enumerates them in", () => {
    expect(canonicalOfParsed(JSON.parse('{"9":1,"10":2,"a":3,"-1":4}'))).toBe('{"-1":4,"10":2,"9":1,"a":3}');
    expect(canonicalOfParsed(JSON.parse('{"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1}}');
    expect(canonicalOfParsed(JSON.parse("[-0,1e21,0.1]"))).toBe("[0,1e+21,0.1]");
    // an enumerable key inherited from a polluted Object.prototype is not the value's own
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.zz = { deep: [[[1]]] };
    try {
      expect(canonicalOfParsed(JSON.parse('{"a":{"b":1},"c":[{"d":2}]}'))).toBe('{"a":{"b":1},"c":[{"d":2}]}');
    } finally {
      delete polluted.zz;
    }
  });
});

describe("readPayload", () => {
  it("reads a built payload and returns the canonical targets' bytes", () => {
    const { payload, bytes } = samplePayload();
    const read = readPayload(bytes);
    expect(read.payload).toEqual(payload);
    expect(read.targetsBytes).toEqual(utf8Encode(canonicalJson(payload.targets)));
  });

  it("refuses any other spelling of the same payload", () => {
    const text = new TextDecoder().decode(samplePayload().bytes);
    for (const other of [text.replace(":", ": "), `${text}\n`, text.replace('"serial":4', '"serial":4.0'), text.replace('"serial":4', '"serial":4,"serial":4')]) {
      expect(() => readPayload(utf8Encode(other))).toThrow(/canonical/);
    }
  });
});

describe("readPayload's canonical check", () => {
  it("accepts a payload exactly when its text is the canonical form of what it parses to, whichever way the text is spelled", () => {
    const { payload } = samplePayload();
    const key = fc.constantFrom("a", "b", "0", "1", "10", "9", "é", "\u{1F600}", "__proto__", "z");
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: "grapheme" }), tie("array"), tie("object")),
      array: fc.array(tie("value"), { maxLength: 3 }),
      object: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
    })).value;
    const spelled = fc.tuple(json, fc.constantFrom<"canonical" | "stringify" | "spaced">("canonical", "stringify", "spaced"));
    fc.assert(
      fc.property(spelled, spelled, ([extra, how], [shared, how2]) => {
        // the sample's targets and an extra top-level field, each spelled one of three ways
        const value = JSON.parse(JSON.stringify({ ...payload, x_extra: extra, targets: { ...payload.targets, production: { ...payload.targets.production!, x_shared: shared } } }));
        const spell = (v: unknown, h: string) => (h === "canonical" ? canonicalOfParsed(v) : h === "stringify" ? JSON.stringify(v) : JSON.stringify(v, null, 1));
        const text = `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${spell(value[k], k === "targets" ? how2 : how)}`)
          .join(",")}}`;
        const canonical = canonicalOfParsed(JSON.parse(text)) === text;
        let read: ReturnType<typeof readPayload> | undefined;
        try {
          read = readPayload(utf8Encode(text));
        } catch (e) {
          expect((e as Error).message).toMatch(canonical ? /lone surrogate|I-JSON/ : /canonical/);
        }
        if (read !== undefined) {
          expect(canonical).toBe(true);
          expect(read.targetsBytes).toEqual(utf8Encode(canonicalOfParsed(value.targets)));
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("readPayload pins (each way a payload is refused, and the targets' bytes)", () => {
  const base = () => JSON.parse(new TextDecoder().decode(samplePayload().bytes)) as Record<string, unknown>;
  const formatError = (text: string): string => {
    try {
      readPayload(utf8Encode(text));
    } catch (e) {
      expect((e as BundleError).code).toBe("FORMAT_ERROR");
      return (e as Error).message;
    }
    throw new Error("accepted");
  };
  const nested = (levels: number): unknown => {
    let value: unknown = "x";
    for (let i = 1; i < levels; i++) value = i % 2 ? [value] : { v: value };
    return value;
  };

  it("reads the targets' canonical bytes whatever comes before and after them (non-ASCII text, extra fields, integer-like keys)", () => {
    const p = base();
    (p.sources as Array<{ path: string }>)[0]!.path = "dé/ü.yaml";
    p.zz_after = { "10": 1, "9": "€" };
    p.aa_before = ["\u{1F600}"];
    (p.targets as Record<string, Record<string, unknown>>).production!.x_keys = { "9": 1, "10": 2, "-1": 3, é: 4 };
    const text = canonicalJson(p);
    const read = readPayload(utf8Encode(text));
    expect(read.targetsBytes).toEqual(utf8Encode(canonicalJson(p.targets)));
    expect(read.payload).toEqual(p);
  });

  it("refuses nesting deeper than 64 levels in a target and in an extra field, and accepts 64", () => {
    // levels counted from the payload object (1): a target's field is at 4, a top-level field at 2
    for (const [where, deepest] of [["target", 62], ["extra", 64]] as const) {
      const p = base();
      const put = (v: unknown) => (where === "target" ? ((p.targets as Record<string, Record<string, unknown>>).production!.x = v) : (p.x_extra = v));
      put(nested(deepest));
      expect(() => readPayload(utf8Encode(canonicalJson(p))), where).not.toThrow();
      put(nested(deepest + 1));
      expect(formatError(canonicalJson(p))).toMatch(/nests deeper than 64 levels/);
      put(nested(deepest + 100));
      expect(formatError(JSON.stringify(p))).toMatch(/nests deeper than 64 levels/);
    }
  });

  it("refuses keys out of order at the top and deep inside, a duplicate key, whitespace and trailing text", () => {
    const text = canonicalJson(base());
    const edits = [
      text.replace(/^\{("created_at":"[^"]*"),("digests":\{[^}]*\})/, "{$2,$1"),
      text.replace(/"Action":(\["db:Select"\]),"Effect":("Allow")/, '"Effect":$2,"Action":$1'),
      text.replace(/"default_action":"deny","rules":\[\]/, '"rules":[],"default_action":"deny"'),
      text.replace('"serial":4', '"serial":4,"serial":4'),
      text.replace('"serial":4', '"serial":4.0'),
      `${text} `,
      text.replace("{", "{ "),
    ];
    for (const bad of edits) {
      expect(bad).not.toBe(text);
      expect(formatError(bad), bad.slice(0, 80)).toMatch(/not RFC 8785 canonical JSON/);
    }
    expect(formatError(`${text}{}`)).toMatch(/not strict JSON/);
  });

  it("refuses a lone surrogate and names it, but not an escaped backslash before ud800", () => {
    const p = base();
    // "x_note" sorts last, so JSON.stringify writes the canonical text (canonicalJson refuses the surrogate)
    p.x_note = "\ud800";
    expect(formatError(JSON.stringify(p))).toMatch(/lone surrogate/);
    p.x_note = "\\ud800";
    expect(() => readPayload(utf8Encode(JSON.stringify(p)))).not.toThrow();
  });
});

/** Whether `text` parses as JSON. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("canonicalTargetsSpan (the scan that spares the exact check)", () => {
  const key = fc.constantFrom("", "a", "b", "0", "1", "10", "9", "é", "\u{1F600}", "__proto__", "z", 'q"', "\\", "\n", "\u0001", "targets");
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("\ud800", "a\u0001b", "\t\"\\/", "\u2028"),
      tie("array"),
      tie("object"),
    ),
    array: fc.array(tie("value"), { maxLength: 3 }),
    object: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  })).value;
  // JSON text spelled canonically, as JSON.stringify writes it, or with whitespace, numbers
  // spelled otherwise, keys repeated or a \u escape where a plain character would do
  const spelled = fc.tuple(fc.dictionary(key, json, { maxKeys: 5 }), fc.constantFrom("canonical", "stringify", "spaced", "number", "repeat", "escape")).map(([value, how]) => {
    const canonical = canonicalOfParsed(value);
    if (how === "canonical") return canonical;
    if (how === "stringify") return JSON.stringify(value);
    if (how === "spaced") return JSON.stringify(value, null, 1);
    if (how === "number") return canonical.replace(/(?<=[:,[])(-?\d+)(?=[,\]}])/, "$1.0");
    if (how === "repeat") {
      // the first member written twice; the pattern may cut a string value short, so only JSON text is kept
      const repeated = canonical.replace(/^\{("[^"]*":[^,{}[\]]*),/, "{$1,$1,");
      return isJson(repeated) ? repeated : canonical;
    }
    return canonical.replace(/(?<=")a/, "\\u0061");
  });

  it("proves only canonical text canonical, and finds the top-level targets' value where it is", () => {
    let proved = 0;
    fc.assert(
      fc.property(spelled, (text) => {
        const value = JSON.parse(text) as Record<string, unknown>;
        const span = canonicalTargetsSpan(text);
        if (span === undefined) return;
        proved++;
        expect(canonicalOfParsed(value)).toBe(text);
        expect(text.slice(...span)).toBe(canonicalOfParsed(value.targets));
        expect(text.slice(0, span[0]).endsWith('"targets":')).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    // most generated texts carry no targets field: some must still have been proved
    expect(proved).toBeGreaterThan(20);
  });

  it("proves a built payload canonical, and is unsure of what only the exact check can decide", () => {
    const text = new TextDecoder().decode(samplePayload().bytes);
    const span = canonicalTargetsSpan(text);
    expect(span).toBeDefined();
    expect(JSON.parse(text.slice(...span!))).toEqual(JSON.parse(text).targets);
    const unsure = [
      text.replace('"serial":4', '"serial":4.0'),
      text.replace('"serial":4', '"serial":4,"serial":4'),
      text.replace(":", ": "),
      ` ${text}`,
      `${text}\n`,
      text.replace('"name":"', '"name":"\\u0061'),
      text.replace('"name":"', '"name":"\\u000a'),
      text.replace('"name":"', '"name":"\\u001F'),
      text.replace('"name":"', '"name":"\\/'),
      text.replace("{", '{"":1,'),
      text.replace("{", '{"\\"":1,'),
      text.replace("{", `{"a":${"[".repeat(64)}${"]".repeat(64)},`),
      text.replace('"targets":', '"targetz":'),
    ];
    for (const other of unsure) expect(canonicalTargetsSpan(other), other.slice(0, 60)).toBeUndefined();
    expect(canonicalTargetsSpan(text.replace("{", `{"a":${"[".repeat(63)}${"]".repeat(63)},`))).toBeDefined();
    // strings with the escapes JSON.stringify writes, an escaped quote or backslash just before the closing quote
    const escaped = '{"b":"\\\\","c":"\\"q\\"","d":"\\n\\t\\b\\f\\r\\u0000\\u001f\\u000b","e":"x\\\\\\""}';
    const withEscapes = text.replace('"targets":{', `"targets":{"0":${escaped},`);
    const escapedSpan = canonicalTargetsSpan(withEscapes);
    expect(canonicalOfParsed(JSON.parse(withEscapes))).toBe(withEscapes);
    expect(escapedSpan && JSON.parse(withEscapes.slice(...escapedSpan))["0"]).toEqual(JSON.parse(escaped));
  });
});
