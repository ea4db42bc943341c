/**
 * Lint and loading under hostile input (issue 10): the example repository's real files,
 * mutated by fast-check and by one named attack per test, read the way `edict lint`, the
 * reporters, `edict test` and the compiled engines read them. The long run is `npm run fuzz`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "../../fuzz/lib/corpus.js";
import type { CorpusFile } from "../../fuzz/lib/corpus.js";
import { changedSince, takeSnapshot } from "../../fuzz/lib/invariants.js";
import type { Snapshot } from "../../fuzz/lib/invariants.js";
import { checkFiles } from "../../fuzz/lib/lint-case.js";
import type { CaseFiles } from "../../fuzz/lib/lint-case.js";
import { applyOp, materialize, NASTY_STRINGS, PROTO_SNIPPETS } from "../../fuzz/lib/mutate.js";
import type { Op, Payload } from "../../fuzz/lib/mutate.js";
import { runLint } from "../../src/lint/engine.js";
import { RULES } from "../../src/lint/registry.js";
import { formatReport } from "../../src/lint/reporters/index.js";
import { buildRepository } from "../../src/model/repository.js";
import { parseSource } from "../../src/model/source.js";

const corpus = readCorpus();
const repoFiles = corpus.repository;
const allFiles = [...corpus.repository, ...corpus.suites];
const CONFIG = repoFiles.find((f) => f.path === "edict.yaml")!;
const STATE = repoFiles.find((f) => f.path === ".edict/packs.yaml")!;
const enc = new TextEncoder();
const dec = new TextDecoder();

let snapshot: Snapshot;
beforeAll(() => {
  snapshot = takeSnapshot();
});

function isSuite(path: string): boolean {
  return path.startsWith("tests/");
}

/** A small repository around one edited file: the config, the pack state, and the file. */
function around(file: CorpusFile, extra: readonly CorpusFile[] = []): CaseFiles {
  const chosen = new Map<string, CorpusFile>();
  for (const f of [CONFIG, STATE, ...extra, file]) chosen.set(f.path, f);
  const list = [...chosen.values()];
  return { repository: list.filter((f) => !isSuite(f.path)), suites: list.filter((f) => isSuite(f.path)) };
}

function edited(path: string, edit: (bytes: Uint8Array) => Uint8Array): CorpusFile {
  const f = allFiles.find((x) => x.path === path)!;
  return { path, bytes: edit(f.bytes) };
}

/** One file of each kind edict reads: config, state, installed policy, custom policy, pack metadata, shipped policy, test suite. */
const ONE_OF_EACH = [
  "edict.yaml",
  ".edict/packs.yaml",
  "policies/starter__03__deny_destructive_actions.yaml",
  "policies/access/production.yaml",
  "policies/data/financial-approval.yaml",
  "policies/runtime/agents.yaml",
  "policies/posture/development-laptops.yaml",
  "packs/starter/metadata.yaml",
  "packs/hipaa/policies/02_phi_data_approval.yaml",
  "tests/access.yaml",
].filter((p) => allFiles.some((f) => f.path === p));

// -------------------------------------------------------------------------------------------------
// fast-check: random mutation sequences

const nasty = fc.constantFrom(...NASTY_STRINGS);
const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 3, arbitrary: nasty.map((s): Payload => ({ k: "text", s })) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_SNIPPETS).map((s): Payload => ({ k: "text", s })) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }).map((s): Payload => ({ k: "text", s })) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }).map((b): Payload => ({ k: "bytes", b })) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 20 }).map((s): Payload => ({ k: "text", s })) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ t: fc.constant("bitflip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ t: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ t: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ t: fc.constant("insert" as const), at: fc.nat(), p: payload }),
  fc.record({ t: fc.constant("insertLine" as const), line: fc.nat(), p: payload, indent: fc.boolean() }),
  fc.record({ t: fc.constant("replaceValue" as const), line: fc.nat(), p: payload }),
  fc.record({ t: fc.constant("replaceValueOf" as const), key: fc.constantFrom("id", "name", "Sid", "priority", "version", "path", "targets"), nth: fc.nat(20), p: payload }),
  fc.record({ t: fc.constant("replaceKey" as const), line: fc.nat(), key: fc.constantFrom("__proto__", "constructor", "prototype", "<<", "id", "kind", "") }),
  fc.record({ t: fc.constant("dupLine" as const), line: fc.nat() }),
  fc.record({ t: fc.constant("delLine" as const), line: fc.nat() }),
  fc.record({ t: fc.constant("swapLines" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ t: fc.constant("lineEnds" as const), to: fc.constantFrom("crlf" as const, "cr" as const, "mixed" as const) }),
  fc.record({ t: fc.constant("bom" as const), kind: fc.constantFrom("utf8" as const, "twice" as const, "utf16le" as const) }),
  fc.record({ t: fc.constant("tabs" as const), line: fc.nat() }),
);

describe("lint and loading of mutated example files (fast-check)", () => {
  it("never throw; every finding names a file and a position; no rule crashes; nothing global changes", () => {
    const edit = fc.record({ file: fc.nat(allFiles.length - 1), ops: fc.array(op, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.subarray(repoFiles.map((f) => f.path), { maxLength: 2 }), (edits, extra) => {
        const files = new Map<string, CorpusFile>();
        for (const f of [CONFIG, STATE, ...repoFiles.filter((x) => extra.includes(x.path))]) files.set(f.path, f);
        for (const e of edits) {
          const base = files.get(allFiles[e.file]!.path) ?? allFiles[e.file]!;
          files.set(base.path, { path: base.path, bytes: e.ops.reduce(applyOp, base.bytes) });
        }
        const list = [...files.values()];
        const problems = checkFiles({ repository: list.filter((f) => !isSuite(f.path)), suites: list.filter((f) => isSuite(f.path)) });
        expect(problems).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("random Unicode in ids and paths (../, NUL, RTL marks, astral, unpaired surrogates)", () => {
    const weird = fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 16 }), fc.string({ unit: "grapheme", maxLength: 8 }));
    const policyFile = repoFiles.find((f) => f.path === "policies/access/production.yaml")!;
    fc.assert(
      fc.property(weird, weird, fc.constantFrom("policies/", "policies/x/", "packs/starter/policies/", "packs/", ""), (id, name, dir) => {
        const text = dec.decode(policyFile.bytes).replace(/^(\s*id:).*$/m, `$1 ${JSON.stringify(id)}`).replace(/^(\s*- Sid:).*$/m, `$1 ${JSON.stringify(id)}`);
        const file = { path: `${dir}${name}.yaml`, bytes: enc.encode(text) };
        // the path as well as the id comes from the contributor; the string form is what git or a walker hands over
        const problems = checkFiles({ repository: [CONFIG, STATE, file], suites: [] });
        expect(problems).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

// -------------------------------------------------------------------------------------------------
// named attacks, each on one file of every kind

const payloadOf = (p: Payload) => materialize(p);
const withValue = (p: Payload): Op => ({ t: "replaceValue", line: 3, p });

/** Heavy documents cost ~0.1–0.5 s each, so they go against one file per reader, not every file. */
const HEAVY_TARGETS = ["edict.yaml", "policies/access/production.yaml", "tests/access.yaml"].filter((p) => allFiles.some((f) => f.path === p));

function checker(path: string) {
  return (edit: (b: Uint8Array) => Uint8Array, what: string, reports = false): void => {
    const files = around(edited(path, edit));
    const problems = checkFiles(files, { reports });
    expect(problems, `${path}: ${what}: ${problems.map((p) => `${p.kind}: ${p.detail}`).join("\n")}`).toEqual([]);
  };
}

describe.each(HEAVY_TARGETS)("heavy hostile documents as %s", (path) => {
  const check = checker(path);
  const policyLike = path.startsWith("policies/");

  it("deep nesting: 10,000 nested [ and {, open and closed, as the whole file and as a value", () => {
    for (const p of [
      { k: "deepSeq", n: 10_000, closed: false },
      { k: "deepSeq", n: 10_000, closed: true },
      { k: "deepMap", n: 10_000, closed: true },
      { k: "deepDash", n: 10_000 },
    ] as const) {
      check(() => payloadOf(p), `whole file ${p.k}`, policyLike);
      if (policyLike) check((b) => applyOp(b, withValue(p)), `value ${p.k}`);
    }
    if (policyLike) check((b) => applyOp(b, { t: "insert", at: b.length, p: { k: "deepBlock", n: 1000 } }), "1,000 indented levels");
  });

  it("huge scalars: a 900 KB string as a value and as a key; a file over the 1 MiB cap", () => {
    for (const style of policyLike ? (["plain", "double", "block"] as const) : (["double"] as const)) {
      check((b) => applyOp(b, withValue({ k: "huge", n: 900_000, style })), `900 KB ${style}`, policyLike && style === "plain");
    }
    check((b) => applyOp(b, { t: "insert", at: b.length, p: { k: "huge", n: 1_100_000, style: "plain" } }), "over the cap");
    if (policyLike) check((b) => applyOp(b, { t: "insert", at: b.length, p: { k: "manyKeys", n: 3000 } }), "3,000 keys");
  });

  it("alias bombs: billion laughs in sequences and through merge keys", () => {
    if (path.startsWith("tests/")) return; // parseSuite reads through parseSource too: the bombs on the other files cover it
    check((b) => applyOp(b, { t: "insert", at: 0, p: { k: "aliasBomb", levels: 10, width: 10, merge: false } }), "billion laughs", policyLike);
    if (policyLike) check((b) => applyOp(b, { t: "insert", at: 0, p: { k: "aliasBomb", levels: 6, width: 8, merge: true } }), "merge-key bomb");
    if (policyLike) check((b) => applyOp(b, { t: "insert", at: 0, p: { k: "manyAnchors", n: 300 } }), "300 anchors");
  });
});

describe.each(ONE_OF_EACH)("hostile edits of %s", (path) => {
  const file = allFiles.find((f) => f.path === path)!;
  const check = checker(path);
  const keyLines = dec
    .decode(file.bytes)
    .split("\n")
    .map((l, i) => (/^\s*-?\s*[\w.]+:/.test(l) ? i : -1))
    .filter((i) => i >= 0);

  it("duplicate keys at every level", () => {
    for (const i of keyLines) check((b) => applyOp(b, { t: "dupLine", line: i }), `dup line ${i + 1}`);
  });

  it("__proto__, constructor and prototype keys at every level", () => {
    for (const snippet of PROTO_SNIPPETS.slice(0, 7)) {
      // every level at once, then one level at a time (a different sample of levels per snippet)
      check((b) => keyLines.reduceRight((acc, i) => applyOp(acc, { t: "insertLine", line: i, p: { k: "text", s: snippet }, indent: true }), b), `${snippet} everywhere`);
      for (const i of keyLines.filter((_, k) => k % 7 === PROTO_SNIPPETS.indexOf(snippet))) check((b) => applyOp(b, { t: "insertLine", line: i, p: { k: "text", s: snippet }, indent: true }), `${snippet} at line ${i + 1}`);
    }
    for (const key of ["__proto__", "constructor", "prototype"]) for (const line of [0, keyLines.length - 1]) check((b) => applyOp(b, { t: "replaceKey", line, key }), `key ${line} renamed ${key}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("invalid UTF-8 sequences at the start, middle and end", () => {
    for (const bytes of [[0x80], [0xc0, 0xaf], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe], [0xff, 0xfe], [0xf0, 0x9f]]) {
      for (const at of [0, Math.floor(file.bytes.length / 2), file.bytes.length]) check((b) => applyOp(b, { t: "insert", at, p: { k: "bytes", b: bytes } }), `${bytes} at ${at}`);
    }
  });

  it("CRLF, lone CR, mixed line ends, BOM, double BOM, UTF-16", () => {
    for (const to of ["crlf", "cr", "mixed"] as const) check((b) => applyOp(b, { t: "lineEnds", to }), to, to === "cr");
    for (const kind of ["utf8", "twice", "utf16le"] as const) check((b) => applyOp(b, { t: "bom", kind }), `BOM ${kind}`);
  });

  it("truncation and byte flips across the file", () => {
    const step = Math.max(1, Math.floor(file.bytes.length / 15));
    for (let at = 0; at <= file.bytes.length; at += step) {
      check((b) => applyOp(b, { t: "truncate", at }), `truncate ${at}`);
      check((b) => applyOp(b, { t: "set", at, byte: 0x00 }), `NUL at ${at}`);
      check((b) => applyOp(b, { t: "bitflip", at, bit: 7 }), `flip ${at}`);
    }
  });
});

describe("line ends do not change what lint says", () => {
  it("the example with CRLF line ends has the same findings as with LF (and no errors)", () => {
    const key = (files: CorpusFile[]) =>
      runLint(buildRepository(files), { rules: RULES })
        .findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}:${f.column}`)
        .sort();
    const lf = key(repoFiles);
    expect(lf.filter((f) => f.startsWith("error"))).toEqual([]);
    expect(key(repoFiles.map((f) => ({ path: f.path, bytes: applyOp(f.bytes, { t: "lineEnds", to: "crlf" }) })))).toEqual(lf);
  });
});

describe("regressions found by the fuzzer", () => {
  // fuzz/failures/lint-internal-error_entry.lastIndexOf…: `tools: allowlist: [- :]` with
  // deny_if_unpinned_version crashed unpinned-tool-version (the merge passed the non-string on)
  it("a non-string tool allowlist entry is an invalid-type finding, not a crash of unpinned-tool-version", () => {
    const policy = "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: r, priority: 10 }\nspec:\n  tools:\n    allowlist: [{ a: 1 }, 5, mcp://x/y]\n    deny_if_unpinned_version: true\n";
    const files = { repository: [CONFIG, { path: "policies/r.yaml", bytes: enc.encode(policy) }], suites: [] };
    expect(checkFiles(files)).toEqual([]);
    expect(runLint(buildRepository(files.repository), { rules: RULES }).findings.map((f) => f.rule)).toContain("invalid-type");
  });

  // an alias inside the node it names (`&a [*a]`) made parseSource recurse until the stack overflowed
  it.each(["a: &a [*a]\n", "a: &a { b: *a }\n", "a: &a [1, [2, *a]]\n", "- &a [&b [*b, *a]]\n"])("a self-referential alias %j is an alias-limit finding, not a stack overflow", (text) => {
    const source = parseSource("policies/x.yaml", text);
    expect(source.problems.map((p) => p.code)).toContain("alias-limit");
    expect(checkFiles({ repository: [CONFIG, { path: "policies/x.yaml", bytes: enc.encode(text) }], suites: [] }, { reports: true })).toEqual([]);
  });

  // fuzz/failures/lint-slow-…: 800 findings on one 40 KB line took the text reporter 3.6 s (each
  // excerpt laid out the whole line again); a 1 MiB line took minutes
  it("the text report of many findings on one long line takes time linear in the input", () => {
    // (a file that does not parse is reported by its first syntax error only, so the many
    // findings come from a line that parses: a flow mapping that repeats one key)
    const text = `{${"a: 1, ".repeat(10_000)}}`;
    const repo = buildRepository([CONFIG, { path: "policies/x.yaml", bytes: enc.encode(text) }]);
    const result = runLint(repo, { rules: RULES });
    expect(result.findings.length).toBeGreaterThan(500);
    const started = performance.now();
    formatReport("text", { ...result, sources: new Map(repo.files.map((f) => [f.path, f.source.text])) });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  // yaml's Alias.resolve(doc) walked the whole document per alias (5,000 aliases took ~29 s); the
  // builder now resolves all anchors in one pass. Time is measured by `npm run fuzz`, not here.
  it("many anchors and aliases resolve to their anchored values", () => {
    const n = 5_000;
    const source = parseSource("policies/x.yaml", Array.from({ length: n }, (_, i) => `- &a${i} ${i}\n- *a${i}\n`).join(""));
    expect(source.problems).toEqual([]);
    const value = source.value as number[];
    expect(value).toHaveLength(2 * n);
    for (let i = 0; i < n; i += 997) expect([value[2 * i], value[2 * i + 1]]).toEqual([i, i]);
  });
});

describe("reading one mapping with many keys (issue 10)", () => {
  // parseAllDocuments({uniqueKeys: true}) compared every key with every other (30,000 keys took
  // ~6 s); duplicates are now found by the value builder with a Set.
  it("finds the one duplicate among 50,000 keys, at the duplicate", () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}: ${i}\n`);
    keys.push("k123: again\n");
    const source = parseSource("policies/x.yaml", keys.join(""));
    expect(source.problems.map((p) => `${p.code} ${p.message} ${source.lines.position(p.span[0]).line}`)).toEqual(['duplicate-key duplicate key "k123" 50001']);
    expect((source.value as Record<string, unknown>).k123).toBe(123);
  });
});

afterAll(() => {
  // prototype pollution and shared state, after every attack above
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(changedSince(snapshot)).toEqual([]);
  expect(RULES.length).toBeGreaterThan(60);
});
