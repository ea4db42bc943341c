/**
 * The semantic diff across a real history: one temporary git repository built from the example,
 * one commit per kind of change, each diffed against its parent straight from git.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { diffRepositories } from "../../src/diff/index.js";
import type { DiffResult } from "../../src/diff/index.js";
import { readRepositoryAtRevision } from "../../src/io/git.js";
import { copyExample } from "../helpers/example.js";

const dir = mkdtempSync(join(tmpdir(), "edict-history-"));
const commits: Record<string, string> = {};

function git(...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } });
}
function commit(name: string): void {
  git("add", "-A");
  git("commit", "-qm", name);
  commits[name] = git("rev-parse", "HEAD").trim();
}
function edit(path: string, from: string, to: string): void {
  const file = join(dir, path);
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${path} lacks ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}
async function diff(from: string, to: string): Promise<DiffResult> {
  const [a, b] = await Promise.all([readRepositoryAtRevision(dir, commits[from]!), readRepositoryAtRevision(dir, commits[to]!)]);
  return diffRepositories(a.repo, b.repo);
}
const quiet: CliIO = { stdout: () => {}, stderr: () => {}, isTTY: false, stderrIsTTY: false, env: {}, cwd: dir };

const SHARED = `apiVersion: edict/v1
kind: AccessPolicy
metadata: { id: shared_files, priority: 400, targets: [development] }
spec:
  Version: "2024-12-02"
  Statement:
    - { Sid: ReadShared, Effect: Allow, Action: "file:*", Resource: "file://shared/*" }
    - { Sid: KeepShared, Effect: Deny, Action: file:Delete, Resource: "file://shared/*" }
`;

beforeAll(async () => {
  git("init", "-q");
  copyExample(dir);
  commit("base");
  writeFileSync(join(dir, "policies", "access", "shared.yaml"), SHARED);
  commit("added-policy");
  edit("policies/access/development.yaml", "[file://workspace/tmp/*, ", "[file://workspace/*, ");
  commit("widened-resource");
  edit("policies/access/shared.yaml", '    - { Sid: KeepShared, Effect: Deny, Action: file:Delete, Resource: "file://shared/*" }\n', "");
  commit("removed-deny");
  edit("policies/access/development.yaml", "MaxTokens: 50000", "MaxTokens: 100000");
  commit("raised-limit");
  expect(await runCli(["pack", "install", "hipaa"], quiet)).toBe(0);
  commit("installed-pack");
  edit("policies/posture/development-laptops.yaml", "min_security_score: 50", "min_security_score: 30");
  commit("lowered-score");
  const dev = readFileSync(join(dir, "policies/access/development.yaml"), "utf8");
  const a = dev.indexOf("    - Sid: AllowAllRead");
  const b = dev.indexOf("    - Sid: AllowSafeWrites");
  const c = dev.indexOf("  ResourceLimits:");
  writeFileSync(join(dir, "policies/access/development.yaml"), dev.slice(0, a) + dev.slice(b, c) + dev.slice(a, b) + dev.slice(c));
  commit("reordered");
}, 60_000);

describe("edict diff over a history of changes", () => {
  it("an added policy that allows more is loosened, with the newly allowed requests", async () => {
    const d = await diff("base", "added-policy");
    expect(d.verdict).toBe("loosened");
    const dev = d.targets.find((t) => t.target === "development")!;
    expect(dev.newlyAllowed.some((r) => r.action.toLowerCase().startsWith("file:") && r.resource.startsWith("file://shared/"))).toBe(true);
    expect(dev.newlyAllowed.some((r) => r.action === "file:Delete")).toBe(false);
    expect(d.targets.find((t) => t.target === "production")!.verdict).toBe("unchanged");
  });

  it("a widened resource is loosened", async () => {
    const d = await diff("added-policy", "widened-resource");
    expect(d.verdict).toBe("loosened");
    const dev = d.targets.find((t) => t.target === "development")!;
    expect(dev.newlyAllowed.some((r) => r.action === "file:Write" && r.resource.startsWith("file://workspace/") && !r.resource.startsWith("file://workspace/tmp/"))).toBe(true);
    expect(dev.newlyDeniedTotal).toBe(0);
  });

  it("a removed Deny is loosened: its requests become allowed", async () => {
    const d = await diff("widened-resource", "removed-deny");
    expect(d.verdict).toBe("loosened");
    expect(d.targets.find((t) => t.target === "development")!.newlyAllowed.some((r) => r.action === "file:Delete" && r.resource.startsWith("file://shared/"))).toBe(true);
  });

  it("a raised limit is loosened, with the file that set it", async () => {
    const d = await diff("removed-deny", "raised-limit");
    expect(d.verdict).toBe("loosened");
    const change = d.targets.flatMap((t) => t.changes).find((c) => c.path.endsWith("ResourceLimits.MaxTokens"))!;
    expect(change).toMatchObject({ verdict: "loosened", before: 50000, after: 100000 });
  });

  it("an installed pack is listed, and its stricter rules tighten", async () => {
    const d = await diff("raised-limit", "installed-pack");
    expect(d.packs).toEqual([{ name: "hipaa", change: "installed", after: "1.0.0" }]);
    expect(["tightened", "mixed"]).toContain(d.verdict);
  });

  it("a lowered posture minimum is loosened", async () => {
    const d = await diff("installed-pack", "lowered-score");
    expect(d.verdict).toBe("loosened");
    expect(d.targets.flatMap((t) => t.changes).some((c) => c.path.endsWith("local.min_security_score") && c.verdict === "loosened")).toBe(true);
  });

  it("reordered statements change no decision: neutral", async () => {
    const d = await diff("lowered-score", "reordered");
    expect(["neutral", "unchanged"]).toContain(d.verdict);
    for (const t of d.targets) {
      expect(t.newlyAllowedTotal + t.newlyDeniedTotal).toBe(0);
      for (const c of t.changes) expect(c.verdict).toBe("neutral");
    }
  });

  it("a tree diffed with itself is unchanged", async () => {
    expect((await diff("reordered", "reordered")).verdict).toBe("unchanged");
  });
});
