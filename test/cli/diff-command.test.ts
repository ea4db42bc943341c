/** `edict diff` end to end, in a temporary git repository made from the example repository. */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { registerDiff } from "../../src/cli/commands/diff.js";
import type { CliIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";
import { isEdictError } from "../../src/errors.js";

const root = join(import.meta.dirname, "..", "..");
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "edict test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "edict test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_AUTHOR_DATE: "2025-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2025-01-01T00:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], { cwd, env: GIT_ENV, encoding: "utf8" }).trim();
}

type TestIO = CliIO & { out: string; err: string };

function io(cwd: string, env: Record<string, string> = {}): TestIO {
  const o = { out: "", err: "" } as TestIO;
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  o.isTTY = false;
  o.stderrIsTTY = false;
  o.env = env;
  o.cwd = cwd;
  return o;
}

/** The command wired the way src/cli/main.ts wires every command (used until main.ts registers diff). */
async function runDiffOnly(argv: string[], o: CliIO): Promise<number> {
  let exit = 0;
  const program = new Command("edict").exitOverride().configureOutput({ writeOut: o.stdout, writeErr: o.stderr, outputError: (s, write) => write(s) });
  registerDiff(program, o, (code) => (exit = code));
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: o.stdout, writeErr: o.stderr });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) return e.code === "commander.helpDisplayed" || e.code === "commander.help" ? 0 : 2;
    if (isEdictError(e)) {
      o.stderr(`edict: ${e.toString()}\n`);
      return e.code === "INTERNAL" ? 1 : 2;
    }
    throw e;
  }
}

let run: (argv: string[], o: CliIO) => Promise<number> = runDiffOnly;

const PROD = "policies/access/production.yaml";
/** The runtime policy every target merges. */
const RUNTIME = "policies/runtime/agents.yaml";
let repo: string;
let baseSha: string;

beforeAll(async () => {
  // Use the real CLI once main.ts registers `diff`.
  const help = io(root);
  await runCli(["--help"], help);
  if (/^\s+diff\b/m.test(help.out)) run = runCli;
  repo = mkdtempSync(join(tmpdir(), "edict-diff-cli-"));
  cpSync(join(root, "edict.yaml"), join(repo, "edict.yaml"));
  cpSync(join(root, "policies"), join(repo, "policies"), { recursive: true });
  // the installed-pack state decides layers, so the copy merges like the example
  if (existsSync(join(root, ".edict"))) cpSync(join(root, ".edict"), join(repo, ".edict"), { recursive: true });
  git(repo, "init", "-q");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "example");
  baseSha = git(repo, "rev-parse", "HEAD");
});

function loosen(): void {
  const text = readFileSync(join(repo, PROD), "utf8");
  expect(text).toContain("MaxTokens: 10000");
  writeFileSync(join(repo, PROD), text.replace("MaxTokens: 10000", "MaxTokens: 99999"));
}

function restore(): void {
  git(repo, "checkout", "-q", "--", PROD);
}

describe("edict diff", () => {
  it("an untouched working tree is unchanged (exit 0, even with --fail-on loosened)", async () => {
    const o = io(repo);
    expect(await run(["diff", "--base", "HEAD", "--format", "json", "--fail-on", "loosened"], o)).toBe(0);
    const doc = JSON.parse(o.out);
    // no release tag yet: the first release is edict.yaml's version, as `edict bundle build` numbers it
    expect(doc).toMatchObject({ base: baseSha, head: "working-tree", verdict: "unchanged", lastVersion: null, nextVersion: "0.1.0" });
    expect(Object.keys(doc.targets)).toEqual(["production", "staging", "development"]);
    expect(o.err).toBe("");
  });

  it("a raised limit in the working tree is loosened; --fail-on loosened exits 1", async () => {
    loosen();
    try {
      const o = io(repo);
      expect(await run(["diff", "--base", "HEAD", "--format", "json"], o)).toBe(0);
      const doc = JSON.parse(o.out);
      expect(doc.verdict).toBe("loosened");
      expect(doc.nextVersion).toBe("0.1.0");
      expect(doc.targets.production.verdict).toBe("loosened");
      expect(doc.targets.production.changes).toEqual([
        expect.objectContaining({
          kind: "access",
          path: "ResourceLimits.MaxTokens",
          verdict: "loosened",
          before: 10000,
          after: 99999,
          source: { before: [{ policy: "prod_access", file: PROD }], after: [{ policy: "prod_access", file: PROD }] },
        }),
      ]);
      expect(doc.targets.staging.verdict).toBe("unchanged");
      expect(await run(["diff", "--base", "HEAD", "--fail-on", "loosened"], io(repo))).toBe(1);
      expect(await run(["diff", "--base", "HEAD", "--fail-on", "tightened"], io(repo))).toBe(0);
      const text = io(repo);
      await run(["diff", "--base", baseSha, "--target", "production"], text);
      expect(text.out).toContain("production · access · ResourceLimits.MaxTokens: 10000 → 99999 (limit raised; policies/access/production.yaml)");
      expect(text.out).not.toContain("\x1b[");
    } finally {
      restore();
    }
  });

  it("compares two commits with --head and prints the PR comment with --format markdown", async () => {
    loosen();
    git(repo, "commit", "-q", "-am", "raise the token limit");
    try {
      const o = io(repo);
      expect(await run(["diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"], o)).toBe(0);
      expect(o.out.split("\n")[0]).toMatch(/^### 🔓 Policy loosened: 1 loosened · 1 target/);
      expect(o.out).toContain("| access `ResourceLimits.MaxTokens` | `10000` → `99999` | 🔓 loosened");
      expect(o.out).toContain("-    MaxTokens: 10000\n+    MaxTokens: 99999");
    } finally {
      git(repo, "reset", "-q", "--hard", baseSha);
    }
  });

  it("reads a repository in another folder with -C", async () => {
    const o = io(tmpdir());
    expect(await run(["diff", "-C", repo, "--base", "HEAD", "--format", "json"], o)).toBe(0);
    expect(JSON.parse(o.out).verdict).toBe("unchanged");
  });

  it("exits 2 with a clear message on an unknown ref, outside git, or an unknown target", async () => {
    const bad = io(repo);
    expect(await run(["diff", "--base", "no-such-ref"], bad)).toBe(2);
    expect(bad.err).toMatch(/^edict: unknown git revision "no-such-ref"/);

    const plain = mkdtempSync(join(tmpdir(), "edict-nogit-"));
    cpSync(join(root, "edict.yaml"), join(plain, "edict.yaml"));
    const outside = io(plain);
    expect(await run(["diff", "--base", "HEAD"], outside)).toBe(2);
    expect(outside.err).toContain("is not inside a git repository");

    const target = io(repo);
    expect(await run(["diff", "--base", "HEAD", "--target", "prod"], target)).toBe(2);
    expect(target.err).toContain('did you mean "production"?');

    const missing = io(repo);
    expect(await run(["diff"], missing)).toBe(2);
    expect(missing.err).toContain("--base");
  });

  it("a widened statement shows its newly allowed region; cut short by --max-regions it is review, not proven, and --fail-on loosened fails", async () => {
    const text = readFileSync(join(repo, PROD), "utf8");
    expect(text).toContain("Action: [file:Read, api:Get, db:Select]");
    writeFileSync(join(repo, PROD), text.replace("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, api:Get, db:Select, db:Insert]"));
    try {
      const o = io(repo);
      expect(await run(["diff", "--base", "HEAD", "--format", "json", "--target", "production"], o)).toBe(0);
      const t = JSON.parse(o.out).targets.production;
      expect(t.verdict).toBe("loosened");
      expect(t.proof).toMatchObject({ proven: true, complete: true, reasons: [] });
      expect(t.regions[0]).toMatchObject({ kind: "access", verdict: "loosened", before: "deny", after: "allow", where: { actions: "db:Insert" } });
      expect(t.newlyAllowed.every((r: { action: string }) => r.action === "db:Insert")).toBe(true);

      const cut = io(repo);
      expect(await run(["diff", "--base", "HEAD", "--format", "json", "--target", "production", "--max-regions", "0"], cut)).toBe(0);
      const c = JSON.parse(cut.out);
      expect(c.verdict).toBe("review");
      expect(c.targets.production.proof).toMatchObject({ proven: false, checked: 0 });
      expect(c.targets.production.changes.some((ch: { verdict: string; note?: string }) => ch.verdict === "review" && /^not proven: 0 of \d+ regions checked/.test(ch.note ?? ""))).toBe(true);
      const md = io(repo);
      await run(["diff", "--base", "HEAD", "--format", "markdown", "--max-regions", "0"], md);
      expect(md.out).toMatch(/not proven: 0 of \d+ regions checked/);
      expect(await run(["diff", "--base", "HEAD", "--max-regions", "0", "--fail-on", "loosened"], io(repo))).toBe(1);
      const bad = io(repo);
      expect(await run(["diff", "--base", "HEAD", "--max-regions", "many"], bad)).toBe(2);
      expect(bad.err).toContain("--max-regions takes a whole number");
    } finally {
      restore();
    }
  });

  it("a network appended to a long IpAddress list is shown, not cut off before it", async () => {
    const text = readFileSync(join(repo, PROD), "utf8");
    const list = "source.ip: [10.0.0.0/8, 172.16.0.0/12]";
    expect(text).toContain(list);
    writeFileSync(join(repo, PROD), text.replace(list, "source.ip: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]"));
    try {
      const o = io(repo);
      expect(await run(["diff", "--base", "HEAD", "--target", "production"], o)).toBe(0);
      const line = o.out.split("\n").find((l) => l.includes("Statement[prod_access:AllowReadOnlyFromOffice]"));
      expect(line).toMatch(/^ {2}production · access · Statement\[prod_access:AllowReadOnlyFromOffice\]: Condition\.IpAddress\.source\.ip: added 192\.168\.0\.0\/16 \(/);
      expect(line).not.toContain("…");
      const md = io(repo);
      await run(["diff", "--base", "HEAD", "--target", "production", "--format", "markdown"], md);
      expect(md.out).toContain("| access `Statement[prod_access:AllowReadOnlyFromOffice]` | Condition.IpAddress.source.ip: added `192.168.0.0/16` |");
    } finally {
      restore();
    }
  });

  it("a change to a shared policy seen identically in every target is shown once with its targets; JSON stays per target", async () => {
    const file = join(repo, RUNTIME);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("max_retries: 3");
    writeFileSync(file, text.replace("max_retries: 3", "max_retries: 5"));
    try {
      const o = io(repo);
      expect(await run(["diff", "--base", "HEAD", "--target", "production", "--target", "staging"], o)).toBe(0);
      expect(o.out.split("\n").filter((l) => l.includes("side_effects.max_retries"))).toEqual([
        "  targets: production, staging · runtime · side_effects.max_retries: 3 → 5 (limit raised; policies/runtime/agents.yaml)",
      ]);

      const md = io(repo);
      await run(["diff", "--base", "HEAD", "--target", "production", "--target", "staging", "--format", "markdown"], md);
      expect(md.out.split("\n").filter((l) => l.includes("side_effects.max_retries"))).toEqual([
        "| production, staging | runtime `side_effects.max_retries` | `3` → `5` | 🔓 loosened <sub>limit raised</sub> | `policies/runtime/agents.yaml` |",
      ]);
      expect(md.out).toContain("#### Changes in several targets\n\n| targets | field | change | verdict | set by |");

      const json = io(repo);
      await run(["diff", "--base", "HEAD", "--format", "json"], json);
      const doc = JSON.parse(json.out);
      for (const t of ["production", "staging", "development"]) {
        expect(doc.targets[t].changes).toEqual([expect.objectContaining({ kind: "runtime", path: "side_effects.max_retries", before: 3, after: 5, verdict: "loosened" })]);
      }
    } finally {
      git(repo, "checkout", "-q", "--", RUNTIME);
    }
  });

  it("has --help with examples", async () => {
    const o = io(repo);
    expect(await run(["diff", "--help"], o)).toBe(0);
    expect(o.out).toContain("--fail-on <verdict>");
    expect(o.out).toContain("Examples:");
    expect(o.out).toContain("git fetch --depth=1 origin <sha>");
    expect(o.out).toContain("--max-regions <n>");
    expect(o.out).toContain("never neutral");
  });
});

describe("edict diff and edict bundle build name the same next version", () => {
  /** A fresh git repository of the example, with one commit. */
  function exampleRepo(): string {
    const dir = mkdtempSync(join(tmpdir(), "edict-diff-version-"));
    for (const part of ["edict.yaml", "policies", ".edict", "packs"]) {
      if (existsSync(join(root, part))) cpSync(join(root, part), join(dir, part), { recursive: true });
    }
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "example");
    return dir;
  }

  /** Commits a tightening change: without a release a plain bump of 0.1.0 would say 1.0.0. */
  function tighten(dir: string): void {
    const text = readFileSync(join(dir, PROD), "utf8");
    writeFileSync(join(dir, PROD), text.replace("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, db:Select]"));
    git(dir, "commit", "-q", "-am", "no more api:Get from the office");
  }

  const env = { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) };

  async function nextOfDiff(dir: string): Promise<{ verdict: string; lastVersion: string | null; nextVersion: string }> {
    const o = io(dir, env);
    expect(await run(["diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json"], o), o.err).toBe(0);
    return JSON.parse(o.out);
  }

  async function build(dir: string, key: string, out = "dist", extra: string[] = []): Promise<{ version: string; tag: string }> {
    const o = io(dir, env);
    expect(await runCli(["bundle", "build", "--key", key, "--out", out, "--format", "json", ...extra], o), o.err).toBe(0);
    return JSON.parse(o.out);
  }

  /** A signing key (PKCS#8 PEM, as `edict keygen` writes), kept outside the repository. */
  function signingKey(): string {
    const file = join(mkdtempSync(join(tmpdir(), "edict-diff-key-")), "signer.key");
    writeFileSync(file, generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    return file;
  }

  it("the first release: edict.yaml's version (0.1.0), whatever the verdict", async () => {
    const dir = exampleRepo();
    tighten(dir);
    const diff = await nextOfDiff(dir);
    expect(diff.verdict).toBe("tightened");
    expect(diff).toMatchObject({ lastVersion: null, nextVersion: "0.1.0" });
    const built = await build(dir, signingKey());
    expect(built.version).toBe(diff.nextVersion);
    const text = io(dir, env);
    await run(["diff", "--base", "HEAD~1", "--head", "HEAD"], text);
    expect(text.out.split("\n")[0]).toMatch(/: tightened · next version 0\.1\.0 \(first release\)$/);
  });

  it("after release tags: the latest release bumped by the verdict, as a build continuing it says", async () => {
    const dir = exampleRepo();
    const key = signingKey();
    const first = await build(dir, key, "dist1");
    expect(first).toMatchObject({ version: "0.1.0", tag: "policy-v0.1.0" });
    git(dir, "tag", first.tag);
    git(dir, "tag", "policy-vnext"); // not a release: ignored

    const edit = (from: string, to: string, message: string) => {
      const text = readFileSync(join(dir, PROD), "utf8");
      expect(text).toContain(from);
      writeFileSync(join(dir, PROD), text.replace(from, to));
      git(dir, "commit", "-q", "-am", message);
    };
    edit("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, api:Get, db:Select, db:Insert]", "inserts from the office");
    const second = await nextOfDiff(dir);
    expect(second).toMatchObject({ verdict: "loosened", lastVersion: "0.1.0", nextVersion: "0.2.0" });
    const built2 = await build(dir, key, "dist2", ["--previous", "dist1/acme-policies.bundle.json", "--verdict", second.verdict]);
    expect(built2.version).toBe(second.nextVersion);
    git(dir, "tag", built2.tag);

    // bumping edict.yaml's 0.1.0 would say 0.2.0 again: the release line continues from 0.2.0
    edit("MaxTokens: 10000", "MaxTokens: 99999", "raise the token limit");
    const third = await nextOfDiff(dir);
    expect(third).toMatchObject({ verdict: "loosened", lastVersion: "0.2.0", nextVersion: "0.3.0" });
    const built3 = await build(dir, key, "dist3", ["--previous", "dist2/acme-policies.bundle.json", "--verdict", third.verdict]);
    expect(built3.version).toBe(third.nextVersion);
  });
});
