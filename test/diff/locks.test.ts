/** Locks added or removed: neutral (no decision changes), shown with who locks, in every renderer. */
import { describe, expect, it } from "vitest";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../../src/diff/index.js";
import { accessDoc, diffFiles, prod } from "./helpers.js";

const limits = (locked: boolean) => ({
  "policies/base.yaml": accessDoc("base", "  ResourceLimits: { MaxTokens: 1000 }\n").replace("  priority: 100\n", `  priority: 100\n${locked ? "  locked: [ResourceLimits.MaxTokens]\n" : ""}`),
});

describe("lock changes", () => {
  it("a lock added is a neutral change that names the locking policy; nothing else changes", () => {
    const r = diffFiles(limits(false), limits(true));
    const t = prod(r);
    expect(t.verdict).toBe("neutral");
    expect(t.changes).toHaveLength(1);
    expect(t.changes[0]).toMatchObject({ kind: "access", path: "ResourceLimits.MaxTokens (lock)", change: "added", verdict: "neutral", after: "locked" });
    expect(t.newlyAllowed).toEqual([]);
    expect(renderDiffText(r)).toContain("ResourceLimits.MaxTokens (lock)");
    expect(renderDiffMarkdown(r)).toContain("locked by base");
    expect(t.changes[0]!.source.after).toEqual([{ policy: "base", file: "policies/base.yaml" }]);
    expect(JSON.parse(renderDiffJson(r)).targets.production.changes[0].note).toMatch(/^locked by base: later documents and host overlays/);
  });

  it("a lock removed is neutral too; the same locks on both sides are no change", () => {
    const removed = prod(diffFiles(limits(true), limits(false)));
    expect(removed.changes.map((c) => [c.change, c.verdict, c.note])).toEqual([["removed", "neutral", expect.stringMatching(/^no longer locked \(was by base\)/)]]);
    expect(prod(diffFiles(limits(true), limits(true))).verdict).toBe("unchanged");
  });
});
