/**
 * End to end: the built dist/action.js run with node, with the GITHUB_* and INPUT_* environment
 * a runner gives it, on real temporary git repositories cloned shallow from a bare "origin",
 * against the loopback fake GitHub. One story, in order: a pull request that loosens a policy,
 * a second push to it, a fork's pull request, the first publish and its re-run, a refresh of an
 * ageing bundle and of a young one, and the release of the merged change.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../../src/action/github.js";
import { generateKeyPair, toPrivateKeyPem, toPublicKeyPem } from "../../src/bundle/keys.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { copyExample, EXAMPLE_ROOT } from "../helpers/example.js";
import { FakeGitHub } from "./fake-github.js";

/** EDICT_ACTION_JS runs the story on a bundle built elsewhere, leaving dist/ alone. */
const ACTION = process.env.EDICT_ACTION_JS ?? join(EXAMPLE_ROOT, "dist", "action.js");
const DAY = 86_400;
const gh = new FakeGitHub();
const keys = generateKeyPair();
const KEY_PEM = toPrivateKeyPem(keys.privateKey);
const PUB_PEM = toPublicKeyPem(keys.publicKey);
/** Everything a person or a later step could see: logs, summaries, outputs, comments, release notes. */
const visible: string[] = [];

const tmp = mkdtempSync(join(tmpdir(), "edict-action-e2e-"));
const origin = join(tmp, "origin.git");
const work = join(tmp, "work");
let cloneCount = 0;

function git(cwd: string, args: string[], date?: number): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "Dev",
    GIT_AUTHOR_EMAIL: "dev@example.com",
    GIT_COMMITTER_NAME: "Dev",
    GIT_COMMITTER_EMAIL: "dev@example.com",
    ...(date === undefined ? {} : { GIT_AUTHOR_DATE: `@${date} +0000`, GIT_COMMITTER_DATE: `@${date} +0000` }),
  };
  return execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A fresh shallow checkout of `branch`, as actions/checkout makes with fetch-depth 1. */
function checkout(branch: string): string {
  const dir = join(tmp, `checkout-${++cloneCount}`);
  git(tmp, ["clone", "--quiet", "--depth=1", "--branch", branch, `file://${origin}`, dir]);
  return dir;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const path = join(work, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, next);
}

/** Newest source file time, to rebuild dist/ only when src/ changed after it. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The INPUT_* variables a runner sets: every input of action.yml, with its default unless given. */
function inputEnv(given: Record<string, string>): Record<string, string> {
  const action = parse(readFileSync(join(EXAMPLE_ROOT, "action.yml"), "utf8")) as { inputs: Record<string, { default?: string }> };
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    const fallback = String(input.default ?? "").replace("${{ github.token }}", gh.token);
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = given[name] ?? fallback;
  }
  return env;
}

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  requests: FakeGitHub["requests"];
}

/** `name<<DELIMITER\nvalue\nDELIMITER` records of $GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

async function runAction(options: { workspace: string; event: string; ref: string; sha: string; payload: unknown; inputs?: Record<string, string> }): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmp, "runner-"));
  const files = { event: join(dir, "event.json"), summary: join(dir, "summary.md"), output: join(dir, "output.txt"), temp: join(dir, "temp") };
  mkdirSync(files.temp);
  writeFileSync(files.event, JSON.stringify(options.payload));
  writeFileSync(files.summary, "");
  writeFileSync(files.output, "");
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmp,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_API_URL: gh.origin,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF: options.ref,
    GITHUB_SHA: options.sha,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_RUN_ID: "4242",
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: files.temp,
    RUNNER_OS: "Linux",
    ...inputEnv(options.inputs ?? {}),
  };
  const before = gh.requests.length;
  // asynchronous: the fake GitHub answers from this very process
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [ACTION], { cwd: options.workspace, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
  const run = {
    code,
    stdout,
    stderr,
    summary: readFileSync(files.summary, "utf8"),
    outputs: parseOutputs(readFileSync(files.output, "utf8")),
    requests: gh.requests.slice(before),
  };
  // the runner consumes ::add-mask:: lines; what is left is what people see
  visible.push(stdout.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n"), stderr, run.summary, readFileSync(files.output, "utf8"));
  return run;
}

function prEvent(number: number, base: string, head: string, fork = false) {
  return {
    action: "synchronize",
    number,
    pull_request: {
      number,
      base: { sha: base, ref: "main", repo: { full_name: "acme/policies" } },
      head: { sha: head, ref: "feature", repo: { full_name: fork ? "stranger/policies" : "acme/policies" } },
    },
    repository: { full_name: "acme/policies", default_branch: "main" },
  };
}

function pushEvent(sha: string, before = "0".repeat(40)) {
  return { ref: "refs/heads/main", before, after: sha, repository: { full_name: "acme/policies", default_branch: "main" } };
}

const scheduleEvent = { schedule: "17 4 * * *", repository: { full_name: "acme/policies", default_branch: "main" } };

let baseSha = "";
let headSha = "";

beforeAll(async () => {
  if (!process.env.EDICT_ACTION_JS && (!existsSync(ACTION) || newestSource(join(EXAMPLE_ROOT, "src")) > statSync(ACTION).mtimeMs)) {
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: EXAMPLE_ROOT, stdio: "ignore" });
  }
  await gh.start();
  git(tmp, ["init", "--quiet", "--bare", "--initial-branch=main", origin]);
  mkdirSync(work);
  git(work, ["init", "--quiet", "--initial-branch=main"]);
  copyExample(work, ["edict.yaml", "policies", ".edict", "packs", "tests"]);
  git(work, ["add", "-A"]);
  // 25 days old: the first release's bundle (30 days' lifetime) is due for a refresh
  git(work, ["commit", "--quiet", "-m", "policies"], Math.floor(Date.now() / 1000) - 25 * DAY);
  baseSha = git(work, ["rev-parse", "HEAD"]);
  git(work, ["remote", "add", "origin", origin]);
  git(work, ["push", "--quiet", "origin", "main"]);
  git(work, ["checkout", "--quiet", "-b", "feature"]);
  // loosen: ticket updates on any acme.example host, not only the ticket system
  edit("policies/access/production.yaml", "Resource: https://tickets.acme.example/api/*", 'Resource: "https://*.acme.example/api/*"');
  git(work, ["commit", "--quiet", "-am", "open the API to every acme host"]);
  headSha = git(work, ["rev-parse", "HEAD"]);
  git(work, ["push", "--quiet", "origin", "feature"]);
}, 60_000);

afterAll(() => gh.stop());

describe("dist/action.js on a pull request", () => {
  it("comments once with the newly allowed requests, fetching the base the shallow checkout lacks", async () => {
    const workspace = checkout("feature");
    expect(() => git(workspace, ["cat-file", "-e", `${baseSha}^{commit}`])).toThrow();
    const run = await runAction({ workspace, event: "pull_request", ref: "refs/pull/7/merge", sha: headSha, payload: prEvent(7, baseSha, headSha) });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`git fetch --no-tags --depth=1 origin ${baseSha}`);

    const comments = gh.commentsOn(7);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body).toMatch(/### ✅ edict check passed/);
    expect(body).toMatch(/policy \*\*loosened\*\* \(\d+ newly allowed\)/);
    expect(body).toMatch(/Newly allowed\n\n\| target \| requests \| decision \| example \|/);
    expect(body).toMatch(/\| production \| api:Post on [^|]*`https:\/\/[^`]*\.acme\.example\/api\/[^`]*`[^|]* \| deny → allow \| `api:Post https:\/\/[^`]*\.acme\.example\/api\/[^`]*` \|/);
    expect(body).toContain("<details><summary>🔓 <b>production</b>");
    expect(body).toContain("merging releases `0.1.0` (first release)");
    expect(body).toContain("#### Policy tests");

    expect(run.summary).toContain("Newly allowed");
    expect(run.summary).not.toContain(COMMENT_MARKER);
    expect(run.outputs).toMatchObject({ errors: "0", warnings: "0", loosened: "true", version: "0.1.0", "bundle-path": "", "release-url": "" });
    // the pull request's report page is on the runner, and the summary says where and why not an artifact
    expect(run.outputs["report-path"]).toMatch(/edict-report\/acme-policies\.report\.html$/);
    expect(readFileSync(run.outputs["report-path"]!, "utf8")).toMatch(/^<!doctype html>[\s\S]*data-testid="playground-decide"/);
    expect(run.summary).toContain("### 📄 Report page");
    expect(run.summary).toContain("not uploaded as a workflow artifact");
  });

  it("updates that same comment after another push", async () => {
    const id = gh.commentsOn(7)[0]!.id;
    edit("policies/access/production.yaml", "Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, file:Write, api:Get, db:Select]");
    git(work, ["commit", "--quiet", "-am", "office may write files"]);
    headSha = git(work, ["rev-parse", "HEAD"]);
    git(work, ["push", "--quiet", "origin", "feature"]);

    const run = await runAction({ workspace: checkout("feature"), event: "pull_request", ref: "refs/pull/7/merge", sha: headSha, payload: prEvent(7, baseSha, headSha) });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const comments = gh.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(id);
    expect(comments[0]!.body).toMatch(/\| production \| file:Write on /);
    expect(run.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments"))).toHaveLength(0);
    expect(run.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("falls back to the job summary when a fork's read-only token cannot comment, without failing", async () => {
    gh.forbidCommentWrites = true;
    try {
      const run = await runAction({ workspace: checkout("feature"), event: "pull_request", ref: "refs/pull/8/merge", sha: headSha, payload: prEvent(8, baseSha, headSha, true) });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(gh.commentsOn(8)).toHaveLength(0);
      expect(run.stdout).toMatch(/cannot comment on pull request #8 \(HTTP 403/);
      expect(run.summary).toContain("Newly allowed");
      expect(run.summary).toContain("could not be posted as a comment");
    } finally {
      gh.forbidCommentWrites = false;
    }
  });

  it("rides out a 502 on listing the releases and a secondary rate limit on posting the comment", async () => {
    gh.inject({ method: "GET", path: "/repos/acme/policies/releases", status: 502 });
    gh.inject({ method: "POST", path: "/repos/acme/policies/issues/9/comments", status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit." } });
    const run = await runAction({ workspace: checkout("feature"), event: "pull_request", ref: "refs/pull/9/merge", sha: headSha, payload: prEvent(9, baseSha, headSha) });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("GitHub answered HTTP 502 (server error) to GET /repos/acme/policies/releases: retrying in 2 s (attempt 2 of 4)");
    expect(run.stdout).toContain("GitHub answered HTTP 403 (secondary rate limit) to POST /repos/acme/policies/issues/9/comments: retrying in 1 s (attempt 2 of 4)");
    expect(run.stdout).not.toContain("cannot list the releases");
    expect(gh.commentsOn(9)).toHaveLength(1);
    expect(gh.commentsOn(9)[0]!.body).toContain("merging releases `0.1.0` (first release)");
    expect(run.requests.filter((r) => r.faulted)).toHaveLength(2);
  });

  it("fails on a loosening with fail-on: loosened", async () => {
    const run = await runAction({
      workspace: checkout("feature"),
      event: "pull_request",
      ref: "refs/pull/7/merge",
      sha: headSha,
      payload: prEvent(7, baseSha, headSha),
      inputs: { "fail-on": "loosened", comment: "false" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::edict: the effective policy is loosened \(fail-on: loosened\)/);
    expect(run.summary).toContain("❌ edict check failed");
  });
});

describe("dist/action.js publishing and refreshing", () => {
  const bundleAsset = "acme-policies.bundle.json";

  it("fails with a clear message and no API call when the signing key is missing", async () => {
    const run = await runAction({ workspace: checkout("main"), event: "push", ref: "refs/heads/main", sha: baseSha, payload: pushEvent(baseSha) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::edict: publish needs a signing key, and the signing-key input is empty/);
    expect(run.requests).toHaveLength(0);
  });

  it("publishes one release with the bundle and its checksum, and sets the outputs", async () => {
    const run = await runAction({ workspace: checkout("main"), event: "push", ref: "refs/heads/main", sha: baseSha, payload: pushEvent(baseSha), inputs: { "signing-key": KEY_PEM } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("::add-mask::");
    expect(gh.releases).toHaveLength(1);
    const release = gh.releases[0]!;
    expect(release).toMatchObject({ tag: "policy-v0.1.0", draft: false, targetCommitish: baseSha });
    expect(release.assets.map((a) => [a.name, a.contentType])).toEqual([
      [bundleAsset, "application/json"],
      [`${bundleAsset}.sha256`, "text/plain"],
      ["acme-policies.report.html", "text/html"],
    ]);
    const bundle = release.assets[0]!.bytes;
    // the release's report page embeds the very bundle released, with the signing key pinned
    const page = release.assets[2]!.bytes.toString();
    expect(/<script type="application\/octet-stream" id="edict-bundle">([A-Za-z0-9+/=]+)<\/script>/.exec(page)?.[1]).toBe(Buffer.from(bundle).toString("base64"));
    expect(page).toContain(`https://github.example/acme/policies/blob/${baseSha}/`);
    const sha256 = createHash("sha256").update(bundle).digest("hex");
    expect(release.assets[1]!.bytes.toString()).toBe(`${sha256}  ${bundleAsset}\n`);
    const verified = verifyBundle(new Uint8Array(bundle), { trustedKeys: [PUB_PEM], expectedName: "acme-policies" });
    expect(verified.payload).toMatchObject({ version: "0.1.0", serial: 1, revision: baseSha });

    expect(run.outputs).toMatchObject({ version: "0.1.0", "bundle-sha256": sha256, errors: "0", "release-url": `${gh.origin}/acme/policies/releases/tag/policy-v0.1.0` });
    expect(readFileSync(run.outputs["bundle-path"]!)).toEqual(bundle);
    // draft first, both uploads, then published
    const calls = run.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(/\d+/g, "N")}`);
    expect(calls).toEqual(["POST /repos/acme/policies/releases", ...Array(3).fill("POST /uploads/repos/acme/policies/releases/N/assets"), "PATCH /repos/acme/policies/releases/N"]);
  });

  it("changes nothing when re-run for the same commit", async () => {
    const snapshot = JSON.stringify(gh.releases);
    const run = await runAction({ workspace: checkout("main"), event: "push", ref: "refs/heads/main", sha: baseSha, payload: pushEvent(baseSha), inputs: { "signing-key": KEY_PEM } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("release policy-v0.1.0 already exists with identical assets");
    expect(run.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
    expect(JSON.stringify(gh.releases)).toBe(snapshot);
    expect(run.outputs).toMatchObject({ version: "0.1.0", "release-url": `${gh.origin}/acme/policies/releases/tag/policy-v0.1.0` });
  });

  it("refresh re-signs a bundle with a third of its lifetime left: serial + 1, patch version, same content", async () => {
    const run = await runAction({ workspace: checkout("main"), event: "schedule", ref: "refs/heads/main", sha: baseSha, payload: scheduleEvent, inputs: { "signing-key": KEY_PEM } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(gh.published().map((r) => r.tag)).toEqual(["policy-v0.1.0", "policy-v0.1.1"]);
    const [first, second] = gh.releases.map((r) => verifyBundle(new Uint8Array(r.assets[0]!.bytes), { trustedKeys: [PUB_PEM], allowExpired: true }).payload);
    expect(second).toMatchObject({ version: "0.1.1", serial: 2, revision: baseSha });
    expect(second!.targets).toEqual(first!.targets);
    expect(second!.digests).toEqual(first!.digests);
    expect(Math.abs(Date.parse(second!.created_at) - Date.now())).toBeLessThan(120_000);
    expect(Date.parse(second!.expires_at) - Date.parse(second!.created_at)).toBe(30 * DAY * 1000);
    expect(run.outputs).toMatchObject({ version: "0.1.1" });
  });

  it("refresh does nothing while the latest bundle is young", async () => {
    const run = await runAction({ workspace: checkout("main"), event: "schedule", ref: "refs/heads/main", sha: baseSha, payload: scheduleEvent, inputs: { "signing-key": KEY_PEM } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/policy-v0\.1\.1 expires .* no refresh until 10\.0 days are left/);
    expect(gh.releases).toHaveLength(2);
    expect(run.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
  });

  it("releases the merged loosening as a minor version after the refreshed one", async () => {
    git(work, ["checkout", "--quiet", "main"]);
    git(work, ["merge", "--quiet", "--ff-only", "feature"]);
    git(work, ["push", "--quiet", "origin", "main"]);
    const run = await runAction({ workspace: checkout("main"), event: "push", ref: "refs/heads/main", sha: headSha, payload: pushEvent(headSha, baseSha), inputs: { "signing-key": KEY_PEM } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("previous release policy-v0.1.1 (serial 2); the policy since then is loosened");
    expect(run.outputs).toMatchObject({ version: "0.2.0", loosened: "true" });
    const latest = gh.releases.at(-1)!;
    expect(latest.tag).toBe("policy-v0.2.0");
    expect(verifyBundle(new Uint8Array(latest.assets[0]!.bytes), { trustedKeys: [PUB_PEM] }).payload).toMatchObject({ serial: 3, revision: headSha });
  });

  it("never shows the signing key in logs, summaries, outputs, comments or releases", () => {
    const secretLines = KEY_PEM.split("\n").filter((l) => l.length >= 8 && !l.startsWith("-----"));
    expect(secretLines.length).toBeGreaterThan(0);
    const everything = [...visible, ...gh.comments.map((c) => c.body), ...gh.releases.flatMap((r) => [r.name, r.body])].join("\n");
    for (const line of secretLines) expect(everything).not.toContain(line);
    expect(everything).not.toContain("PRIVATE KEY");
  });
});
