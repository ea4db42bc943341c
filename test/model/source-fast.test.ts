/**
 * The fast path of parseSource (source-fast.ts) against the full parse (the yaml library): on
 * every file it accepts, the value, the span of every key and value, the problems and the
 * syntax-error flag must be the same. Checked on random documents written in many styles and
 * then damaged at random, on the repository's own policies and packs, and on generated repositories.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateRepository } from "../../bench/lib/generate.js";
import { readCommonYaml } from "../../src/model/source-fast.js";
import { parseSource } from "../../src/model/source.js";
import type { SourceFile } from "../../src/model/source.js";
import { documentText, mutate } from "./source-fast-gen.js";

const ROOT = join(import.meta.dirname, "../..");
const SEED = Number(process.env.EDICT_PROPERTY_SEED ?? 22);

/** What the fast path must reproduce exactly: the spans as entries, in the full parse's order. */
function view(s: SourceFile): unknown {
  return { value: s.value, spans: [...s.spans], problems: s.problems, syntaxError: s.syntaxError, text: s.text };
}

function fastAccepts(text: string): boolean {
  const logged = readCommonYaml(text);
  // parseSource reads without the span log and reads again for the spans: the same read either way
  const unlogged = readCommonYaml(text, false);
  expect(unlogged?.spans).toBeUndefined();
  if (!isDeepStrictEqual([logged?.value, logged?.problems], [unlogged?.value, unlogged?.problems])) {
    expect([unlogged?.value, unlogged?.problems]).toStrictEqual([logged?.value, logged?.problems]);
  }
  return logged !== undefined;
}

/** Both paths on one text; true when the fast path read it. */
function compare(text: string): boolean {
  const fast = parseSource("x.yaml", text);
  const full = parseSource("x.yaml", text, { fastPath: false });
  if (!isDeepStrictEqual(view(fast), view(full))) expect(view(fast)).toStrictEqual(view(full));
  return fastAccepts(text.replace(/^\uFEFF/, ""));
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(dir, e.name), out);
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(join(dir, e.name));
  }
  return out;
}

describe("source fast path", () => {
  it("reads every policy and pack of the repository as the full parse does", () => {
    const files = [join(ROOT, "edict.yaml"), join(ROOT, ".edict/packs.yaml"), ...walk(join(ROOT, "policies"), []), ...walk(join(ROOT, "packs"), [])];
    let fast = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      const a = parseSource(relative(ROOT, file), bytes);
      const b = parseSource(relative(ROOT, file), bytes, { fastPath: false });
      expect(view(a), file).toStrictEqual(view(b));
      if (fastAccepts(bytes.toString("utf8"))) fast++;
    }
    expect(files.length).toBeGreaterThan(30);
    // header comments, flow collections and quoted strings are all in the subset
    expect(fast).toBeGreaterThan(files.length * 0.8);
  });

  it("reads generated repositories (the benchmark's) as the full parse does", () => {
    const { files } = generateRepository(300, 5);
    for (const f of files) expect(compare(String(f.bytes)), f.path).toBe(true);
  });

  it("agrees with the full parse on random documents, and reads most of them", () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(documentText(), (text) => {
        runs++;
        if (compare(text)) accepted++;
      }),
      { numRuns: 3000, seed: SEED },
    );
    expect(accepted).toBeGreaterThan(runs * 0.3);
  });

  it("agrees with the full parse on damaged documents", () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(mutate(documentText()), (text) => {
        runs++;
        if (compare(text)) accepted++;
      }),
      { numRuns: 4000, seed: SEED + 1 },
    );
    expect(accepted).toBeGreaterThan(runs * 0.1);
  });

  it("leaves what it does not read to the full parse", () => {
    const outside = [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: |\n  text\n",
      "a: >\n  text\n",
      "a: b\n  c\n",
      "a: 1 # comment\n",
      "a: 1\n# comment\nb: 2\n",
      "---\na: 1\n",
      "a: 1\n...\n",
      "%YAML 1.2\n---\na: 1\n",
      "? a\n: 1\n",
      "a:\tb\n",
      "a: 1\r\nb: 2\r\n",
      "a: [1,\n  2]\n",
      'a: "multi\n  line"\n',
      "- - a\n",
      "just a scalar\n",
      "{ a: 1 }\n",
      "  a: 1\n",
    ];
    for (const text of outside) {
      expect(fastAccepts(text), text).toBe(false);
      compare(text);
    }
  });

  it("keeps prototype keys out and reports them and repeated keys at the key, as the full parse does", () => {
    const text = "__proto__: { admin: true }\na: 1\na: { b: 2 }\nc: { constructor: 1, d: 1, d: 2 }\n";
    expect(compare(text)).toBe(true);
    const s = parseSource("x.yaml", text);
    expect(Object.getPrototypeOf(s.value)).toBe(Object.prototype);
    expect(s.problems.map((p) => `${p.code} ${text.slice(...p.span)}`)).toEqual(["unsafe-key __proto__", "duplicate-key a", "unsafe-key constructor", "duplicate-key d"]);
    expect(s.spans.has("/a/b")).toBe(false);
  });
});
