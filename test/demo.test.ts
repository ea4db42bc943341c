import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("the quickstart (npm start)", () => {
  it("runs the whole pipeline on the embedded example and ends with the loader's decisions", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "demo.mjs")], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("✔ no problems in");
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(r.stdout).toContain("OK acme-policies");
    expect(r.stdout).toContain("authorize db:Select db://production/users {\"source.ip\":\"10.1.2.3\"} → allow");
    expect(r.stdout).toContain("checkTool mcp://vision-mcp/detect → denied (tool_not_in_allowlist, version_unpinned)");
    expect(r.stdout).toContain("done: lint, tests, effective policy");
  }, 120_000);
});
