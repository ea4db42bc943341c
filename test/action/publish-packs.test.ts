/**
 * publish mode with `packs-out`: the repository's packs are published (signed envelopes and
 * index.json) and attached to the release beside the bundle, idempotently, against the fake GitHub.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/action/context.js";
import { parseInputs } from "../../src/action/inputs.js";
import type { InputName } from "../../src/action/inputs.js";
import { runAction } from "../../src/action/run.js";
import { generateKeyPair, toPrivateKeyPem } from "../../src/bundle/keys.js";
import { parsePackIndex, verifyPackEnvelope } from "../../src/pack/remote/index.js";
import { copyExample } from "../helpers/example.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";
import { recorder } from "./recorder.js";

const gh = new FakeGitHub();
const UPLOAD = /^\/uploads\/repos\/acme\/policies\/releases\/\d+\/assets$/;
const PAIR = generateKeyPair();
const KEY_PEM = toPrivateKeyPem(PAIR.privateKey);
const PACKS = ["ai_safety", "financial_compliance", "hipaa", "posture", "starter"];



const inputs = (given: Partial<Record<InputName, string>> = {}) => parseInputs((name) => ({ "github-token": gh.token, "signing-key": KEY_PEM, mode: "publish", ...given })[name] ?? "");

let workspace = "";
function ctx(): ActionContext {
  return {
    eventName: "push",
    ref: "refs/heads/main",
    sha: "",
    owner: gh.owner,
    repo: gh.repo,
    payload: { repository: { default_branch: "main" } },
    workspace,
    serverUrl: "https://github.com",
    runnerTemp: mkdtempSync(join(tmpdir(), "edict-runner-")),
  };
}

beforeAll(async () => {
  await gh.start();
  workspace = mkdtempSync(join(tmpdir(), "edict-publish-packs-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace, encoding: "utf8" }).trim();
  git("init", "--quiet", "--initial-branch=main");
  copyExample(workspace);
  git("add", "-A");
  git("commit", "--quiet", "-m", "policies");
});
afterAll(() => gh.stop());
beforeEach(() => {
  gh.reset();
  rmSync(join(workspace, "packs-dist"), { recursive: true, force: true });
});

describe("publish with packs-out", () => {
  it("attaches every signed pack and index.json to the release; a re-run on a fresh runner uploads nothing", async () => {
    const io = recorder();
    const result = await runAction(inputs({ "packs-out": "packs-dist" }), ctx(), { octokit: fakeClient(gh).octokit, io });
    expect(result, io.lines.join("\n")).toMatchObject({ mode: "publish", ok: true, outputs: { version: "0.1.0" } });
    const [release] = gh.published();
    const names = release!.assets.map((a) => a.name);
    expect(names).toEqual(["acme-policies.bundle.json", "acme-policies.bundle.json.sha256", "acme-policies.report.html", ...PACKS.map((p) => `${p}-${p === "ai_safety" ? "1.1.0" : "1.0.0"}.pack.json`), "index.json"]);
    expect(existsSync(join(workspace, "packs-dist/index.json"))).toBe(true);

    // the index served from the release's download folder finds every envelope beside it, and each verifies
    const index = parsePackIndex(release!.assets.find((a) => a.name === "index.json")!.bytes);
    if (!index.ok) throw new Error(index.problem);
    expect(index.index.packs.map((p) => p.name)).toEqual(PACKS);
    for (const entry of index.index.packs) {
      const asset = release!.assets.find((a) => a.name === entry.url);
      expect(asset?.contentType).toBe("application/json");
      const verified = verifyPackEnvelope(asset!.bytes, [PAIR.publicKey]);
      expect(verified.payload).toMatchObject({ name: entry.name, version: entry.version });
    }
    expect(io.summary).toContain("Packs attached: `ai_safety-1.1.0.pack.json`");

    // a new runner: an empty packs-out folder, the same commit and key
    rmSync(join(workspace, "packs-dist"), { recursive: true });
    const uploads = gh.requestsTo("POST", UPLOAD).length;
    const again = recorder();
    const rerun = await runAction(inputs({ "packs-out": "packs-dist" }), ctx(), { octokit: fakeClient(gh).octokit, io: again });
    expect(rerun, again.lines.join("\n")).toMatchObject({ ok: true, outputs: { version: "0.1.0" } });
    expect(again.lines).toContain("release policy-v0.1.0 already exists with identical assets: nothing to do");
    expect(gh.requestsTo("POST", UPLOAD)).toHaveLength(uploads);
    expect(gh.releases).toHaveLength(1);
  });

  it("without packs-out the release holds only the bundle and its report page", async () => {
    const result = await runAction(inputs(), ctx(), { octokit: fakeClient(gh).octokit, io: recorder() });
    expect(result.ok).toBe(true);
    expect(gh.published()[0]!.assets.map((a) => a.name)).toEqual(["acme-policies.bundle.json", "acme-policies.bundle.json.sha256", "acme-policies.report.html"]);
    expect(existsSync(join(workspace, "packs-dist"))).toBe(false);
  });

  it("refuses a packs-out folder outside the workspace before creating a release", async () => {
    const result = await runAction(inputs({ "packs-out": "../elsewhere" }), ctx(), { octokit: fakeClient(gh).octokit, io: recorder() });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/input packs-out \.\.\/elsewhere must be a folder inside the workspace/);
    expect(gh.releases).toHaveLength(0);
  });

  it("a pack that cannot be published stops the release before anything is created", async () => {
    const result = await runAction(inputs({ "packs-out": "packs-dist" }), ctx(), {
      octokit: fakeClient(gh).octokit,
      io: recorder(),
      packs: {
        publishPacks: async () => {
          throw new Error("hipaa 1.0.0 is already published with other bytes");
        },
      },
    });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/already published with other bytes/);
    expect(gh.releases).toHaveLength(0);
  });
});
