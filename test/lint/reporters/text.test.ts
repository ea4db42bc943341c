import { describe, expect, it } from "vitest";
import type { Finding, ReportInput } from "../../../src/lint/finding.js";
import { summarize } from "../../../src/lint/finding.js";
import { excerpt, formatText, MAX_EXCERPT_WIDTH, shouldUseColor, TAB_WIDTH } from "../../../src/lint/reporters/text.js";
import { INPUT } from "./fixture.js";

function finding(over: Partial<Finding> = {}): Finding {
  return { rule: "some-rule", severity: "error", message: "m", file: "a.yaml", line: 1, column: 1, endLine: 1, endColumn: 2, path: "", ...over };
}
function input(findings: Finding[], sources: Record<string, string> = {}): ReportInput {
  return { findings, summary: summarize(findings, 1), sources: new Map(Object.entries(sources)) };
}
/** The text the caret underlines, read off the printed excerpt and caret lines. */
function underlined(out: string): string[] {
  const lines = out.split("\n");
  const hits: string[] = [];
  lines.forEach((l, i) => {
    const m = /^ +\|( +)\^(~*)$/.exec(l);
    if (!m) return;
    const caret = l.indexOf("^");
    hits.push(lines[i - 1]!.slice(caret, caret + 1 + m[2]!.length));
  });
  return hits;
}

describe("excerpt", () => {
  it("puts the caret under the column", () => {
    expect(excerpt("  priority: 250", 13, 16)).toEqual({ text: "  priority: 250", caretStart: 12, caretLength: 3 });
  });

  it("expands a leading tab to the next tab stop", () => {
    const ex = excerpt("\tkey: value", 2, 5);
    expect(ex.text).toBe(`${" ".repeat(TAB_WIDTH)}key: value`);
    expect(ex.text.slice(ex.caretStart, ex.caretStart + ex.caretLength)).toBe("key");
  });

  it("expands a tab in the middle to the next stop, not by a fixed width", () => {
    const ex = excerpt("ab\tc\td", 4, 7);
    expect(ex.text).toBe("ab  c   d");
    expect(ex.caretStart).toBe(4);
    expect(ex.text.slice(ex.caretStart, ex.caretStart + ex.caretLength)).toBe("c   d");
  });

  it("a range starting on a tab underlines the whole tab", () => {
    const ex = excerpt("a\tb", 2, 3);
    expect(ex).toEqual({ text: "a   b", caretStart: 1, caretLength: 3 });
  });

  it("underlines to the end of the line when the range goes on (no endColumn)", () => {
    const ex = excerpt("      Effect: Allow", 7, undefined);
    expect(ex.text.slice(ex.caretStart, ex.caretStart + ex.caretLength)).toBe("Effect: Allow");
  });

  it("an empty range still gets one caret", () => {
    expect(excerpt("abc", 2, 2)).toEqual({ text: "abc", caretStart: 1, caretLength: 1 });
  });

  it("a column past the end points just after the last character", () => {
    expect(excerpt("abc", 9, 12)).toEqual({ text: "abc", caretStart: 3, caretLength: 1 });
  });

  it("cuts a long line on both sides and keeps the caret on the target", () => {
    const line = `${"x".repeat(200)}TARGET${"y".repeat(200)}`;
    const ex = excerpt(line, 201, 207);
    expect(ex.text.startsWith("…")).toBe(true);
    expect(ex.text.endsWith("…")).toBe(true);
    expect(ex.text.length).toBe(MAX_EXCERPT_WIDTH);
    expect(ex.text.slice(ex.caretStart, ex.caretStart + ex.caretLength)).toBe("TARGET");
  });

  it("cuts only the right side when the target is near the start", () => {
    const ex = excerpt(`ab TARGET ${"y".repeat(300)}`, 4, 10);
    expect(ex.text.startsWith("ab TARGET")).toBe(true);
    expect(ex.text.endsWith("…")).toBe(true);
    expect(ex.caretStart).toBe(3);
  });

  it("cuts only the left side when the target is near the end", () => {
    const line = `${"x".repeat(300)} TARGET end`;
    const ex = excerpt(line, 302, 308);
    expect(ex.text.startsWith("…")).toBe(true);
    expect(ex.text.endsWith("TARGET end")).toBe(true);
    expect(ex.text.slice(ex.caretStart, ex.caretStart + ex.caretLength)).toBe("TARGET");
  });

  it("clips an underline longer than the window", () => {
    const line = "z".repeat(500);
    const ex = excerpt(line, 100, 400);
    expect(ex.caretStart + ex.caretLength).toBeLessThanOrEqual(ex.text.length);
    expect(ex.text[ex.caretStart]).toBe("z");
  });

  it("does not split a surrogate pair at a cut", () => {
    const line = "😀".repeat(200);
    for (const col of [1, 51, 101, 201, 399]) {
      const ex = excerpt(line, col, col + 2);
      expect(ex.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});

describe("formatText", () => {
  it("every caret in the golden fixture sits under the finding's text", () => {
    expect(underlined(formatText(INPUT, { color: false }))).toEqual(["enabled", "250", "AllowAll", "Effect: Allow", "zulu"]);
  });

  it("lines the caret up after a tab, in the printed output", () => {
    const out = formatText(input([finding({ line: 2, column: 7, endLine: 2, endColumn: 12 })], { "a.yaml": "x: 1\n\tkey:\tvalue\n" }), { color: false });
    expect(underlined(out)).toEqual(["value"]);
    expect(out).not.toContain("\t");
  });

  it("drops the carriage return of CRLF sources", () => {
    const out = formatText(input([finding({ line: 1, column: 4, endColumn: 7 })], { "a.yaml": "ab cde\r\nnext\r\n" }), { color: false });
    expect(out).not.toContain("\r");
    expect(underlined(out)).toEqual(["cde"]);
  });

  it("prints no excerpt when the source is unknown or the line is out of range", () => {
    const out = formatText(
      input([finding({ file: "gone.yaml" }), finding({ line: 40, endLine: 40 }), finding({ line: 0, column: 0, endLine: 0, endColumn: 0 })], { "a.yaml": "one line\n" }),
      { color: false },
    );
    expect(out).not.toContain("|");
    expect(out).toContain("  40:1  error    m  some-rule");
  });

  it("replaces control characters so a file cannot drive the terminal", () => {
    const out = formatText(input([finding({ message: "bad \x1b[2J key", help: "x\x07y" })], { "a.yaml": "a\x1b]0;title\x07b\n" }), { color: false });
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(out).toContain("bad \uFFFD[2J key");
  });

  it("colours only when asked, and only with ANSI escapes", () => {
    expect(formatText(INPUT, { color: false })).not.toContain("\x1b");
    const out = formatText(INPUT, { color: true });
    expect(out).toContain("\x1b[31merror\x1b[39m");
    expect(out).toContain("\x1b[33mwarning\x1b[39m");
    expect(out).toContain("\x1b[34minfo\x1b[39m");
    expect(out).toContain("\x1b[1mpolicies/prod.yaml\x1b[22m");
    expect(out).toContain("\x1b[2m 5 |\x1b[22m");
  });

  it("prints file headings relative to cwd", () => {
    const out = formatText(INPUT, { color: false, cwd: "policies" });
    expect(out.split("\n")).toContain("prod.yaml");
    expect(out.split("\n")).toContain("../edict.yaml");
    expect(formatText(INPUT, { color: false, cwd: "" })).toBe(formatText(INPUT, { color: false }));
  });

  it("indents the following lines of a multi-line message and help", () => {
    const out = formatText(input([finding({ message: "one\ntwo", help: "h1\nh2" })]), { color: false });
    expect(out).toContain("  1:1  error    one\n                two  some-rule\n    help: h1\n          h2\n");
  });

  it("summarises with plurals", () => {
    const out = formatText(input([finding(), finding({ severity: "info", line: 2 })]), { color: false });
    expect(out.trimEnd().split("\n").at(-1)).toBe("✖ 2 problems (1 error, 0 warnings, 1 info) in 1 file");
  });
});

describe("shouldUseColor", () => {
  it.each([
    // [isTTY, NO_COLOR, FORCE_COLOR, expected]
    [true, undefined, undefined, true],
    [false, undefined, undefined, false],
    [undefined, undefined, undefined, false],
    [true, "1", undefined, false],
    [true, "", undefined, true],
    [false, "", undefined, false],
    [false, undefined, "1", true],
    [false, undefined, "", true],
    [false, undefined, "3", true],
    [true, undefined, "0", false],
    [true, undefined, "false", false],
    [false, "1", "1", false],
    [true, "1", "1", false],
  ] as const)("isTTY=%s NO_COLOR=%s FORCE_COLOR=%s → %s", (isTTY, noColor, force, expected) => {
    const env: Record<string, string | undefined> = {};
    if (noColor !== undefined) env["NO_COLOR"] = noColor;
    if (force !== undefined) env["FORCE_COLOR"] = force;
    expect(shouldUseColor(isTTY === undefined ? {} : { isTTY }, env)).toBe(expected);
  });
});
