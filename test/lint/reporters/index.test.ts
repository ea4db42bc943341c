import { describe, expect, it } from "vitest";
import {
  formatGithub,
  formatJson,
  formatMarkdown,
  formatReport,
  formatSarif,
  formatText,
  isReportFormat,
  REPORT_FORMATS,
} from "../../../src/lint/reporters/index.js";
import { INPUT, RULES } from "./fixture.js";

describe("formatReport", () => {
  it("knows the five formats", () => {
    expect(REPORT_FORMATS).toEqual(["text", "json", "sarif", "github", "markdown"]);
    expect(isReportFormat("sarif")).toBe(true);
    expect(isReportFormat("xml")).toBe(false);
  });

  it("dispatches to each formatter with the options it takes", () => {
    const options = { color: true, cwd: "policies", rules: RULES, toolVersion: "9.9.9", maxChars: 500, linkBase: "https://x" };
    expect(formatReport("text", INPUT, options)).toBe(formatText(INPUT, { color: true, cwd: "policies" }));
    expect(formatReport("json", INPUT, options)).toBe(formatJson(INPUT));
    expect(formatReport("sarif", INPUT, options)).toBe(formatSarif(INPUT, { rules: RULES, toolVersion: "9.9.9" }));
    expect(formatReport("github", INPUT, options)).toBe(formatGithub(INPUT));
    expect(formatReport("markdown", INPUT, options)).toBe(formatMarkdown(INPUT, { maxChars: 500, linkBase: "https://x" }));
  });

  it("defaults to no colour", () => {
    expect(formatReport("text", INPUT)).toBe(formatText(INPUT, { color: false }));
  });

  it("refuses sarif without a tool version", () => {
    expect(() => formatReport("sarif", INPUT, {})).toThrow(TypeError);
  });
});
