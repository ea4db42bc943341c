/** The check report: sections, the hidden marker, and the 60,000-character cut with a pointer to the job summary. */
import { describe, expect, it } from "vitest";
import { COMMENT_MAX_LENGTH, renderReport, SUMMARY_MAX_LENGTH } from "../../src/action/comment.js";
import type { CheckReport } from "../../src/action/comment.js";
import { COMMENT_MARKER } from "../../src/action/github.js";
import type { Finding, ReportInput } from "../../src/lint/finding.js";
import { summarize } from "../../src/lint/finding.js";
import { accessDoc, diffFiles } from "../diff/helpers.js";

const SUMMARY_URL = "https://github.com/acme/policies/actions/runs/42";

function lintOf(findings: Finding[]): ReportInput {
  return { findings, summary: summarize(findings, 3), sources: new Map() };
}

function finding(i: number, severity: Finding["severity"] = "warning"): Finding {
  return { rule: "wildcard-allow-in-production", severity, message: `statement ${i} allows every resource`, file: `policies/p${i}.yaml`, line: i + 1, column: 5, endLine: i + 1, endColumn: 9, path: "" };
}

/** A small loosening: one statement's resource widened. */
const smallDiff = diffFiles(
  { "policies/a.yaml": accessDoc("a", '  Statement:\n    - Sid: Read\n      Effect: Allow\n      Action: db:Select\n      Resource: "db://prod/users"\n') },
  { "policies/a.yaml": accessDoc("a", '  Statement:\n    - Sid: Read\n      Effect: Allow\n      Action: db:Select\n      Resource: "db://prod/*"\n') },
  { base: "a".repeat(40), head: "b".repeat(40) },
);

/** Hundreds of statements widened: far more than a comment holds. */
function hugeDiff() {
  const statements = (wide: boolean) =>
    "  Statement:\n" +
    Array.from({ length: 300 }, (_, i) => `    - Sid: S${i}\n      Effect: Allow\n      Action: api:Get${i}\n      Resource: "https://svc${i}.example/${wide ? "*" : `v1/items/${i}`}"\n`).join("");
  return diffFiles({ "policies/a.yaml": accessDoc("a", statements(false)) }, { "policies/a.yaml": accessDoc("a", statements(true)) }, { maxExamples: 1000 });
}

function report(overrides: Partial<CheckReport> = {}): CheckReport {
  return { lint: lintOf([finding(1)]), drift: [], diff: smallDiff, release: { next: "1.3.0", last: "1.2.3" }, failOn: "error", failures: [], ...overrides };
}

describe("renderReport", () => {
  it("starts with the marker, then a summary line, lint, tests, drift, the diff and the release", () => {
    const body = renderReport(
      report({
        tests: { files: 2, passed: 3, failed: 1, failures: [{ name: "reads", file: "tests/a.yaml", line: 4, expect: "allow", actual: "deny" }], problems: [], coverage: 50 },
        drift: [{ pack: "starter", kind: "outdated", message: "⚠ starter (installed v1.0.0, available v1.1.0)" }],
        failures: ["1 policy test failed"],
      }),
      { maxLength: COMMENT_MAX_LENGTH, marker: COMMENT_MARKER, summaryUrl: SUMMARY_URL },
    );
    expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
    expect(body).toMatch(/^### ❌ edict check failed: 1 policy test failed$/m);
    expect(body).toMatch(/lint ⚠️ 0 errors, 1 warning · tests ❌ 1 failed 3 passed · policy \*\*loosened\*\* \(\d+ newly allowed\) · 1 drift warning · merging releases `1\.3\.0` \(after `1\.2\.3`\)/);
    expect(body).toContain("policies/p1.yaml:2:5");
    expect(body).toMatch(/\| reads \| `tests\/a\.yaml:4` \| allow \| deny \|/);
    expect(body).toContain("- ⚠ starter (installed v1.0.0, available v1.1.0)");
    expect(body).toMatch(/Newly allowed[\s\S]*\| db:Select on /);
    expect(body).toContain(`[run and job summary](${SUMMARY_URL})`);
    expect(body).not.toContain("✂️");
  });

  it("says why there is no diff", () => {
    const body = renderReport(report({ diff: undefined, diffNote: "_No base commit._", release: undefined }), { maxLength: COMMENT_MAX_LENGTH });
    expect(body).toContain("#### Effective policy\n\n_No base commit._");
    expect(body).toMatch(/^### ✅ edict check passed$/m);
  });

  it("cuts a huge report to 60,000 characters, keeping the head of each part and pointing to the job summary", () => {
    const big = report({ lint: lintOf(Array.from({ length: 3000 }, (_, i) => finding(i, i % 3 === 0 ? "error" : "warning"))), diff: hugeDiff(), failures: ["1000 lint errors"] });
    const full = renderReport(big, { maxLength: SUMMARY_MAX_LENGTH, summaryUrl: SUMMARY_URL });
    expect(full.length).toBeGreaterThan(COMMENT_MAX_LENGTH * 2);
    expect(full).not.toContain("✂️");
    expect(full.match(/^\| ❌ \|/gm)).toHaveLength(1000);

    const body = renderReport(big, { maxLength: COMMENT_MAX_LENGTH, marker: COMMENT_MARKER, summaryUrl: SUMMARY_URL });
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(body.startsWith(`${COMMENT_MARKER}\n### ❌ edict check failed: 1000 lint errors`)).toBe(true);
    expect(body).toContain(`✂️ This report was cut to fit a pull-request comment; the [job summary](${SUMMARY_URL}) has all of it.`);
    expect(body).toContain("#### Lint");
    expect(body).toMatch(/more findings? not shown/);
    expect(body).toContain("Newly allowed");
    expect(body).toMatch(/not shown \(comment size limit\)/);
    // both parts got a real share of the room
    expect(body.match(/^\| ❌ \|/gm)!.length).toBeGreaterThan(20);
    expect(body.match(/api:Get\d+/g)!.length).toBeGreaterThan(20);
  });

  it("stays within any limit, however small", () => {
    const big = report({ lint: lintOf(Array.from({ length: 500 }, (_, i) => finding(i))), diff: hugeDiff() });
    for (const max of [2_000, 10_000, 30_000]) {
      const body = renderReport(big, { maxLength: max, marker: COMMENT_MARKER });
      expect(body.length).toBeLessThanOrEqual(max);
      expect(body.startsWith(COMMENT_MARKER)).toBe(true);
      expect(body).toContain("job summary");
    }
  });
});
