/**
 * packs mode through runAction: a real checkout with a bare `origin` (file://), the fake GitHub
 * for the pull request, and either edict's own upgrade planning over the repository's pack folder
 * or an injected proposal.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/action/context.js";
import { parseInputs } from "../../src/action/inputs.js";
import type { InputName } from "../../src/action/inputs.js";
import { PACK_PR_MARKER, upgradeTitle } from "../../src/action/packs-mode.js";
import type { PackHooks, PackUpgradeProposal, ProposeOptions } from "../../src/action/packs-mode.js";
import { PACK_UPGRADE_BRANCH } from "../../src/action/pull-request.js";
import { resolveMode, runAction } from "../../src/action/run.js";
import type { PackPlan } from "../../src/pack/plan.js";
import { copyExample } from "../helpers/example.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";
import { recorder } from "./recorder.js";

const gh = new FakeGitHub();
beforeAll(() => gh.start());
afterAll(() => gh.stop());
beforeEach(() => gh.reset());



const inputs = (given: Partial<Record<InputName, string>> = {}) => parseInputs((name) => ({ "github-token": gh.token, mode: "packs", ...given })[name] ?? "");

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" }).trim();
}

/** The example repository committed in a clone of a bare origin, as actions/checkout leaves it. */
function workspace(): { origin: string; work: string } {
  const dir = mkdtempSync(join(tmpdir(), "edict-packs-"));
  const origin = join(dir, "origin.git");
  git(dir, "init", "--quiet", "--bare", origin);
  const work = join(dir, "work");
  git(dir, "clone", "--quiet", `file://${origin}`, work);
  copyExample(work);
  git(work, "add", "-A");
  git(work, "commit", "--quiet", "-m", "policies");
  git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
  return { origin, work };
}

function ctx(work: string, over: Partial<ActionContext> = {}): ActionContext {
  return {
    eventName: "schedule",
    ref: "refs/heads/main",
    sha: "",
    owner: gh.owner,
    repo: gh.repo,
    payload: { repository: { default_branch: "main" } },
    workspace: work,
    serverUrl: "https://github.com",
    runnerTemp: tmpdir(),
    ...over,
  };
}

/** A proposal as proposePackUpgrades gives it: starter 1.0.0 → 1.1.0, one file replaced. */
function fakeProposal(markdown: string): PackUpgradeProposal {
  const plan: PackPlan = {
    operation: "upgrade",
    changes: [{ name: "starter", from: "1.0.0", to: "1.1.0" }],
    add: [{ path: "policies/starter__09__new.yaml", content: new TextEncoder().encode("# new policy\n") }],
    replace: [],
    remove: [],
    state: { format_version: "v1", installed_packs: {} } as unknown as PackPlan["state"],
    stateText: "# state after the upgrade\n",
    notes: [],
  };
  return { plan, changes: plan.changes, markdown, text: markdown };
}

describe("packs mode", () => {
  it("reads packs-latest and packs-out, setting them only when given", () => {
    const read = (given: Partial<Record<InputName, string>>) => parseInputs((name) => given[name] ?? "");
    expect(read({ mode: "packs" }).mode).toBe("packs");
    expect(read({ "packs-latest": "true" }).packsLatest).toBe(true);
    expect("packsLatest" in read({ "packs-latest": "false" })).toBe(false);
    expect(() => read({ "packs-latest": "always" })).toThrow(/input packs-latest must be true or false, got "always"/);
    expect(read({ "packs-out": " packs-dist " }).packsOut).toBe("packs-dist");
    expect("packsOut" in read({})).toBe(false);
    expect(() => read({ mode: "pack" })).toThrow(/input mode must be one of auto, check, publish, refresh, packs, got "pack"; did you mean "packs"\?/);
  });

  it("is never chosen by auto, only by the mode input", () => {
    const c = ctx("/nowhere");
    expect(resolveMode({ mode: "auto" }, c).mode).toBe("refresh");
    expect(resolveMode({ mode: "packs" }, c)).toEqual({ mode: "packs", why: "set by the mode input" });
  });

  it("opens one pull request with the effective diff, updates it, and changes nothing when run again", async () => {
    const { origin, work } = workspace();
    const head = git(work, "rev-parse", "HEAD");
    let markdown = "#### Effective diff\n\nstarter: tightened";
    const asked: ProposeOptions[] = [];
    const hooks: PackHooks = {
      propose: async (options) => (asked.push(options), fakeProposal(markdown)),
    };
    const run = () => {
      const io = recorder();
      return runAction(inputs({ "packs-latest": "true" }), ctx(work), { octokit: fakeClient(gh).octokit, io, packs: hooks }).then((result) => ({ result, io }));
    };

    const first = await run();
    expect(first.result).toMatchObject({ mode: "packs", ok: true });
    expect(asked[0]).toMatchObject({ root: work, latest: true });
    expect(asked[0]!.sources.map((s) => s.name)).toEqual(["repository", "builtin"]);
    expect(gh.openPulls()).toHaveLength(1);
    const pull = gh.openPulls()[0]!;
    expect(pull).toMatchObject({ head: `acme:${PACK_UPGRADE_BRANCH}`, base: "main", title: "edict: upgrade pack starter 1.0.0 → 1.1.0" });
    expect(pull.body.startsWith(`${PACK_PR_MARKER}\n### 📦 edict: pack upgrades\n\n- **starter** \`1.0.0\` → \`1.1.0\``)).toBe(true);
    expect(pull.body).toContain("#### Effective diff\n\nstarter: tightened");
    expect(pull.body).toContain("`edict pack upgrade --latest`");
    expect(first.io.outputs["pull-request-url"]).toBe(`${gh.origin}/acme/policies/pull/${pull.number}`);
    expect(first.io.summary).toContain(`pack upgrades opened in [#${pull.number}]`);
    // the branch holds the plan's files and the new state, on top of HEAD
    const branch = git(origin, "rev-parse", `refs/heads/${PACK_UPGRADE_BRANCH}`);
    expect(git(origin, "rev-parse", `${branch}^`)).toBe(head);
    expect(git(origin, "show", `${branch}:.edict/packs.yaml`)).toBe("# state after the upgrade");
    expect(git(origin, "show", `${branch}:policies/starter__09__new.yaml`)).toBe("# new policy");
    // the checkout is untouched; the token's header form is masked
    expect(git(work, "status", "--porcelain")).toBe("");
    expect(first.io.secrets).toContain(Buffer.from(`x-access-token:${gh.token}`).toString("base64"));

    markdown = "#### Effective diff\n\nstarter: tightened, and more";
    const second = await run();
    expect(second.result.ok).toBe(true);
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]!.body).toContain("tightened, and more");
    expect(second.io.summary).toContain("pack upgrades updated in");
    expect(second.io.lines.join("\n")).toContain("nothing to push");

    const third = await run();
    expect(third.result.ok).toBe(true);
    expect(third.io.summary).toContain("pack upgrades unchanged in");
    expect(gh.requestsTo("POST", "/repos/acme/policies/pulls")).toHaveLength(1);
    expect(gh.requestsTo("PATCH", /\/pulls\/\d+$/)).toHaveLength(1);
    expect(git(origin, "rev-parse", `refs/heads/${PACK_UPGRADE_BRANCH}`)).toBe(branch);
  });

  it("says all packs are up to date, and leaves an open pull request alone", async () => {
    const { work } = workspace();
    gh.pulls.push({ number: 7, head: `acme:${PACK_UPGRADE_BRANCH}`, base: "main", title: "t", body: "b", state: "open" });
    const io = recorder();
    const result = await runAction(inputs(), ctx(work), { octokit: fakeClient(gh).octokit, io, packs: { propose: async () => undefined } });
    expect(result).toMatchObject({ mode: "packs", ok: true });
    expect(io.summary).toBe("### ✅ edict: all packs up to date\n");
    expect(io.outputs["pull-request-url"]).toBe("");
    expect(gh.requests.filter((r) => r.path.includes("/pulls"))).toHaveLength(0);
    expect(gh.pulls[0]).toMatchObject({ state: "open", body: "b" });
  });

  it("asks GitHub for the default branch when the event does not say, and refuses another branch", async () => {
    const { work } = workspace();
    gh.defaultBranch = "trunk";
    const io = recorder();
    const result = await runAction(inputs(), ctx(work, { payload: {}, eventName: "workflow_dispatch" }), { octokit: fakeClient(gh).octokit, io, packs: { propose: async () => fakeProposal("d") } });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/packs mode proposes upgrades of the default branch trunk, but this run is on main; run it on a schedule or dispatch it on trunk/);
    expect(gh.requestsTo("GET", "/repos/acme/policies")).toHaveLength(1);
    expect(gh.pulls).toHaveLength(0);
  });

  it("proposes a real upgrade from the repository's pack folder, with its effective diff", async () => {
    const { origin, work } = workspace();
    // a newer posture in the repository's own pack folder, within the installed ^1.0.0
    const meta = join(work, "packs/posture/metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace(/version: "?1\.0\.0"?/, 'version: "1.0.1"'));
    const policy = join(work, "packs/posture/policies/01_default.yaml");
    writeFileSync(policy, readFileSync(policy, "utf8").replace("min_security_score: 50", "min_security_score: 60"));
    git(work, "add", "-A");
    git(work, "commit", "--quiet", "-m", "posture 1.0.1");
    const io = recorder();
    const result = await runAction(inputs(), ctx(work), { octokit: fakeClient(gh).octokit, io });
    expect(result.failure).toBeUndefined();
    expect(gh.openPulls()).toHaveLength(1);
    const pull = gh.openPulls()[0]!;
    expect(pull.title).toBe(upgradeTitle([{ name: "posture", from: "1.0.0", to: "1.0.1" }]));
    expect(pull.body).toContain("- **posture** `1.0.0` → `1.0.1`");
    expect(pull.body).toContain("min_security_score");
    const branch = `refs/heads/${PACK_UPGRADE_BRANCH}`;
    expect(git(origin, "show", `${branch}:policies/posture__01__default.yaml`)).toContain("min_security_score: 60");
    expect(git(origin, "show", `${branch}:.edict/packs.yaml`)).toMatch(/posture:\n\s+name: posture\n\s+version: 1\.0\.1/);

    // run again: the same upgrade, the same commit, nothing pushed or edited
    const again = recorder();
    expect((await runAction(inputs(), ctx(work), { octokit: fakeClient(gh).octokit, io: again })).ok).toBe(true);
    expect(again.summary).toContain("unchanged");
    expect(gh.pulls).toHaveLength(1);
  });
});
