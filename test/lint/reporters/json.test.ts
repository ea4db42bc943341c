import { describe, expect, it } from "vitest";
import type { Finding, ReportInput } from "../../../src/lint/finding.js";
import { formatJson } from "../../../src/lint/reporters/json.js";
import { INPUT } from "./fixture.js";

describe("formatJson", () => {
  it("has exactly the Appendix A keys, in order", () => {
    const doc = JSON.parse(formatJson(INPUT)) as { findings: Array<Record<string, unknown>>; summary: Record<string, unknown> };
    expect(Object.keys(doc)).toEqual(["findings", "summary"]);
    expect(Object.keys(doc.summary)).toEqual(["errors", "warnings", "infos", "files"]);
    const keys = ["rule", "severity", "message", "file", "line", "column", "endLine", "endColumn", "path"];
    for (const f of doc.findings) expect(Object.keys(f)).toEqual(f["help"] === undefined ? keys : [...keys, "help"]);
    expect(doc.findings.filter((f) => "help" in f)).toHaveLength(INPUT.findings.filter((f) => f.help !== undefined).length);
  });

  it("is 2-space indented with a trailing newline", () => {
    const out = formatJson(INPUT);
    expect(out.endsWith("}\n")).toBe(true);
    expect(out.split("\n")[1]).toBe('  "findings": [');
  });

  it("drops fields a finding object carries beyond the contract", () => {
    const extra = { ...INPUT.findings[0]!, internal: 1 } as Finding;
    const input: ReportInput = { ...INPUT, findings: [extra] };
    expect(formatJson(input)).not.toContain("internal");
  });

  it("sorts findings by file, line and column", () => {
    const doc = JSON.parse(formatJson(INPUT)) as { findings: Finding[] };
    expect(doc.findings.map((f) => `${f.file}:${f.line}`)).toEqual([
      "edict.yaml:3",
      "policies/prod.yaml:5",
      "policies/prod.yaml:8",
      "policies/prod.yaml:9",
      "policies/prod.yaml:13",
    ]);
  });
});
