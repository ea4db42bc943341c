/**
 * The version check mode says merging would release, against the fake GitHub: the rule of
 * `edict bundle build` and `edict diff` (releaseVersion), from the repository's releases.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseInputs } from "../../src/action/inputs.js";
import type { InputName } from "../../src/action/inputs.js";
import { runAction } from "../../src/action/run.js";
import { copyExample } from "../helpers/example.js";
import { FakeGitHub } from "./fake-github.js";
import { recorder } from "./recorder.js";

const gh = new FakeGitHub();
beforeAll(() => gh.start());
afterAll(() => gh.stop());
beforeEach(() => gh.reset());


let workspace = "";
let base = "";
let head = "";

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "edict-check-version-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd: workspace, encoding: "utf8" }).trim();
  git("init", "--quiet");
  copyExample(workspace);
  // no `version:` in edict.yaml: the first release is 0.1.0, as `edict bundle build` numbers it
  const config = readFileSync(join(workspace, "edict.yaml"), "utf8");
  expect(config).toMatch(/^version: 0\.1\.0\n/m);
  writeFileSync(join(workspace, "edict.yaml"), config.replace(/^version: 0\.1\.0\n/m, ""));
  git("add", "-A");
  git("commit", "--quiet", "-m", "base");
  base = git("rev-parse", "HEAD");
  // tightened: a bump of anything would be a major version
  const prod = join(workspace, "policies/access/production.yaml");
  writeFileSync(prod, readFileSync(prod, "utf8").replace("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, db:Select]"));
  git("commit", "--quiet", "-am", "head");
  head = git("rev-parse", "HEAD");
});

async function check(): Promise<ReturnType<typeof recorder>> {
  const io = recorder();
  const given: Partial<Record<InputName, string>> = { "github-token": gh.token, comment: "false" };
  const inputs = parseInputs((name) => given[name] ?? "");
  const payload = { pull_request: { number: 9, base: { sha: base }, head: { sha: head } } };
  const ctx = { eventName: "pull_request", ref: "refs/pull/9/merge", sha: head, owner: gh.owner, repo: gh.repo, payload, workspace, serverUrl: "https://github.com", runnerTemp: tmpdir() };
  await runAction(inputs, ctx, { octokit: getOctokit(gh.token, { baseUrl: gh.origin }), io });
  return io;
}

describe("check mode's next version", () => {
  it("before the first release is edict.yaml's version, default 0.1.0, whatever the verdict", async () => {
    const io = await check();
    expect(io.summary).toContain("merging releases `0.1.0` (first release)");
    expect(io.summary).toMatch(/Policy tightened: .* · next version `0\.1\.0` \(first release\)/);
    expect(io.outputs.version).toBe("0.1.0");
  });

  it("after a release bumps the latest release by the verdict", async () => {
    gh.releases.push({ id: 1, tag: "policy-v0.3.1", targetCommitish: base, name: "acme 0.3.1", body: "", draft: false, prerelease: false, assets: [] });
    const io = await check();
    expect(io.summary).toContain("merging releases `1.0.0` (after `0.3.1`)");
    expect(io.summary).toMatch(/ · next version `1\.0\.0` \(after `0\.3\.1`\)/);
    expect(io.outputs.version).toBe("1.0.0");
  });

  it("is left unsaid when the releases cannot be listed", async () => {
    gh.inject({ method: "GET", path: `/repos/${gh.owner}/${gh.repo}/releases`, status: 500, times: Infinity });
    const io = await check();
    expect(io.summary).not.toContain("next version");
    expect(io.summary).not.toContain("merging releases");
    expect(io.outputs.version ?? "").toBe("");
  });
});
