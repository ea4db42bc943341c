/**
 * The modes through runAction when GitHub stumbles: a pull-request check whose release listing
 * gets a 502 or whose comment hits a secondary rate limit, a publish whose upload gets a 502,
 * and a GitHub that stays down, after which a re-run completes the half-made release.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/action/context.js";
import { COMMENT_MARKER } from "../../src/action/github.js";
import { parseInputs } from "../../src/action/inputs.js";
import type { ActionInputs, InputName } from "../../src/action/inputs.js";
import { runAction } from "../../src/action/run.js";
import { generateKeyPair, toPrivateKeyPem } from "../../src/bundle/keys.js";
import { copyExample } from "../helpers/example.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";
import { recorder } from "./recorder.js";

const gh = new FakeGitHub();
const RELEASES = "/repos/acme/policies/releases";
const UPLOAD = /^\/uploads\/repos\/acme\/policies\/releases\/\d+\/assets$/;
const KEY_PEM = toPrivateKeyPem(generateKeyPair().privateKey);



const inputs = (given: Partial<Record<InputName, string>> = {}): ActionInputs => parseInputs((name) => ({ "github-token": gh.token, ...given })[name] ?? "");

let workspace = "";
let base = "";
let head = "";

function ctx(over: Partial<ActionContext>): ActionContext {
  return { eventName: "pull_request", ref: "refs/pull/7/merge", sha: head, owner: gh.owner, repo: gh.repo, payload: {}, workspace, serverUrl: "https://github.com", runnerTemp: mkdtempSync(join(tmpdir(), "edict-runner-")), ...over };
}

const pullRequest = () => ctx({ payload: { pull_request: { number: 7, base: { sha: base }, head: { sha: head } } } });
const push = () => ctx({ eventName: "push", ref: "refs/heads/main", payload: { repository: { default_branch: "main" } } });

beforeAll(async () => {
  await gh.start();
  workspace = mkdtempSync(join(tmpdir(), "edict-retry-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace, encoding: "utf8" }).trim();
  git("init", "--quiet", "--initial-branch=main");
  copyExample(workspace, ["edict.yaml", "policies", ".edict", "packs", "tests"]);
  git("add", "-A");
  git("commit", "--quiet", "-m", "base");
  base = git("rev-parse", "HEAD");
  const file = join(workspace, "policies/access/production.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace("Resource: https://tickets.acme.example/api/*", 'Resource: "https://*.acme.example/api/*"'));
  git("commit", "--quiet", "-am", "loosen");
  head = git("rev-parse", "HEAD");
});
afterAll(() => gh.stop());
beforeEach(() => gh.reset());

describe("check mode", () => {
  it("one 502 on listing the releases: the check passes with the next version, and the comment is posted", async () => {
    gh.inject({ method: "GET", path: RELEASES, status: 502 });
    const client = fakeClient(gh);
    const io = recorder();
    const result = await runAction(inputs(), pullRequest(), { octokit: client.octokit, io });
    expect(result, io.lines.join("\n")).toMatchObject({ mode: "check", ok: true, outputs: { version: "0.1.0" } });
    expect(gh.requestsTo("GET", RELEASES).map((r) => r.status)).toEqual([502, 200]);
    expect(io.lines.join("\n")).not.toContain("cannot list the releases");
    const comments = gh.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(`${COMMENT_MARKER}\n### ✅ edict check passed`)).toBe(true);
    expect(comments[0]!.body).toContain("merging releases `0.1.0` (first release)");
    expect(client.waits).toEqual([2000]);
  });

  it("a secondary rate limit (403, retry-after: 1) on posting the comment: retried, posted, passed", async () => {
    gh.inject({ method: "POST", path: "/repos/acme/policies/issues/7/comments", status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit." } });
    const client = fakeClient(gh);
    const io = recorder();
    const result = await runAction(inputs(), pullRequest(), { octokit: client.octokit, io });
    expect(result, io.lines.join("\n")).toMatchObject({ ok: true });
    expect(gh.requestsTo("POST", "/repos/acme/policies/issues/7/comments").map((r) => r.status)).toEqual([403, 201]);
    expect(gh.commentsOn(7)).toHaveLength(1);
    expect(client.waits).toEqual([1000]);
  });

  it("a comment GitHub keeps refusing with 502: fails after four attempts, saying so", async () => {
    gh.inject({ method: "POST", path: "/repos/acme/policies/issues/7/comments", status: 502, times: Infinity });
    const client = fakeClient(gh);
    const io = recorder();
    const result = await runAction(inputs(), pullRequest(), { octokit: client.octokit, io });
    expect(result.ok).toBe(false);
    expect(result.failure).toBe("the pull request comment could not be posted (HTTP 502): Server Error; gave up after 4 attempts (14 s of waiting)");
    expect(gh.requestsTo("POST", "/repos/acme/policies/issues/7/comments")).toHaveLength(4);
    // the report still reaches the job summary
    expect(io.summary).toContain("Newly allowed");
  });
});

describe("publish mode", () => {
  const assetNames = ["acme-policies.bundle.json", "acme-policies.bundle.json.sha256", "acme-policies.report.html"];

  it("a 502 on the asset upload: published all the same", async () => {
    gh.inject({ method: "POST", path: UPLOAD, status: 502 });
    const client = fakeClient(gh);
    const io = recorder();
    const result = await runAction(inputs({ "signing-key": KEY_PEM }), push(), { octokit: client.octokit, io });
    expect(result, io.lines.join("\n")).toMatchObject({ mode: "publish", ok: true, outputs: { version: "0.1.0" } });
    expect(gh.published().map((r) => [r.tag, r.assets.map((a) => a.name)])).toEqual([["policy-v0.1.0", assetNames]]);
    expect(gh.requestsTo("POST", UPLOAD).map((r) => r.status)).toEqual([502, 201, 201, 201]);
  });

  it("uploads that keep failing: fails after four attempts; the re-run completes the draft", async () => {
    gh.inject({ method: "POST", path: UPLOAD, status: 502, times: Infinity });
    const first = await runAction(inputs({ "signing-key": KEY_PEM }), push(), { octokit: fakeClient(gh).octokit, io: recorder() });
    expect(first.ok).toBe(false);
    expect(first.failure).toBe(
      "GitHub API: uploading acme-policies.bundle.json to release policy-v0.1.0 failed (HTTP 502): Server Error; gave up after 4 attempts (14 s of waiting)",
    );
    expect(gh.requestsTo("POST", UPLOAD)).toHaveLength(4);
    expect(gh.releases.map((r) => [r.tag, r.draft])).toEqual([["policy-v0.1.0", true]]);

    gh.clearFaults();
    const io = recorder();
    const second = await runAction(inputs({ "signing-key": KEY_PEM }), push(), { octokit: fakeClient(gh).octokit, io });
    expect(second, io.lines.join("\n")).toMatchObject({ ok: true, outputs: { version: "0.1.0" } });
    expect(io.lines).toContain("completing draft release policy-v0.1.0 left by an earlier run");
    expect(gh.releases.map((r) => [r.tag, r.draft, r.assets.map((a) => a.name)])).toEqual([["policy-v0.1.0", false, assetNames]]);
  });
});
