import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRepository } from "../../src/io/read-repository.js";
import { buildAllTargets } from "../../src/model/merge/index.js";
import { gatherTests } from "../../src/report/gather-tests.js";
import { createLinker } from "../../src/report/provenance.js";
import { renderTests } from "../../src/report/sections/tests.js";
import { copyExample, EXAMPLE_PARTS } from "../helpers/example.js";

const TARGETS = ["production", "staging", "development"];

async function example(extraTests?: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), "edict-report-tests-"));
  copyExample(root, [...EXAMPLE_PARTS, "tests"]);
  for (const [path, text] of Object.entries(extraTests ?? {})) writeFileSync(join(root, path), text);
  const repo = await readRepository(root);
  return { root, repo, merges: buildAllTargets(repo), linker: createLinker(repo, { repoUrl: "https://github.com/acme/policies", revision: "0123456789abcdef0123456789abcdef01234567" }) };
}

/** Rows of the coverage tables as [target, key, where, status]. */
function coverageRows(html: string): string[][] {
  const block = /<div data-testid="tests-coverage">([\s\S]*?)<\/div>\n<\/section>/.exec(html)![1]!;
  const out: string[][] = [];
  for (const t of block.matchAll(/<details id="[^"]*" class="coverage-target"[^>]*><summary><b>([^<]+)<\/b>[\s\S]*?<\/details>/g)) {
    for (const r of t[0].matchAll(/<tr><td><code>([^<]+)<\/code><\/td><td>[\s\S]*?<\/td><td><span class="prov">(?:<a [^>]*>)?([^<]+)(?:<\/a>)?<\/span><\/td><td><span class="(\w+)">/g)) {
      out.push([t[1]!, r[1]!, r[2]!, r[3]!]);
    }
  }
  return out;
}

describe("gatherTests", () => {
  it("runs the example's suites against the targets shown, and is undefined without a tests/ folder", async () => {
    const { root, repo } = await example();
    const tests = (await gatherTests(root, repo, TARGETS))!;
    expect(tests.run.results.length).toBeGreaterThan(10);
    expect(tests.run.results.every((r) => r.passed)).toBe(true);
    expect(tests.problems).toEqual([]);
    expect(tests.skipped).toBeUndefined();

    const onlyProduction = (await gatherTests(root, repo, ["production"]))!;
    expect(onlyProduction.run.results.every((r) => r.case.target === "production")).toBe(true);
    expect(onlyProduction.skipped).toBe(tests.run.results.length - onlyProduction.run.results.length);
    expect(onlyProduction.run.coverage.uncovered.every((u) => u.target === "production")).toBe(true);

    const bare = mkdtempSync(join(tmpdir(), "edict-report-tests-"));
    copyExample(bare);
    expect(await gatherTests(bare, await readRepository(bare), TARGETS)).toBeUndefined();
    mkdirSync(join(bare, "tests"));
    expect(await gatherTests(bare, await readRepository(bare), TARGETS)).toBeUndefined();
  });
});

describe("renderTests", () => {
  it("shows the summary, every case, and exactly the statements and rules no case exercises as not exercised", async () => {
    const { root, repo, merges, linker } = await example();
    const tests = (await gatherTests(root, repo, TARGETS))!;
    const html = renderTests(tests, merges, linker);
    expect(html).toMatch(/^<section id="tests" data-testid="section-tests"><h2>Tests<\/h2>/);
    const { covered, total, percent } = tests.run.coverage;
    expect(html).toContain(`${tests.run.results.length} passed, 0 failed</span> of ${tests.run.results.length} cases`);
    expect(html).toContain(`coverage <b>${percent}%</b> (${covered}/${total} statements`);

    const results = /<table data-testid="tests-results" class="results">([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect(results.match(/<tr><td>/g)).toHaveLength(tests.run.results.length);
    expect(results).toContain("<td>production reads from the office network are allowed</td><td>production</td><td><code>allow</code></td><td><code>allow</code></td><td><span class=\"status ok\">pass</span></td>");
    expect(results).toContain('<a href="https://github.com/acme/policies/blob/0123456789abcdef0123456789abcdef01234567/tests/access.yaml#L3" target="_blank" rel="noopener">tests/access.yaml:3</a>');

    const rows = coverageRows(html);
    // every statement and data rule of every target is listed once
    const expected = merges.flatMap((m) => [
      ...m.effective.access.Statement.map((s, i) => `${m.target} ${s.source.file}#${s.Sid ?? `statement ${i + 1}`}`),
      ...m.effective.data.rules.map((r) => `${m.target} data:${r.id}`),
    ]);
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(expected);
    expect(rows).toHaveLength(total);
    // the uncovered ones are exactly the run's, with the example's known gaps among them
    const uncovered = rows.filter((r) => r[3] === "uncovered").map((r) => `${r[0]} ${r[1]}`);
    expect(uncovered.sort()).toEqual(tests.run.coverage.uncovered.map((u) => `${u.target} ${u.item}`).sort());
    expect(uncovered).toContain("production policies/access/patient-records.yaml#DenyUnencryptedAccess");
    expect(uncovered).toContain("production data:financial_after_hours");
    expect(rows.filter((r) => r[3] === "covered")).toHaveLength(covered);
    // statements link to their line: a written Sid to its list item, a desugared control to its key
    const where = (target: string, key: string) => rows.find((r) => r[0] === target && r[1] === key)![2];
    expect(where("production", "policies/access/patient-records.yaml#DenyUnencryptedAccess")).toBe("policies/access/patient-records.yaml:22");
    expect(where("staging", "policies/access/workspace-models.yaml#Capabilities.DeniedTools")).toBe("policies/access/workspace-models.yaml:16");
    expect(where("production", "data:financial_after_hours")).toMatch(/^policies\/data\/financial-approval\.yaml:\d+$/);
    // a target with gaps is open, with its count
    expect(html).toMatch(/<details id="tests-production" class="coverage-target" open><summary><b>production<\/b>: \d+\/\d+ exercised, <span class="uncovered">4 not exercised<\/span><\/summary>/);
  });

  it("shows failures with why, suite problems with their position, and escapes case names", async () => {
    const suite = `cases:
  - name: "<script>alert(1)</script> deletes are allowed"
    target: production
    request: { action: db:Delete, resource: db://production/users }
    expect: allow
  - name: a broken case
    target: production
    expect: deny
`;
    const { root, repo, merges, linker } = await example({ "tests/zz-bad.yaml": suite });
    const tests = (await gatherTests(root, repo, TARGETS))!;
    const html = renderTests(tests, merges, linker);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; deletes are allowed");
    expect(html).toMatch(/deletes are allowed<\/td><td>production<\/td><td><code>allow<\/code><\/td><td><code>deny<\/code><div class="why">Deny [^<]*DenyDestructive[^<]*<\/div><\/td><td><span class="status bad">fail<\/span>/);
    expect(html).toContain(`${tests.run.results.length - 1} passed, 1 failed`);
    expect(html).toMatch(/<ul class="problems" data-testid="tests-problems">\n<li><span class="prov"><a [^>]*>tests\/zz-bad\.yaml:6<\/a><\/span>:\d+ case &quot;a broken case&quot; needs exactly one of request, tool, data<\/li>/);
  });

  it("says how to add tests when the repository has none", async () => {
    const { merges, linker } = await example();
    const html = renderTests(undefined, merges, linker);
    expect(html).toContain("no test cases");
    expect(html).toContain("edict test");
    expect(html).not.toContain("tests-coverage");
  });
});
