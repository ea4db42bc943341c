import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("the quickstart (npm start)", () => {
  it("runs the whole pipeline on the embedded example and ends with the loader's decisions", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "demo.mjs")], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const work = /(\S*edict-demo-[A-Za-z0-9_]+)/.exec(r.stdout)?.[1];
    expect(work, "the demo prints its temporary folder").toBeDefined();
    expect(existsSync(work!), "the demo removes its temporary folder").toBe(false);
    expect(r.stdout).toContain("✔ no problems in");
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    // 3b: the diff of the loosening the demo makes in its throwaway copy (db:Insert added to the
    // read-only production statement); only robust substrings, the renderer's layout may change
    const diff = r.stdout.slice(r.stdout.indexOf("# 3b."), r.stdout.indexOf("$ edict keygen"));
    expect(diff).toContain("throwaway copy");
    expect(diff).toContain("loosened");
    // a region of newly allowed requests, described and with an example the evaluator confirmed
    expect(diff).toMatch(/⚠ Newly allowed\n\s+production \(\d+ regions?\)\n\s+db:Insert on /);
    expect(diff).toMatch(/e\.g\. db:Insert db:\/\/\S+ source\.ip=10\./);
    expect(r.stdout).toContain("OK acme-policies");
    expect(r.stdout).toContain("authorize db:Select db://production/users {\"source.ip\":\"10.1.2.3\"} → allow");
    expect(r.stdout).toContain("checkTool mcp://vision-mcp/detect → denied (tool_not_in_allowlist, version_unpinned)");
    expect(r.stdout).toContain("done: lint, tests, effective policy");
  }, 120_000);
});
