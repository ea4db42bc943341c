import { describe, expect, it } from "vitest";
import type { Finding, ReportInput } from "../../../src/lint/finding.js";
import { summarize } from "../../../src/lint/finding.js";
import { escapeData, escapeProperty, formatGithub } from "../../../src/lint/reporters/github.js";
import { INPUT } from "./fixture.js";

const base: Finding = { rule: "r", severity: "error", message: "m", file: "a.yaml", line: 2, column: 3, endLine: 2, endColumn: 7, path: "" };
function only(f: Finding): ReportInput {
  return { findings: [f], summary: summarize([f], 1), sources: new Map() };
}

describe("formatGithub", () => {
  it("prints one command per finding, one line each", () => {
    const lines = formatGithub(INPUT).split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1)).toHaveLength(INPUT.findings.length);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^::(error|warning|notice) file=[^:]+::/);
  });

  it("maps error, warning and info to error, warning and notice", () => {
    expect(formatGithub(only(base))).toBe("::error file=a.yaml,line=2,col=3,endLine=2,endColumn=7,title=r::m\n");
    expect(formatGithub(only({ ...base, severity: "warning" }))).toMatch(/^::warning /);
    expect(formatGithub(only({ ...base, severity: "info" }))).toMatch(/^::notice /);
  });

  it("escapes %, CR and LF in the message, leaving : and , alone", () => {
    const out = formatGithub(only({ ...base, message: "100% sure: a, b\r\nnext" }));
    expect(out).toBe("::error file=a.yaml,line=2,col=3,endLine=2,endColumn=7,title=r::100%25 sure: a, b%0D%0Anext\n");
  });

  it("escapes :, , and % in properties, so a file name cannot add or end properties", () => {
    const out = formatGithub(only({ ...base, file: "odd:name,line=9%.yaml" }));
    expect(out.startsWith("::error file=odd%3Aname%2Cline=9%25.yaml,line=2,")).toBe(true);
  });

  it("a newline in the message cannot start a second command", () => {
    const out = formatGithub(only({ ...base, message: "x\n::error file=evil::pwned", help: "h\n::warning::w" }));
    expect(out.split("\n").filter((l) => l !== "")).toHaveLength(1);
    expect(out).toContain("x%0A::error file=evil::pwned%0Ahelp: h%0A::warning::w");
  });

  it("appends help after an escaped newline", () => {
    expect(formatGithub(only({ ...base, help: "fix it" }))).toContain("::m%0Ahelp: fix it\n");
  });

  it("leaves out the position of a whole-file finding", () => {
    expect(formatGithub(only({ ...base, line: 0, column: 0, endLine: 0, endColumn: 0 }))).toBe("::error file=a.yaml,title=r::m\n");
  });

  it("escape helpers", () => {
    expect(escapeData("%\r\n:,")).toBe("%25%0D%0A:,");
    expect(escapeProperty("%\r\n:,")).toBe("%25%0D%0A%3A%2C");
    // Escaping % first keeps an already-escaped-looking input distinct.
    expect(escapeData("%0A")).toBe("%250A");
  });
});
