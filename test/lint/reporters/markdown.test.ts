import { describe, expect, it } from "vitest";
import type { Finding, ReportInput } from "../../../src/lint/finding.js";
import { summarize } from "../../../src/lint/finding.js";
import { DEFAULT_MAX_CHARS, escapeCell, formatMarkdown } from "../../../src/lint/reporters/markdown.js";
import { INPUT } from "./fixture.js";

const base: Finding = { rule: "r", severity: "warning", message: "m", file: "a.yaml", line: 2, column: 3, endLine: 2, endColumn: 7, path: "" };
function input(findings: Finding[]): ReportInput {
  return { findings, summary: summarize(findings, 3), sources: new Map() };
}
function many(n: number): Finding[] {
  return Array.from({ length: n }, (_, i) => ({ ...base, line: i + 1, endLine: i + 1, message: `finding number ${i} ${"x".repeat(i % 50)}` }));
}
const rows = (md: string): number => md.split("\n").filter((l) => l.startsWith("| ⚠️")).length;
const notShown = (md: string): number => Number(/^… (\d+) more findings? not shown$/m.exec(md)?.[1] ?? 0);

describe("formatMarkdown", () => {
  it("starts with the summary line", () => {
    expect(formatMarkdown(INPUT).split("\n")[0]).toBe("**edict lint**: ❌ 2 errors, ⚠️ 2 warnings, ℹ️ 1 info in 12 files");
  });

  it("one row per finding when it fits, with no note", () => {
    const md = formatMarkdown(input(many(10)));
    expect(rows(md)).toBe(10);
    expect(md).not.toContain("not shown");
    expect(md).toContain("| | Location | Rule | Message |\n|---|---|---|---|\n");
  });

  it("stays under maxChars and counts what it left out, for any limit", () => {
    const findings = many(200);
    const full = formatMarkdown(input(findings), { maxChars: Infinity });
    for (let maxChars = 200; maxChars <= full.length + 50; maxChars += 97) {
      const md = formatMarkdown(input(findings), { maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      expect(rows(md) + notShown(md)).toBe(200);
    }
  });

  it("reports the count in the last line", () => {
    const md = formatMarkdown(input(many(100)), { maxChars: 1500 });
    const shown = rows(md);
    expect(shown).toBeGreaterThan(0);
    expect(md.endsWith(`\n… ${100 - shown} more findings not shown\n`)).toBe(true);
  });

  it("drops the table when not even one row fits", () => {
    const md = formatMarkdown(input(many(3)), { maxChars: 120 });
    expect(md).toBe("**edict lint**: ❌ 0 errors, ⚠️ 3 warnings, ℹ️ 0 infos in 3 files\n\n… 3 more findings not shown\n");
  });

  it("says 'finding' for one left out", () => {
    const findings = many(2);
    const full = formatMarkdown(input(findings));
    const md = formatMarkdown(input(findings), { maxChars: full.length - 1 });
    expect(md).toMatch(/\n… 1 more finding not shown\n$/);
  });

  it("keeps under the default limit with thousands of findings", () => {
    const md = formatMarkdown(input(many(3000)));
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(rows(md) + notShown(md)).toBe(3000);
  });

  it("escapes pipes, backticks and newlines so a message stays in its cell", () => {
    const md = formatMarkdown(input([{ ...base, message: "a | b `c`\nd", help: "e|f" }]));
    const row = md.split("\n").find((l) => l.startsWith("| ⚠️"))!;
    expect(row).toBe("| ⚠️ | a.yaml:2:3 | `r` | a \\| b \\`c\\`<br>d<br>💡 e\\|f |");
    expect(row.replaceAll("\\|", "").split("|")).toHaveLength(6);
  });

  it("shows HTML and emphasis as typed", () => {
    expect(escapeCell("<img src=x> *a* _b_ [l](u) &amp;")).toBe("&lt;img src=x&gt; \\*a\\* \\_b\\_ \\[l\\](u) &amp;amp;");
  });

  it("links locations to linkBase/file#Lline", () => {
    const md = formatMarkdown(input([{ ...base, file: "policies/a b.yaml" }]), { linkBase: "https://github.com/o/r/blob/sha/" });
    expect(md).toContain("| [policies/a b.yaml:2:3](https://github.com/o/r/blob/sha/policies/a%20b.yaml#L2) |");
  });

  it("uses a code span for the rule id only when it is safe", () => {
    expect(formatMarkdown(input([{ ...base, rule: "odd`rule" }]))).toContain("| odd\\`rule |");
  });
});
