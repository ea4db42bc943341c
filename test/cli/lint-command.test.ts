import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";

const root = join(import.meta.dirname, "..", "..");

function io(cwd: string, env: Record<string, string> = {}): CliIO & { out: string; err: string } {
  const o = { out: "", err: "" } as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  o.isTTY = false;
  o.stderrIsTTY = false;
  o.env = env;
  o.cwd = cwd;
  return o;
}

function badRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-lint-"));
  writeFileSync(join(dir, "edict.yaml"), "name: t\ntargets: { production: {} }\n");
  mkdirSync(join(dir, "policies"));
  writeFileSync(join(dir, "policies", "a.yaml"), "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: a, priority: 1 }\nspec:\n  tenant: 5\n  enforcement: { deny_on: [sast_failed] }\n");
  return dir;
}

describe("edict lint", () => {
  it("passes the example repository with exit 0", async () => {
    const o = io(root);
    expect(await runCli(["lint"], o)).toBe(0);
    expect(o.out).toMatch(/no problems in \d+ files/);
  });

  it("prints Appendix A JSON and exits 1 on errors", async () => {
    const o = io(badRepo());
    expect(await runCli(["lint", "--format", "json"], o)).toBe(1);
    const report = JSON.parse(o.out);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, infos: 0, files: 2 });
    expect(report.findings[0]).toEqual({
      rule: "invalid-type",
      severity: "error",
      message: "expected a string, got number 5",
      file: "policies/a.yaml",
      line: 5,
      column: 11,
      endLine: 5,
      endColumn: 12,
      path: "spec.tenant",
    });
  });

  it("exits 2 with a suggestion on a bad --format", async () => {
    const o = io(root);
    expect(await runCli(["lint", "--format", "jsn"], o)).toBe(2);
    expect(o.err).toContain('did you mean "json"?');
  });

  it("exits 2 when the folder holds no repository", async () => {
    const o = io(mkdtempSync(join(tmpdir(), "edict-empty-")));
    expect(await runCli(["lint"], o)).toBe(2);
    expect(o.err).toMatch(/^edict: .*no policy repository/);
  });

  it("exits 1 on warnings over --max-warnings", async () => {
    const dir = badRepo();
    writeFileSync(join(dir, "policies", "a.yaml"), "\uFEFFapiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: a, priority: 1 }\nspec: { tenant: t, enforcement: { deny_on: [sast_failed] } }\n");
    const o = io(dir);
    expect(await runCli(["lint", "--max-warnings", "0", "--format", "json"], o)).toBe(0); // BOM is info only
    const config = "name: t\ntargets: { production: {} }\nlint: { rules: { byte-order-mark: warning } }\n";
    writeFileSync(join(dir, "edict.yaml"), config);
    expect(await runCli(["lint", "--max-warnings", "0"], io(dir))).toBe(1);
    expect(await runCli(["lint"], io(dir))).toBe(0);
  });

  it("has --help on the command", async () => {
    const o = io(root);
    expect(await runCli(["lint", "--help"], o)).toBe(0);
    expect(o.out).toContain("--max-warnings");
  });
});

describe("dist/cli.js", () => {
  it("runs as a standalone file with node", () => {
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "ignore" });
    const r = spawnSync(process.execPath, [join(root, "dist", "cli.js"), "lint", "--format", "json"], { cwd: badRepo(), encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).summary.errors).toBe(1);
    expect(r.stderr).toBe("");
  });
});

describe("edict effective", () => {
  it("prints Appendix A JSON with statements carrying their source", async () => {
    const o = io(root);
    expect(await runCli(["effective", "--target", "production", "--format", "json"], o)).toBe(0);
    const doc = JSON.parse(o.out);
    expect(doc.target).toBe("production");
    expect(Object.keys(doc)).toEqual(["target", "access", "runtime", "data", "posture", "locks", "provenance"]);
    expect(doc.locks).toContainEqual({ kind: "access", path: "ResourceLimits.MaxTokens", policy: "prod_access", file: "policies/access/production.yaml" });
    const deny = doc.access.Statement.find((s: { Sid?: string }) => s.Sid === "DenyDestructive");
    expect(deny.source).toEqual({ policy: "prod_access", file: "policies/access/production.yaml" });
    expect(doc.data.default_action).toBe("deny");
    expect(doc.runtime.tools.allowlist).toHaveLength(2); // all-of: one list per document
    expect(doc.runtime.tools.deny_if_unpinned_version).toBe(true);
    expect(doc.provenance.access["ResourceLimits.MaxTokens"]).toEqual([{ policy: "prod_access", file: "policies/access/production.yaml" }]);
  });

  it("suggests a target for an abbreviation and exits 2", async () => {
    const o = io(root);
    expect(await runCli(["effective", "--target", "prod"], o)).toBe(2);
    expect(o.err).toContain('did you mean "production"?');
  });

  it("prints YAML by default", async () => {
    const o = io(root);
    expect(await runCli(["effective", "-t", "development"], o)).toBe(0);
    expect(o.out.startsWith("target: development\n")).toBe(true);
    expect(o.out).toContain("allow_insecure: true");
  });
});

describe("edict lint --base", () => {
  it("reports a shipped pack changed without a version bump, and accepts it once bumped", async () => {
    const { execFileSync } = await import("node:child_process");
    const { copyExample } = await import("../helpers/example.js");
    const { readFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "edict-base-"));
    copyExample(dir);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "base");
    const guard = join(dir, "packs", "ai_safety", "policies", "02_agent_guard.yaml");
    writeFileSync(guard, readFileSync(guard, "utf8").replace("block_on_count: 3", "block_on_count: 2"));
    const o = io(dir);
    expect(await runCli(["lint", "--base", "HEAD", "--format", "json"], o)).toBe(1);
    const rules = JSON.parse(o.out).findings.map((f: { rule: string; file: string }) => `${f.rule} ${f.file}`);
    expect(rules).toContain("pack-changed-without-version-bump packs/ai_safety/metadata.yaml");
    const meta = join(dir, "packs", "ai_safety", "metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('version: "1.1.0"', 'version: "1.1.1"'));
    const bumped = io(dir);
    await runCli(["lint", "--base", "HEAD", "--format", "json"], bumped);
    expect(JSON.parse(bumped.out).findings.map((f: { rule: string }) => f.rule)).not.toContain("pack-changed-without-version-bump");
  });
});
