/**
 * The upgrade pull request: a commit built beside the checkout, pushed to a real bare repository
 * (`origin`, file://), and one pull request on the fake GitHub, opened, then updated, then left alone.
 */
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authEnv, authSecretOf, commitChanges, execGit, PACK_UPGRADE_BRANCH, proposePullRequest, pushBranch, truncateBody, PULL_REQUEST_BODY_MAX } from "../../src/action/pull-request.js";
import type { FileChange, GitExec } from "../../src/action/pull-request.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";

const gh = new FakeGitHub();
beforeAll(() => gh.start());
afterAll(() => gh.stop());
beforeEach(() => gh.reset());

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" }).trim();
}

/** A bare `origin` and a clone of it with one commit on main; the policy repository in `sub`. */
function checkout(sub = ""): { origin: string; work: string; root: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), "edict-pr-"));
  const origin = join(dir, "origin.git");
  git(dir, "init", "--quiet", "--bare", origin);
  const work = join(dir, "work");
  git(dir, "clone", "--quiet", `file://${origin}`, work);
  const root = sub ? join(work, sub) : work;
  mkdirSync(join(root, "policies"), { recursive: true });
  mkdirSync(join(root, ".edict"), { recursive: true });
  writeFileSync(join(root, "policies/starter__01__base.yaml"), "old: 1\n");
  writeFileSync(join(root, "policies/starter__02__gone.yaml"), "gone: 1\n");
  writeFileSync(join(root, ".edict/packs.yaml"), "packs: {}\n");
  git(work, "add", "-A");
  git(work, "commit", "--quiet", "-m", "base");
  git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
  return { origin, work, root, head: git(work, "rev-parse", "HEAD") };
}

const CHANGES: FileChange[] = [
  { path: "policies/starter__01__base.yaml", content: "new: 2\n" },
  { path: "policies/starter__03__added.yaml", content: new TextEncoder().encode("added: 3\r\n") },
  { path: "policies/starter__02__gone.yaml", delete: true },
  { path: ".edict/packs.yaml", content: "packs: { starter: 1.1.0 }\n" },
];

/** execGit, recording every call's arguments and environment. */
function recordingGit(): { git: GitExec; calls: Array<{ args: string[]; env: Record<string, string> }> } {
  const calls: Array<{ args: string[]; env: Record<string, string> }> = [];
  return { calls, git: (args, call) => (calls.push({ args, env: call.env ?? {} }), execGit(args, call)) };
}

/**
 * A smart-HTTP git server (git http-backend as CGI) over the bare repositories in `root`, that
 * wants `authorization: basic base64(x-access-token:<token>)` and records every authorization
 * header a request carried.
 */
async function gitHttpServer(root: string, token: string): Promise<{ url: string; seen: string[][]; close: () => Promise<void> }> {
  const want = `basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  const seen: string[][] = [];
  const server: Server = createServer((req, res) => {
    const auth: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === "authorization") auth.push(req.rawHeaders[i + 1]!);
    seen.push(auth);
    if (auth.length !== 1 || auth[0]!.toLowerCase() !== want.toLowerCase()) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://x");
    const cgi = spawn("git", ["http-backend"], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: "x-access-token",
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on("data", (c: Buffer) => out.push(c));
    cgi.on("close", () => {
      const all = Buffer.concat(out);
      const end = all.indexOf("\r\n\r\n");
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of all.subarray(0, end).toString("latin1").split("\r\n")) {
        const [k, ...v] = line.split(":");
        if (k!.toLowerCase() === "status") status = Number(v.join(":").trim().split(" ")[0]);
        else headers[k!] = v.join(":").trim();
      }
      res.writeHead(status, headers);
      res.end(all.subarray(end + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe("commitChanges", () => {
  it("commits writes and deletions on top of HEAD in a sub-folder, leaving the checkout alone", async () => {
    const { work, root, head } = checkout("gov");
    const made = await commitChanges({ root, changes: CHANGES, message: "edict: upgrade packs\n\n- starter 1.0.0 → 1.1.0" });
    expect(made?.parent).toBe(head);
    const files = git(work, "ls-tree", "-r", "--name-only", made!.commit).split("\n");
    expect(files).toEqual(["gov/.edict/packs.yaml", "gov/policies/starter__01__base.yaml", "gov/policies/starter__03__added.yaml"]);
    expect(git(work, "show", `${made!.commit}:gov/policies/starter__01__base.yaml`)).toBe("new: 2");
    // bytes as given: no line-ending conversion
    expect(execFileSync("git", ["cat-file", "blob", `${made!.commit}:gov/policies/starter__03__added.yaml`], { cwd: work, encoding: "utf8" })).toBe("added: 3\r\n");
    expect(git(work, "log", "-1", "--format=%an <%ae>|%cn|%s", made!.commit)).toBe("edict <edict@users.noreply.github.com>|edict|edict: upgrade packs");
    // the checkout is as it was: same HEAD, same files, nothing staged
    expect(git(work, "rev-parse", "HEAD")).toBe(head);
    expect(git(work, "status", "--porcelain")).toBe("");
    expect(readFileSync(join(root, "policies/starter__01__base.yaml"), "utf8")).toBe("old: 1\n");
    // deterministic: the same changes on the same HEAD are the same commit
    expect((await commitChanges({ root, changes: CHANGES, message: "edict: upgrade packs\n\n- starter 1.0.0 → 1.1.0" }))?.commit).toBe(made!.commit);
  });

  it("is undefined when the changes leave HEAD's tree as it is", async () => {
    const { root } = checkout();
    expect(await commitChanges({ root, changes: [{ path: "policies/starter__01__base.yaml", content: "old: 1\n" }], message: "m" })).toBeUndefined();
  });

  it("refuses a path that leaves the policy repository", async () => {
    const { root } = checkout("gov");
    await expect(commitChanges({ root, changes: [{ path: "../outside.yaml", content: "x" }], message: "m" })).rejects.toThrow(/refusing to commit "\.\.\/outside\.yaml"/);
  });
});

describe("proposePullRequest", () => {
  it("opens the pull request, updates it on a new body, and pushes nothing when the content is the same", async () => {
    const { origin, work, root, head } = checkout();
    const { octokit } = fakeClient(gh);
    const recorded = recordingGit();
    const log: string[] = [];
    const spec = {
      root,
      changes: CHANGES,
      message: "edict: upgrade packs",
      branch: PACK_UPGRADE_BRANCH,
      base: "main",
      title: "edict: upgrade pack starter 1.0.0 → 1.1.0",
      body: "first body",
      token: gh.token,
      octokit,
      ref: { owner: gh.owner, repo: gh.repo },
      log: (l: string) => void log.push(l),
      git: recorded.git,
    };

    const first = await proposePullRequest(spec);
    expect(first).toMatchObject({ pushed: true, action: "created" });
    expect(git(origin, "rev-parse", `refs/heads/${PACK_UPGRADE_BRANCH}`)).toBe(first!.commit);
    expect(git(origin, "rev-parse", `${first!.commit}^`)).toBe(head);
    expect(git(origin, "rev-parse", "refs/heads/main")).toBe(head);
    expect(gh.openPulls()).toEqual([expect.objectContaining({ head: `acme:${PACK_UPGRADE_BRANCH}`, base: "main", body: "first body", title: spec.title })]);
    expect(first!.pull.url).toBe(`${gh.origin}/acme/policies/pull/${gh.pulls[0]!.number}`);
    const pushes = () => recorded.calls.filter((c) => c.args[0] === "push");
    expect(pushes()).toHaveLength(1);
    expect(pushes()[0]!.args).toContain(`--force-with-lease=refs/heads/${PACK_UPGRADE_BRANCH}:`);

    const second = await proposePullRequest({ ...spec, body: "second body" });
    expect(second).toMatchObject({ pushed: false, action: "updated", commit: first!.commit });
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]!.body).toBe("second body");
    expect(gh.requestsTo("PATCH", /\/pulls\/\d+$/)).toHaveLength(1);

    const third = await proposePullRequest({ ...spec, body: "second body" });
    expect(third).toMatchObject({ pushed: false, action: "unchanged", commit: first!.commit });
    expect(pushes()).toHaveLength(1);
    expect(gh.requestsTo("PATCH", /\/pulls\/\d+$/)).toHaveLength(1);
    expect(gh.requestsTo("POST", "/repos/acme/policies/pulls")).toHaveLength(1);
    expect(log.join("\n")).toContain("nothing to push");

    // the token never reaches git's arguments, its config file, or the log
    expect(recorded.calls.some((c) => c.args.join(" ").includes(gh.token))).toBe(false);
    expect(readFileSync(join(work, ".git/config"), "utf8")).not.toContain(gh.token);
    expect(log.join("\n")).not.toContain(gh.token);
  });

  it("a 502 after GitHub opened the pull request: the retry's 422 finds it, and there is still one", async () => {
    const { root } = checkout();
    gh.inject({ method: "POST", path: "/repos/acme/policies/pulls", status: 502, afterEffect: true });
    const made = await proposePullRequest({ root, changes: CHANGES, message: "m", branch: PACK_UPGRADE_BRANCH, base: "main", title: "t", body: "b", token: "", octokit: fakeClient(gh).octokit, ref: { owner: gh.owner, repo: gh.repo }, log: () => undefined });
    expect(made).toMatchObject({ action: "created", pull: { number: gh.pulls[0]!.number } });
    expect(gh.requestsTo("POST", "/repos/acme/policies/pulls").map((r) => r.status)).toEqual([502, 422]);
    expect(gh.pulls).toHaveLength(1);
  });

  it("says what to allow when GitHub refuses the pull request to the job's token", async () => {
    const { root } = checkout();
    gh.inject({ method: "POST", path: "/repos/acme/policies/pulls", status: 403, body: { message: "GitHub Actions is not permitted to create or approve pull requests." } });
    await expect(
      proposePullRequest({ root, changes: CHANGES, message: "m", branch: PACK_UPGRADE_BRANCH, base: "main", title: "t", body: "b", token: "", octokit: fakeClient(gh).octokit, ref: { owner: gh.owner, repo: gh.repo }, log: () => undefined }),
    ).rejects.toThrow(/opening a pull request from edict\/pack-upgrades into main failed \(HTTP 403\): GitHub Actions is not permitted to create or approve pull requests\..*allow GitHub Actions to create pull requests/);
  });

  it("pushes again, with the lease, when the default branch moved", async () => {
    const { work, root, origin } = checkout();
    const { octokit } = fakeClient(gh);
    const spec = { root, changes: CHANGES, message: "m", branch: PACK_UPGRADE_BRANCH, base: "main", title: "t", body: "b", token: "", octokit, ref: { owner: gh.owner, repo: gh.repo }, log: () => undefined };
    const first = await proposePullRequest(spec);
    writeFileSync(join(root, "policies/custom.yaml"), "mine: 1\n");
    git(work, "add", "-A");
    git(work, "commit", "--quiet", "-m", "more");
    const second = await proposePullRequest(spec);
    expect(second).toMatchObject({ pushed: true, action: "unchanged" });
    expect(second!.commit).not.toBe(first!.commit);
    expect(git(origin, "rev-parse", `refs/heads/${PACK_UPGRADE_BRANCH}`)).toBe(second!.commit);
    expect(gh.pulls).toHaveLength(1);
  });

  it("refuses to overwrite the branch when it moved since it was looked at", async () => {
    const { work, root, origin } = checkout();
    // someone else's push lands between ls-remote and push
    let raced = false;
    const racing: GitExec = async (args, call) => {
      if (args[0] === "push" && !raced) {
        raced = true;
        git(work, "push", "--quiet", "--force", "origin", "HEAD:refs/heads/" + PACK_UPGRADE_BRANCH);
      }
      return execGit(args, call);
    };
    const made = await commitChanges({ root, changes: CHANGES, message: "m" });
    await expect(pushBranch({ root, branch: PACK_UPGRADE_BRANCH, commit: made!.commit, token: "", log: () => undefined, retry: { sleep: async () => undefined } }, racing)).rejects.toThrow(
      /git push origin edict\/pack-upgrades failed: .*\[rejected\].*stale info.*run the job again/,
    );
    expect(git(origin, "rev-parse", `refs/heads/${PACK_UPGRADE_BRANCH}`)).toBe(git(work, "rev-parse", "HEAD"));
  });

  it("pushes over HTTP with the token, replacing a header actions/checkout persisted, and writes the token nowhere", async () => {
    const { origin, work, root } = checkout();
    const http = await gitHttpServer(join(origin, ".."), "ghs_right_token");
    try {
      git(work, "remote", "set-url", "origin", `${http.url}/origin.git`);
      // what actions/checkout persists: a header for the host, here with a token that no longer works
      git(work, "config", `http.${http.url}/.extraheader`, `AUTHORIZATION: basic ${authSecretOf("ghs_stale_token")}`);
      const made = await commitChanges({ root, changes: CHANGES, message: "m" });
      const log: string[] = [];
      const push = (token: string) => pushBranch({ root, branch: PACK_UPGRADE_BRANCH, commit: made!.commit, token, log: (l) => void log.push(l), retry: { sleep: async () => undefined } });
      await expect(push("")).rejects.toThrow(/git ls-remote origin refs\/heads\/edict\/pack-upgrades failed: .*(401|Authentication failed|could not read Username).*the github-token cannot push: give the job `permissions: contents: write`/);
      expect(await push("ghs_right_token")).toBe(true);
      expect(git(origin, "rev-parse", `refs/heads/${PACK_UPGRADE_BRANCH}`)).toBe(made!.commit);
      // with the token, every request carried exactly one authorization header: ours
      const withToken = http.seen.slice(http.seen.findIndex((h) => h[0]?.includes(authSecretOf("ghs_right_token"))));
      expect(withToken.length).toBeGreaterThan(1);
      expect(withToken.every((h) => h.length === 1 && h[0] === `AUTHORIZATION: basic ${authSecretOf("ghs_right_token")}`.slice("AUTHORIZATION: ".length))).toBe(true);
      const config = readFileSync(join(work, ".git/config"), "utf8");
      expect(config).not.toContain("ghs_right_token");
      expect(config).not.toContain(authSecretOf("ghs_right_token"));
      expect(log.join("\n")).not.toContain(authSecretOf("ghs_right_token"));
    } finally {
      await http.close();
    }
  });

  it("gives the token to git for an HTTP origin through the environment only, replacing a persisted header", () => {
    const env = authEnv("https://github.com/acme/policies", "ghs_secret");
    expect(env).toEqual({
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "http.https://github.com/.extraheader",
      GIT_CONFIG_VALUE_0: "",
      GIT_CONFIG_KEY_1: "http.https://github.com/.extraheader",
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${authSecretOf("ghs_secret")}`,
    });
    expect(Buffer.from(authSecretOf("ghs_secret"), "base64").toString()).toBe("x-access-token:ghs_secret");
    expect(authEnv("file:///tmp/origin.git", "ghs_secret")).toEqual({});
    expect(authEnv("https://github.com/acme/policies", "")).toEqual({});
  });

  it("cuts a body longer than GitHub accepts, saying so", () => {
    const cut = truncateBody("x".repeat(PULL_REQUEST_BODY_MAX + 10));
    expect(cut.length).toBe(PULL_REQUEST_BODY_MAX);
    expect(cut).toMatch(/cut: the full diff is longer/);
    expect(truncateBody("short")).toBe("short");
  });
});
