import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findGitWorkTree, findRoot } from "../../src/cli/find-root.js";
import { commitAll, exampleGitRepo } from "../bundle/fixtures.js";
import { runIn } from "../helpers/cli.js";
import { copyExample, EXAMPLE_ROOT } from "../helpers/example.js";

const run = runIn;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-root-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The example repository in a committed git repository, with its tests and agents. */
function exampleRepo(): string {
  const { dir } = exampleGitRepo("edict-root-repo-");
  copyExample(dir, ["tests", "agents"]);
  commitAll(dir, "tests and agents");
  return dir;
}

describe("findRoot", () => {
  it("finds the nearest folder upward that holds edict.yaml", () => {
    const dir = tree({ "edict.yaml": "name: outer\n", "nested/edict.yaml": "name: inner\n", "nested/policies/access/a.yaml": "" });
    expect(findRoot(join(dir, "nested", "policies", "access"))).toBe(join(dir, "nested"));
    expect(findRoot(join(dir, "nested"))).toBe(join(dir, "nested"));
    expect(findRoot(dir)).toBe(dir);
    // a folder named edict.yaml is not a config file
    const odd = tree({ "edict.yaml/x": "" });
    expect(findRoot(odd)).toBeUndefined();
  });

  it("stops at the top of the git work tree: an edict.yaml above it belongs to another project", () => {
    const dir = tree({ "edict.yaml": "name: outer\n", "project/.git/HEAD": "ref: refs/heads/main\n", "project/src/a.txt": "" });
    expect(findRoot(join(dir, "project", "src"))).toBeUndefined();
    expect(findGitWorkTree(join(dir, "project", "src", "not-yet"))).toBe(join(dir, "project"));
    // a work tree's own edict.yaml at its top is found
    writeFileSync(join(dir, "project", "edict.yaml"), "name: p\n");
    expect(findRoot(join(dir, "project", "src"))).toBe(join(dir, "project"));
  });

  it("reads through a .git file (worktrees, submodules) the same way", () => {
    const dir = tree({ "edict.yaml": "name: outer\n", "sub/.git": "gitdir: ../.git/modules/sub\n", "sub/x/a.txt": "" });
    expect(findRoot(join(dir, "sub", "x"))).toBeUndefined();
  });
});

describe("running from a subfolder of the repository", () => {
  const repo = exampleRepo();
  const sub = join(repo, "policies", "access");

  it("cd policies && edict lint finds the repository", async () => {
    const r = await run(join(repo, "policies"), ["lint"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/no problems in \d+ files/);
  });

  it("keeps path arguments relative to the current folder, not to the repository", async () => {
    const dir = exampleRepo();
    writeFileSync(join(dir, "policies", "access", "broken.yaml"), "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: broken, priority: 900 }\nspec:\n  tenant: 5\n");
    const fromSub = await run(join(dir, "policies", "access"), ["lint", "broken.yaml", "--format", "json"]);
    expect(fromSub.code, fromSub.err).toBe(1);
    expect(JSON.parse(fromSub.out).findings.map((f: { file: string }) => f.file)).toEqual(["policies/access/broken.yaml"]);
    const fromRoot = await run(dir, ["lint", "policies/access/broken.yaml", "--format", "json"]);
    expect(fromRoot.code).toBe(1);
    expect(JSON.parse(fromRoot.out)).toEqual(JSON.parse(fromSub.out));
    // a file of the repository that is clean reports nothing, from either folder
    expect((await run(join(dir, "policies", "access"), ["lint", "production.yaml"])).code).toBe(0);
  });

  it("every command that reads the repository works from a subfolder and with -C from elsewhere", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "edict-elsewhere-"));
    const keyDir = mkdtempSync(join(tmpdir(), "edict-root-key-"));
    expect((await run(keyDir, ["keygen", "--out", "k"])).code).toBe(0);
    const facts = join(EXAMPLE_ROOT, "test", "posture", "fixtures", "laptop-encrypted.json");
    // check-agent and posture name paths relative to the current folder, so their output differs by folder
    const commands: Array<{ argv: string[]; out: RegExp; cwdInOutput?: boolean }> = [
      { argv: ["lint"], out: /no problems/ },
      { argv: ["test"], out: /passed/ },
      { argv: ["effective", "-t", "production", "--format", "json"], out: /"target": "production"/ },
      { argv: ["eval", "-t", "production", "-a", "db:Select", "-r", "db://production/users", "-c", "source.ip=10.0.0.5"], out: /^allow\n/ },
      { argv: ["check-agent", join(repo, "agents", "support-bot.yaml"), "-t", "production"], out: /everything it declares is allowed/, cwdInOutput: true },
      { argv: ["posture", "-t", "staging", "--facts", facts], out: /allowed in staging/, cwdInOutput: true },
      { argv: ["pack", "list"], out: /starter/ },
      { argv: ["pack", "verify"], out: /match their recorded checksums/ },
      { argv: ["diff", "--base", "HEAD"], out: /unchanged/ },
    ];
    for (const { argv, out, cwdInOutput } of commands) {
      const found = await run(sub, argv);
      expect(found.code, `${argv.join(" ")} from policies/access: ${found.err}`).toBe(0);
      expect(found.out).toMatch(out);
      const given = await run(elsewhere, [...argv, "-C", repo]);
      expect(given.code, `${argv.join(" ")} -C: ${given.err}`).toBe(0);
      if (cwdInOutput) expect(given.out).toMatch(out);
      else expect(given.out).toBe(found.out);
      const long = await run(elsewhere, [...argv, "--root", repo]);
      expect(long.code, `${argv.join(" ")} --root: ${long.err}`).toBe(0);
    }
    // bundle build and bundle verify --rebuild read the repository too
    const outDir = mkdtempSync(join(tmpdir(), "edict-root-out-"));
    const now = { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) };
    const built = await run(sub, ["bundle", "build", "--key", join(keyDir, "k.key"), "--out", outDir], now);
    expect(built.code, built.err).toBe(0);
    const bundle = join(outDir, "acme-policies.bundle.json");
    const verified = await run(elsewhere, ["bundle", "verify", bundle, "--key", join(keyDir, "k.pub"), "--rebuild", "-C", repo]);
    expect(verified.code, verified.err).toBe(0);
    expect(verified.out).toContain("rebuild   matches");
    expect((await run(sub, ["bundle", "verify", bundle, "--key", join(keyDir, "k.pub"), "--rebuild"])).code).toBe(0);
  }, 120_000);

  it("-C is taken as given, relative to the current folder, with no search upward", async () => {
    expect((await run(join(repo, "policies"), ["lint", "-C", ".."])).code).toBe(0);
    const r = await run(repo, ["lint", "-C", "policies"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`edict: ${join(repo, "policies")}: no policy repository here`);
    expect(r.err).toContain("pass -C <folder>");
  });

  it("eval, posture and check-agent keep --policies, and refuse it naming another folder than -C", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "edict-elsewhere-"));
    const ask = ["eval", "-t", "production", "-a", "db:Select", "-r", "db://production/users", "-c", "source.ip=10.0.0.5"];
    const old = await run(elsewhere, [...ask, "--policies", repo]);
    expect(old.code, old.err).toBe(0);
    expect(old.out).toMatch(/^allow\n/);
    expect((await run(elsewhere, [...ask, "--policies", repo, "-C", repo])).code).toBe(0);
    const both = await run(elsewhere, [...ask, "--policies", repo, "-C", elsewhere]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("name different folders; give one of them");
    const agent = await run(elsewhere, ["check-agent", join(repo, "agents", "support-bot.yaml"), "-t", "production", "--policies", repo]);
    expect(agent.code, agent.err).toBe(0);
  });
});

describe("outside any repository", () => {
  it("says which folder was searched and suggests -C", async () => {
    const dir = tree({ "notes/readme.txt": "" });
    const r = await run(join(dir, "notes"), ["lint"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`edict: ${join(dir, "notes")}: no policy repository here or in any folder above it: no edict.yaml found; run edict inside the repository, or pass -C <folder>\n`);
  });

  it("does not pick up an edict.yaml above the git work tree", async () => {
    const dir = tree({ "edict.yaml": "name: stray\ntargets: { production: {} }\n", "project/.git/HEAD": "ref: refs/heads/main\n", "project/docs/a.md": "" });
    const r = await run(join(dir, "project", "docs"), ["lint"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, "project", "docs")}: no policy repository here or in any folder above it`);
  });

  it("every command that reads the repository offers -C/--root in its help", async () => {
    const commands = [["lint"], ["test"], ["effective"], ["diff"], ["eval"], ["check-agent"], ["posture"], ["pack", "list"], ["pack", "install"], ["pack", "upgrade"], ["pack", "remove"], ["pack", "verify"], ["bundle", "build"], ["bundle", "verify"]];
    for (const c of commands) {
      const r = await run(tmpdir(), [...c, "--help"]);
      expect(r.code).toBe(0);
      expect(r.out.replace(/\s+/g, " "), c.join(" ")).toMatch(/-C, --root <dir> .*\(default: the nearest folder upward that holds edict\.yaml\)/);
    }
  });
});
