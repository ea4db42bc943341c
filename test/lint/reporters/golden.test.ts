/**
 * Every format against its golden file, from the one shared fixture. After a deliberate change,
 * regenerate with `UPDATE_GOLDEN=1 npx vitest run test/lint/reporters` and read the diff.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatGithub, formatJson, formatMarkdown, formatSarif, formatText } from "../../../src/lint/reporters/index.js";
import { EMPTY, INPUT, RULES } from "./fixture.js";

const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
const goldenPath = (name: string): string => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

const SARIF_OPTIONS = { rules: RULES, toolVersion: "0.1.0", informationUri: "https://example.com/edict" };
const LINK_BASE = "https://github.com/acme/policies/blob/abc123";

const GOLDENS: Record<string, () => string> = {
  "expected.txt": () => formatText(INPUT, { color: false }),
  "expected-color.txt": () => formatText(INPUT, { color: true }),
  "expected.json": () => formatJson(INPUT),
  "expected.sarif.json": () => formatSarif(INPUT, SARIF_OPTIONS),
  "expected.github.txt": () => formatGithub(INPUT),
  "expected.md": () => formatMarkdown(INPUT, { linkBase: LINK_BASE }),
};

describe("golden files", () => {
  it.each(Object.keys(GOLDENS))("%s matches", (name) => {
    if (UPDATE) writeFileSync(goldenPath(name), GOLDENS[name]!());
    expect(GOLDENS[name]!()).toBe(readFileSync(goldenPath(name), "utf8"));
  });
});

describe("no findings", () => {
  it("text says so in one line", () => {
    expect(formatText(EMPTY, { color: false })).toBe("✔ no problems in 12 files\n");
    expect(formatText(EMPTY, { color: true })).toBe("\x1b[32m✔ no problems in 12 files\x1b[39m\n");
  });

  it("json has an empty list and zero counts", () => {
    expect(JSON.parse(formatJson(EMPTY))).toEqual({ findings: [], summary: { errors: 0, warnings: 0, infos: 0, files: 12 } });
  });

  it("sarif still lists every rule, with no results", () => {
    const log = JSON.parse(formatSarif(EMPTY, SARIF_OPTIONS));
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].tool.driver.rules).toHaveLength(RULES.length);
  });

  it("github prints nothing", () => {
    expect(formatGithub(EMPTY)).toBe("");
  });

  it("markdown is the summary line alone", () => {
    expect(formatMarkdown(EMPTY)).toBe("**edict lint**: ✅ no problems in 12 files\n");
  });

  it("singular counts", () => {
    const one = { ...EMPTY, summary: { errors: 0, warnings: 0, infos: 0, files: 1 } };
    expect(formatText(one, { color: false })).toBe("✔ no problems in 1 file\n");
  });
});
