/**
 * Random YAML documents for the fast-path differential test: a random tree written in a random
 * style (indentation, compact sequences, flow collections, quoting, spacing, blank lines, header
 * and stray comments), with scalars chosen at the edges of the core schema and of plain-scalar
 * syntax; and random damage to such texts (a character inserted or removed, a line repeated or
 * re-indented), which lands on both sides of the fast path's subset.
 */
import fc from "fast-check";

type Tree = { t: "map"; entries: Array<[string, Tree]> } | { t: "seq"; items: Tree[] } | { t: "scalar"; s: string } | { t: "empty" };

const SCALARS = [
  "a", "b", "key", "Allow", "Deny", "db:GetItem", "https://x.example/a/*", "10.0.0.0/8", "$5.00", "a b", "a:b", "a - b", "tool:bash:execute",
  "x#y", "--x", "-x", "a,b", "a]", "a}", "a[0]", "é", "日本語", "a'b", 'a"b', "a\\b", "a  b", "300s", "4GB", "slack:#prod",
  "Null", "null", "NULL", "~", "true", "True", "TRUE", "false", "Yes", "on", "0", "-0", "010", "0o17", "0o8", "0x1F", "0xg", "-5", "+3",
  "1.5", ".5", "5.", "1e3", "-1.5E-3", "1_000", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "2024-12-02", "12:30", "1:2:3", "99999999999999999999",
  "-", "- x", "? x", ": x", "[x", "{x", "#c", "&a", "*a", "!t", "|", "> x", "%x", "@x", "`x", "...", "---", "<<", "a:", "a: b", "a #b",
  '"q"', '"a\\"b"', '"\\n\\t\\\\"', '"\\u00e9"', '"\\x41"', '"\\ud800"', '"\\/"', '"\\b\\f\\r"', '"\\e"', '""', "'it''s'", "''", "'a\"b'", "'#'",
] as const;

const KEYS = ["a", "b", "c", "a", "Sid", "Effect", "spec", "Null", "true", "010", "1e3", "~", "a b", "a/b", "~1", "x~y", "-k", "k-", "db:Get", "é",
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", '"quoted key"', "'single'", '"a"', '"__proto__"', "<<", "", "a:b", "[k]", "k#"] as const;

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...SCALARS).map((s): Tree => ({ t: "scalar", s })),
    fc.constant<Tree>({ t: "empty" }),
    fc.array(fc.tuple(fc.constantFrom(...KEYS), tie("tree")), { minLength: 1, maxLength: 4 }).map((entries): Tree => ({ t: "map", entries })),
    fc.array(tie("tree"), { minLength: 1, maxLength: 4 }).map((items): Tree => ({ t: "seq", items })),
  ),
})).tree;

/** mulberry32: the rendering's style choices, from one generated seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  spaces(min: number, max: number): string {
    return " ".repeat(min + Math.floor(this.r() * (max - min + 1)));
  }
  /** A blank line, a stray comment, or nothing, between lines. */
  gap(indent: string): string {
    if (this.chance(0.08)) return "\n";
    if (this.chance(0.02)) return `${this.chance(0.5) ? indent : ""}# note\n`;
    return "";
  }
  lineEnd(): string {
    return (this.chance(0.1) ? this.spaces(1, 2) : "") + (this.chance(0.03) ? " # c" : "");
  }

  flow(node: Tree): string | undefined {
    if (node.t === "scalar") return node.s;
    if (node.t === "empty") return undefined;
    const sp = this.chance(0.5) ? " " : "";
    const parts: string[] = [];
    if (node.t === "seq") {
      for (const item of node.items) {
        const f = this.flow(item);
        if (f === undefined) return undefined;
        parts.push(f);
      }
      return `[${sp}${parts.join(this.pick([", ", ",", " , "]))}${sp}]`;
    }
    for (const [k, v] of node.entries) {
      const f = this.flow(v);
      if (f === undefined) return undefined;
      parts.push(`${k}:${this.pick([" ", "  ", ""])}${f}`);
    }
    return `{${sp}${parts.join(this.pick([", ", ","]))}${sp}}`;
  }

  /** The value after `key:` or `-`, starting right after the indicator; `column` is the parent's. */
  value(node: Tree, column: number, inMap: boolean): string {
    if (node.t === "empty") return this.pick(["", " ", "  ", " # c"]) + "\n";
    if (node.t === "scalar") return `${this.spaces(1, 2)}${node.s}${this.lineEnd()}\n`;
    if (this.chance(0.25)) {
      const f = this.flow(node);
      if (f !== undefined) return `${this.spaces(1, 2)}${f}${this.lineEnd()}\n`;
    }
    const sameColumn = inMap && node.t === "seq" && this.chance(0.3);
    const child = sameColumn ? column : column + this.pick([1, 2, 2, 2, 3, 4]);
    return `${this.lineEnd()}\n${this.gap(" ".repeat(child))}${this.block(node, child)}`;
  }

  /** A collection in block style whose first line starts at `column` (indentation included). */
  block(node: Tree, column: number, firstIndented = true): string {
    const indent = " ".repeat(column);
    let out = "";
    if (node.t === "map") {
      node.entries.forEach(([k, v], i) => {
        if (i > 0) out += this.gap(indent);
        out += `${i === 0 && !firstIndented ? "" : indent}${k}:${this.value(v, column, true)}`;
      });
      return out;
    }
    if (node.t === "seq") {
      node.items.forEach((item, i) => {
        if (i > 0) out += this.gap(indent);
        out += `${indent}-`;
        if (item.t === "map" && this.chance(0.7)) {
          const pad = this.spaces(1, 3);
          out += pad + this.block(item, column + 1 + pad.length, false);
        } else out += this.value(item, column, false);
      });
      return out;
    }
    return `${indent}${node.t === "scalar" ? node.s : ""}\n`;
  }
}

/** A random document: mostly a mapping at the root, sometimes a sequence or a lone scalar. */
export function documentText(): fc.Arbitrary<string> {
  return fc.tuple(treeArb, fc.integer(), fc.constantFrom(0, 0, 0, 1, 2), fc.constantFrom(0, 0, 1, 2)).map(([tree, seed, header, ending]) => {
    const w = new Writer(seed);
    const root: Tree = tree.t === "map" || tree.t === "seq" || w.chance(0.1) ? tree : { t: "map", entries: [["kind", tree]] };
    let text = ["", "# yaml-language-server: $schema=x.json\n", "# a\n\n# b\n"][header]! + w.block(root, 0);
    if (ending === 1) text = text.replace(/\n$/, "");
    if (ending === 2) text += "\n\n";
    return text;
  });
}

const INSERTS = [" ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "[", "]", "{", "}", ",", "'", '"', "\t", "\r", "&", "*", "!", "|", ">", "?", "\\", "\uFEFF", "é", "~", "/"];

/** Damages a document: one to three edits at random places. */
export function mutate(doc: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.nat(4), fc.constantFrom(...INSERTS));
  return fc.tuple(doc, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
    let t = text;
    for (const [at, op, s] of edits) {
      const i = t.length === 0 ? 0 : at % (t.length + 1);
      const lines = t.split("\n");
      const l = lines.length === 0 ? 0 : at % lines.length;
      switch (op) {
        case 0:
          t = t.slice(0, i) + s + t.slice(i);
          break;
        case 1:
          t = t.slice(0, i) + t.slice(i + 1);
          break;
        case 2:
          lines.splice(l, 0, lines[l] ?? "");
          t = lines.join("\n");
          break;
        case 3:
          lines[l] = ` ${lines[l] ?? ""}`;
          t = lines.join("\n");
          break;
        default:
          lines[l] = (lines[l] ?? "").replace(/^ {1,2}/, "");
          t = lines.join("\n");
      }
    }
    return t;
  });
}
