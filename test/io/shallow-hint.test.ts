/**
 * The fetch command printed when `edict diff --base REV` meets a shallow clone that lacks REV:
 * run as printed, in a real `git clone --depth=1`, it must make the same diff work.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "edict test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "edict test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function io(cwd: string): CliIO & { out: string; err: string } {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env: {}, cwd } as unknown as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

function policy(actions: string[]): string {
  return `apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: app, priority: 10 }\nspec:\n  Version: "2012-10-17"\n  Statement:\n    - Sid: Read\n      Effect: Allow\n      Action: [${actions.join(", ")}]\n      Resource: "db://prod/*"\n`;
}

let origin = "";
const commits: string[] = [];

beforeAll(() => {
  origin = mkdtempSync(join(tmpdir(), "edict-shallow-origin-"));
  git(origin, "init", "-q", "-b", "main");
  writeFileSync(join(origin, "edict.yaml"), "name: shallow\ntargets: { production: {} }\n");
  mkdirSync(join(origin, "policies"));
  for (const [i, actions] of [["db:Select"], ["db:Select", "db:Insert"], ["db:Select", "db:Insert", "db:Update"], ["db:*"]].entries()) {
    writeFileSync(join(origin, "policies", "app.yaml"), policy(actions));
    git(origin, "add", "-A");
    git(origin, "commit", "-q", "-m", `commit ${i}`);
    commits.push(git(origin, "rev-parse", "HEAD"));
  }
  git(origin, "branch", "other", commits[1]!);
  git(origin, "tag", "v1", commits[0]!);
});

function shallowClone(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "edict-shallow-")), "clone");
  git(tmpdir(), "clone", "-q", "--depth=1", `file://${origin}`, dir);
  return dir;
}

/** Runs the diff, expects the shallow-clone hint, runs the printed command, runs the diff again. */
async function hintWorks(revision: string): Promise<string> {
  const clone = shallowClone();
  const first = io(clone);
  expect(await runCli(["diff", "--base", revision], first)).toBe(2);
  const m = /not in this shallow clone; fetch it with `([^`]+)`/.exec(first.err);
  expect(m, first.err).not.toBeNull();
  const command = m![1]!;
  const [bin, ...args] = command.split(" ");
  expect(bin).toBe("git");
  git(clone, ...args);
  const second = io(clone);
  const code = await runCli(["diff", "--base", revision, "--format", "json"], second);
  expect(second.err).toBe("");
  expect([0, 1]).toContain(code);
  expect(JSON.parse(second.out).verdict).toBeDefined();
  return command;
}

describe("the shallow-clone fetch hint works as printed", () => {
  it("HEAD~1: deepened by one generation, and named by its full commit id", async () => {
    const clone = shallowClone();
    const o = io(clone);
    await runCli(["diff", "--base", "HEAD~1"], o);
    expect(o.err).toContain(`revision HEAD~1 (commit ${commits[2]}) is not in this shallow clone`);
    expect(await hintWorks("HEAD~1")).toBe("git fetch --deepen=1");
  });
  it("HEAD^: the same", async () => {
    expect(await hintWorks("HEAD^")).toBe("git fetch --deepen=1");
  });
  it("HEAD~3: deepened by three generations", async () => {
    expect(await hintWorks("HEAD~3")).toBe("git fetch --deepen=3");
  });
  it("a full commit id: fetched by id", async () => {
    expect(await hintWorks(commits[1]!)).toBe(`git fetch --depth=1 origin ${commits[1]}`);
  });
  it("a branch the clone does not track: fetched into that name", async () => {
    expect(await hintWorks("other")).toBe("git fetch --depth=1 origin other:other");
  });
  it("origin/other: fetched into the remote-tracking ref", async () => {
    expect(await hintWorks("origin/other")).toBe("git fetch --depth=1 origin other:refs/remotes/origin/other");
  });
  it("a tag: fetched by name", async () => {
    expect(await hintWorks("v1")).toBe("git fetch --depth=1 origin v1:v1");
  });
  it("an abbreviated commit id: the whole history", async () => {
    expect(await hintWorks(commits[0]!.slice(0, 10))).toBe("git fetch --unshallow");
  });
});
