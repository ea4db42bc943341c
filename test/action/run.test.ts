/**
 * runAction in-process: inputs, mode selection, the context, and check mode on a policy
 * repository in a sub-folder with more findings than GitHub annotates, against the fake GitHub.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readActionContext } from "../../src/action/context.js";
import type { ActionContext } from "../../src/action/context.js";
import { annotateFindings } from "../../src/action/lint.js";
import { INPUT_NAMES, parseInputs } from "../../src/action/inputs.js";
import type { ActionInputs, InputName } from "../../src/action/inputs.js";
import { OUTPUT_NAMES } from "../../src/action/output.js";
import type { AnnotationLevel } from "../../src/action/output.js";
import { resolveMode, runAction } from "../../src/action/run.js";
import type { Finding } from "../../src/lint/finding.js";
import { copyExample, EXAMPLE_ROOT } from "../helpers/example.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";
import { recorder } from "./recorder.js";

const gh = new FakeGitHub();
beforeAll(() => gh.start());
afterAll(() => gh.stop());
beforeEach(() => gh.reset());



/** Inputs as the runner gives them: strings by action.yml name. */
const inputs = (given: Partial<Record<InputName, string>> = {}): ActionInputs => parseInputs((name) => ({ "github-token": gh.token, ...given })[name] ?? "");

function ctx(over: Partial<ActionContext> = {}): ActionContext {
  return { eventName: "pull_request", ref: "refs/pull/3/merge", sha: "", owner: gh.owner, repo: gh.repo, payload: {}, workspace: "/nowhere", serverUrl: "https://github.com", runnerTemp: tmpdir(), ...over };
}

describe("inputs", () => {
  it("match action.yml, with its defaults", () => {
    const action = parse(readFileSync(join(EXAMPLE_ROOT, "action.yml"), "utf8")) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown>; runs: Record<string, string> };
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(action.runs).toEqual({ using: "node24", main: "dist/action.js" });
    const defaults = parseInputs((name) => (name === "github-token" ? "t" : String(action.inputs[name]?.default ?? "")));
    expect(defaults).toEqual({ mode: "auto", githubToken: "t", signingKey: "", workingDirectory: ".", targets: [], failOn: "error", comment: true });
  });

  it("are validated with a clear message", () => {
    expect(() => parseInputs((n) => (n === "fail-on" ? "warnings" : ""))).toThrow(/input fail-on must be one of error, warning, loosened, got "warnings"; did you mean "warning"\?/);
    expect(() => parseInputs((n) => (n === "comment" ? "yes" : ""))).toThrow(/input comment must be true or false/);
    expect(() => parseInputs((n) => (n === "tag-prefix" ? "bad prefix" : ""))).toThrow(/input tag-prefix "bad prefix" is not usable in a git tag/);
    expect(parseInputs((n) => (n === "targets" ? "production,\n staging" : "")).targets).toEqual(["production", "staging"]);
    expect(parseInputs((n) => (n === "max-regions" ? "5000" : "")).maxRegions).toBe(5000);
    expect(() => parseInputs((n) => (n === "max-regions" ? "lots" : ""))).toThrow(/input max-regions must be a whole number, got "lots"/);
  });
});

describe("context and mode", () => {
  it("reads GITHUB_* and the event file", () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-ctx-"));
    writeFileSync(join(dir, "e.json"), JSON.stringify({ pull_request: { number: 5 } }));
    const c = readActionContext({ GITHUB_REPOSITORY: "acme/policies", GITHUB_EVENT_PATH: join(dir, "e.json"), GITHUB_EVENT_NAME: "pull_request", GITHUB_RUN_ID: "9" }, "/cwd");
    expect(c).toMatchObject({ owner: "acme", repo: "policies", eventName: "pull_request", workspace: "/cwd", runId: "9", payload: { pull_request: { number: 5 } } });
    expect(() => readActionContext({}, "/")).toThrow(/GITHUB_REPOSITORY must be "owner\/name"/);
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => readActionContext({ GITHUB_REPOSITORY: "a/b", GITHUB_EVENT_PATH: join(dir, "bad.json") }, "/")).toThrow(/is not JSON/);
  });

  it("auto picks check on pull requests, publish on the default branch or a tag, refresh on a schedule", () => {
    const auto = { mode: "auto" as const };
    const repository = { default_branch: "trunk" };
    expect(resolveMode(auto, ctx()).mode).toBe("check");
    expect(resolveMode(auto, ctx({ eventName: "push", ref: "refs/heads/trunk", payload: { repository } })).mode).toBe("publish");
    expect(resolveMode(auto, ctx({ eventName: "push", ref: "refs/heads/main", payload: { repository } })).mode).toBe("check");
    expect(resolveMode(auto, ctx({ eventName: "push", ref: "refs/tags/v2" })).mode).toBe("publish");
    expect(resolveMode(auto, ctx({ eventName: "schedule" })).mode).toBe("refresh");
    expect(resolveMode({ mode: "refresh" }, ctx()).mode).toBe("refresh");
    expect(() => resolveMode(auto, ctx({ eventName: "issues" }))).toThrow(/mode auto does not know what to do on a issues event/);
  });

  it("an unusable event fails the step with a message, sets every output, and masks the key first", async () => {
    const io = recorder();
    const result = await runAction(inputs({ "signing-key": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJoEh1XYKLZxNo0S1cbowTvbcnOd0FHN61W+xE8TNgOc\n-----END PRIVATE KEY-----\n" }), ctx({ eventName: "issues" }), {
      octokit: fakeClient(gh).octokit,
      io,
    });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/set the mode input/);
    expect(io.secrets).toContain("MC4CAQAwBQYDK2VwBCIEIJoEh1XYKLZxNo0S1cbowTvbcnOd0FHN61W+xE8TNgOc");
    expect(Object.keys(io.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  });
});

describe("annotations", () => {
  it("at most ten per level; the rest go to the log", () => {
    const f = (severity: Finding["severity"], i: number): Finding => ({ rule: "r", severity, message: `m${i}`, file: "gov/p.yaml", line: i + 1, column: 2, endLine: i + 1, endColumn: 4, path: "" });
    const io = recorder();
    const counts = annotateFindings(io, [...Array.from({ length: 25 }, (_, i) => f("error", i)), ...Array.from({ length: 3 }, (_, i) => f("warning", i)), ...Array.from({ length: 12 }, (_, i) => f("info", i))]);
    const per = (l: AnnotationLevel) => io.annotations.filter((a) => a.level === l).length;
    expect([per("error"), per("warning"), per("notice")]).toEqual([10, 3, 10]);
    expect(counts).toEqual({ annotated: 23, notAnnotated: 17 });
    expect(io.annotations[0]!.props).toEqual({ title: "edict: r", file: "gov/p.yaml", startLine: 1, endLine: 1, startColumn: 2, endColumn: 4 });
    expect(io.lines.join("\n")).toMatch(/17 more findings than GitHub annotates/);
  });
});

describe("check mode in a sub-folder", () => {
  const broken = (n: number) =>
    "apiVersion: edict/v1\nkind: AccessPolicy\nmetadata:\n  id: broken\n  priority: 600\n  targets: [production]\nspec:\n  Version: \"2024-12-02\"\n  Statement:\n" +
    Array.from({ length: n }, (_, i) => `    - Sid: Bad${i}\n      Effect: Allw\n      Action: file:Read\n      Resource: "*"\n    - Sid: Shadowed${i}\n      Effect: Allow\n      Action: db:Delete\n      Resource: "db://x/${i}"\n`).join("");

  let workspace = "";
  let base = "";
  let head = "";
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), "edict-check-"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace, encoding: "utf8" }).trim();
    git("init", "--quiet");
    mkdirSync(join(workspace, "gov"));
    copyExample(join(workspace, "gov"), ["edict.yaml", "policies", ".edict", "packs"]);
    git("add", "-A");
    git("commit", "--quiet", "-m", "base");
    base = git("rev-parse", "HEAD");
    writeFileSync(join(workspace, "gov/policies/broken.yaml"), broken(12));
    git("add", "-A");
    git("commit", "--quiet", "-m", "head");
    head = git("rev-parse", "HEAD");
  });

  it("annotates with workspace paths, writes SARIF, comments under its own marker, and fails on lint errors", async () => {
    const io = recorder();
    const payload = { pull_request: { number: 3, base: { sha: base }, head: { sha: head } } };
    const result = await runAction(inputs({ "working-directory": "gov", sarif: "out/edict.sarif" }), ctx({ workspace, payload, runId: "77" }), {
      octokit: fakeClient(gh).octokit,
      io,
    });
    expect(result).toMatchObject({ mode: "check", ok: false });
    expect(result.failure).toBe("12 lint errors");
    const per = (l: AnnotationLevel) => io.annotations.filter((a) => a.level === l);
    expect(per("error")).toHaveLength(10);
    expect(per("warning")).toHaveLength(10);
    expect(io.annotations.every((a) => a.props.file?.startsWith("gov/"))).toBe(true);
    expect(per("error")[0]!.props).toMatchObject({ file: "gov/policies/broken.yaml", title: "edict: invalid-value" });

    const sarif = JSON.parse(readFileSync(join(workspace, "out/edict.sarif"), "utf8")) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    const uris = new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri));
    expect([...uris]).toEqual(["gov/policies/broken.yaml"]);

    const comments = gh.commentsOn(3);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith("<!-- edict:report:gov -->\n### ❌ edict check failed: 12 lint errors")).toBe(true);
    // every finding is in the comment and the summary, annotated or not
    expect(comments[0]!.body.match(/^\| ❌ \|/gm)).toHaveLength(12);
    expect(io.summary.match(/^\| ⚠️ \|/gm)).toHaveLength(12);
    expect(io.summary).toContain("GitHub shows ten annotations per level");
    expect(comments[0]!.body).toContain(`](https://github.com/acme/policies/blob/${head}/gov/policies/broken.yaml#L`);
    expect(io.outputs).toMatchObject({ errors: "12", warnings: "12" });
  });

  it("fails with the reason when the base commit cannot be had, still reporting", async () => {
    const io = recorder();
    const payload = { pull_request: { number: 4, base: { sha: "f".repeat(40) }, head: { sha: head } } };
    const result = await runAction(inputs({ "working-directory": "gov", comment: "false" }), ctx({ workspace, payload }), { octokit: fakeClient(gh).octokit, io });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/the effective diff could not be made \(cannot fetch commit f{40} from origin/);
    expect(io.summary).toContain("❌ The effective diff could not be made");
    expect(gh.commentsOn(4)).toHaveLength(0);
  });

  it("refuses a working-directory outside the workspace", async () => {
    const io = recorder();
    const result = await runAction(inputs({ "working-directory": "../elsewhere" }), ctx({ workspace }), { octokit: fakeClient(gh).octokit, io });
    expect(result.failure).toMatch(/working-directory \.\.\/elsewhere is outside the workspace/);
  });
});

describe("check mode lints pack sources as `edict lint` does", () => {
  it("reports a url source whose key file is missing (error) and an unreachable source (warning)", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "edict-check-sources-"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace, encoding: "utf8" }).trim();
    git("init", "--quiet");
    copyExample(workspace, ["edict.yaml", "policies", ".edict", "packs"]);
    writeFileSync(
      join(workspace, "edict.yaml"),
      readFileSync(join(workspace, "edict.yaml"), "utf8") +
        `packs:\n  sources:\n    - name: acme\n      url: file://${join(workspace, "nowhere", "index.json")}\n      keys: [keys/missing.pub]\n`,
    );
    git("add", "-A");
    git("commit", "--quiet", "-m", "sources");
    const head = git("rev-parse", "HEAD");
    const io = recorder();
    const payload = { pull_request: { number: 9, base: { sha: head }, head: { sha: head } } };
    const result = await runAction(inputs({ comment: "false" }), ctx({ workspace, payload }), { octokit: fakeClient(gh).octokit, io });
    expect(result).toMatchObject({ mode: "check", ok: false });
    const titles = io.annotations.map((a) => `${a.level} ${a.props.title}`);
    expect(titles).toContain("error edict: pack-source-invalid-key");
    expect(titles).toContain("warning edict: pack-source-unreachable");
    expect(io.outputs.errors).toBe("1");
  });
});
