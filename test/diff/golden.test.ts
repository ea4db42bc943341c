/**
 * Every diff format against its golden file, from one fixed example pair. After a deliberate
 * change, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/diff/golden.test.ts` and read the diff.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../../src/diff/index.js";
import { exampleDiff } from "./fixture.js";
import { diffFiles } from "./helpers.js";

const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
const goldenPath = (name: string): string => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
const result = exampleDiff();

const GOLDENS: Record<string, () => string> = {
  "expected.txt": () => renderDiffText(result, { color: false }),
  "expected-color.txt": () => renderDiffText(result, { color: true }),
  "expected.md": () => renderDiffMarkdown(result),
  "expected.json": () => renderDiffJson(result),
};

describe("golden files", () => {
  it.each(Object.keys(GOLDENS))("%s matches", (name) => {
    if (UPDATE) writeFileSync(goldenPath(name), GOLDENS[name]!());
    expect(GOLDENS[name]!()).toBe(readFileSync(goldenPath(name), "utf8"));
  });

  it("the example is mixed, with one change of each sort", () => {
    expect(result.verdict).toBe("mixed");
    expect(result.nextVersion).toBe("2.0.0");
    const prod = result.targets.find((t) => t.target === "production")!;
    const byPath = Object.fromEntries(prod.changes.map((c) => [c.path, c.verdict]));
    expect(byPath).toMatchObject({
      "Statement[prod_access:AllowRead]": "tightened",
      "Statement[prod_access:AllowScratchWrites]": "loosened",
      "ResourceLimits.MaxTokens": "loosened",
      Description: "neutral",
      "tools.allowlist": "loosened",
      "enforcement.deny_on": "loosened",
      "rules.block_export": "tightened",
      "local.min_security_score": "loosened",
    });
    expect(result.packs).toEqual([{ name: "starter", change: "upgraded", before: "1.0.0", after: "1.1.0" }]);
  });

  it("markdown puts the newly allowed table before the per-target details", () => {
    const md = renderDiffMarkdown(result);
    expect(md.split("\n")[0]).toMatch(/^### ⚖️ Policy mixed: /);
    expect(md.indexOf("⚠ Newly allowed")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("```diff\n--- 1111111/production\n+++ 2222222/production\n");
  });

  it("text puts loosening first", () => {
    const text = renderDiffText(result);
    expect(text.indexOf("⚠ Loosened")).toBeLessThan(text.indexOf("Tightened"));
    expect(text.indexOf("⚠ Newly allowed")).toBeGreaterThan(0);
    expect(text.indexOf("⚠ Newly allowed")).toBeLessThan(text.indexOf("Tightened"));
    expect(text).not.toContain("\x1b[");
  });
});

describe("no changes", () => {
  const same = diffFiles({}, {}, { base: "a".repeat(40), head: "working-tree" });

  it("every format says unchanged", () => {
    expect(same.verdict).toBe("unchanged");
    expect(renderDiffText(same)).toBe("edict diff aaaaaaa..working-tree: unchanged\n\n✔ no changes to the effective policy\n");
    expect(renderDiffMarkdown(same)).toBe("### ✅ Effective policy unchanged (`aaaaaaa` → `working-tree`)\n");
    expect(JSON.parse(renderDiffJson(same))).toMatchObject({ verdict: "unchanged", packs: [], targets: { production: { verdict: "unchanged", changes: [] } } });
  });
});
