/**
 * A new user's first hour (issue 17): each stumble reproduced as it was met, through the CLI.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleGitRepo } from "../bundle/fixtures.js";
import { runIn } from "../helpers/cli.js";
import { copyExample, EXAMPLE_ROOT } from "../helpers/example.js";

const run = runIn;

function example(withTests = false): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-first-hour-"));
  copyExample(dir);
  if (withTests) cpSync(join(EXAMPLE_ROOT, "tests"), join(dir, "tests"), { recursive: true });
  return dir;
}

describe("lint paths that check nothing are usage errors", () => {
  it("a path that does not exist exits 2 and names it", async () => {
    const r = await run(EXAMPLE_ROOT, ["lint", "policies/nope.yaml"]);
    expect(r.code).toBe(2);
    expect(r.out).not.toMatch(/no problems/);
    expect(r.err).toBe("edict: policies/nope.yaml: no such file or folder\n");
  });
  it("a path that holds no policy file exits 2 and says so", async () => {
    const dir = example();
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "notes.md"), "# notes\n");
    const r = await run(dir, ["lint", "docs"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^edict: docs: holds no file edict lints/);
  });
  it("a real policy path still lints only that path", async () => {
    const r = await run(EXAMPLE_ROOT, ["lint", "policies", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.errors).toBe(0);
  });
  it("-o into a folder that does not exist yet creates it", async () => {
    const dir = example();
    const r = await run(dir, ["lint", "--format", "sarif", "-o", "reports/lint/edict.sarif"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "reports", "lint", "edict.sarif"), "utf8")).version).toBe("2.1.0");
  });
});

describe("edict test says why it failed", () => {
  it("below --threshold: prints the coverage and the threshold", async () => {
    const r = await run(example(true), ["test", "--coverage", "--threshold", "100"]);
    const m = /coverage: (\d+(?:\.\d+)?)%/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(100);
    expect(r.out).toContain(`coverage ${m![1]}% is below the threshold of 100%`);
    expect(r.code).toBe(1);
  });
  it("--threshold 150 is a usage error", async () => {
    const r = await run(example(true), ["test", "--threshold", "150"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--threshold takes a percentage from 0 to 100, got "150"');
  });
  it("a case with an unknown expect value is a failure with its position, and the count stays", async () => {
    const dir = example(true);
    const file = join(dir, "tests", "access.yaml");
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => /^\s+expect: deny\s*$/.test(l));
    expect(at).toBeGreaterThan(-1);
    lines[at] = lines[at]!.replace("expect: deny", "expect: denied");
    writeFileSync(file, lines.join("\n"));
    const r = await run(dir, ["test", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.problems).toEqual([]);
    const bad = report.results.filter((x: { passed: boolean }) => !x.passed);
    expect(bad).toHaveLength(1);
    expect(bad[0].expect).toBe("denied");
    const column = lines[at]!.indexOf("denied") + 1;
    expect(bad[0].error).toBe(`tests/access.yaml:${at + 1}:${column}: expect "denied" is not one of allow, deny, approval_required, mask, require_approval, escalate; did you mean "deny"?`);
    expect(report.summary.passed + report.summary.failed).toBe(report.results.length);
    const text2 = await run(dir, ["test"]);
    expect(text2.out).toMatch(/, 1 failed/);
  });
});

/** Runs the real CLI with its stdout closed before it writes. */
function closedStdout(args: string[], cwd: string): Promise<{ code: number | null; err: string }> {
  return new Promise((done) => {
    const c = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), join(EXAMPLE_ROOT, "src", "cli", "bin.ts"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    c.stdout.destroy();
    let err = "";
    c.stderr.on("data", (d) => (err += d));
    c.on("close", (code) => done({ code, err }));
  });
}

describe("a closed stdout ends the command quietly", () => {
  it("edict lint --format sarif | head -1", async () => {
    expect(await closedStdout(["lint", "--format", "sarif"], EXAMPLE_ROOT)).toEqual({ code: 0, err: "" });
  });
  it("edict help lint | head -3", async () => {
    expect(await closedStdout(["help", "lint"], EXAMPLE_ROOT)).toEqual({ code: 0, err: "" });
  });
  it("the exit code still tells findings", async () => {
    const dir = example();
    writeFileSync(join(dir, "policies", "broken.yaml"), "apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: broken, priority: 5 }\nspec: { Statement: 3 }\n");
    expect(await closedStdout(["lint"], dir)).toEqual({ code: 1, err: "" });
  });
});

describe("bundle build on an old commit", () => {
  it("refuses a bundle that is expired on arrival (exit 1), and SOURCE_DATE_EPOCH fixes it", async () => {
    const { dir } = exampleGitRepo("edict-old-commit-");
    const keys = mkdtempSync(join(tmpdir(), "edict-first-hour-keys-"));
    expect((await run(keys, ["keygen", "--out", join(keys, "k")])).code).toBe(0);
    const old = await run(dir, ["bundle", "build", "--key", join(keys, "k.key"), "--out", "out"]);
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/^edict: EXPIRED: refusing to write a bundle that is already expired: it expires at 2026-02-01T03:04:05Z, 30d after created_at 2026-01-02T03:04:05Z \(the commit time\)\. Sign it with the current time \(SOURCE_DATE_EPOCH=\$\(date \+%s\) edict bundle build …\), or re-sign the released bundle with the Action's refresh mode\n$/);
    expect(existsSync(join(dir, "out", "acme-policies.bundle.json"))).toBe(false);
    const now = await run(dir, ["bundle", "build", "--key", join(keys, "k.key"), "--out", "out"], { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) });
    expect(now.code, now.err).toBe(0);
    expect(existsSync(join(dir, "out", "acme-policies.bundle.json"))).toBe(true);
  });
});

describe("a key path where key text belongs", () => {
  it("EDICT_SIGNING_KEY=edict.key gets a hint", async () => {
    const { dir } = exampleGitRepo("edict-key-path-");
    for (const path of ["edict.key", "./keys/ci.key", "~/.config/edict/signing.key", "/etc/edict/signing.pem"]) {
      const r = await run(dir, ["bundle", "build", "--out", "out"], { EDICT_SIGNING_KEY: path, SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) });
      expect(r.code, path).toBe(2);
      expect(r.err, path).toContain(`(this looks like a file path, not a key: give the file's content, e.g. "$(cat ${path})", or pass the path itself with --key)`);
    }
  });
  it("real key text that is wrong gets no path hint", async () => {
    const { dir } = exampleGitRepo("edict-key-text-");
    const r = await run(dir, ["bundle", "build", "--out", "out"], { EDICT_SIGNING_KEY: "not a key at all", SOURCE_DATE_EPOCH: "1767323045" });
    expect(r.code).toBe(2);
    expect(r.err).not.toContain("file path");
  });
});

describe("messages say each thing once", () => {
  it("edict.yaml without targets", async () => {
    const dir = example();
    writeFileSync(join(dir, "edict.yaml"), "name: acme\n");
    const r = await run(dir, ["effective"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^edict: edict\.yaml: no targets defined: add one under `targets:`/);
  });
});

describe("edict with no arguments", () => {
  it("prints the commands and how to start, on stdout, and exits 0", async () => {
    const r = await run(EXAMPLE_ROOT, []);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^Usage: edict /);
    expect(r.out).toContain("Get started:\n  edict init my-policies");
    expect(r.out).toContain("70 a bug in edict");
  });
});

describe("bundle inspect", () => {
  it("labels its two sha256 values and shows examples in --help", async () => {
    const help = await run(EXAMPLE_ROOT, ["bundle", "inspect", "--help"]);
    expect(help.out).toContain("Examples:\n  edict bundle inspect dist/acme.bundle.json");
    const { dir } = exampleGitRepo("edict-inspect-");
    const keys = mkdtempSync(join(tmpdir(), "edict-first-hour-keys-"));
    expect((await run(keys, ["keygen", "--out", join(keys, "k")])).code).toBe(0);
    const now = String(Math.floor(Date.now() / 1000));
    expect((await run(dir, ["bundle", "build", "--key", join(keys, "k.key"), "--out", "out"], { SOURCE_DATE_EPOCH: now })).code).toBe(0);
    const r = await run(dir, ["bundle", "inspect", "out/acme-policies.bundle.json"]);
    expect(r.code).toBe(0);
    const sums = readFileSync(join(dir, "out", "acme-policies.bundle.json.sha256"), "utf8").split(" ")[0];
    expect(r.out).toContain(`file sha256  ${sums}  (of the .bundle.json file's bytes, as in its .sha256 checksum file)`);
    expect(r.out).toMatch(/digests {6}sha256 [0-9a-f]{64} {2}\(of the payload's targets, canonical JSON; signed\)/);
  });
});

describe("installation", () => {
  it("dist/cli.js is committed executable (git mode 100755) and starts with a node shebang", () => {
    const entry = execFileSync("git", ["ls-files", "-s", "dist/cli.js"], { cwd: EXAMPLE_ROOT, encoding: "utf8" });
    expect(entry).toMatch(/^100755 /);
    expect(statSync(join(EXAMPLE_ROOT, "dist", "cli.js")).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(EXAMPLE_ROOT, "dist", "cli.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const pkg = JSON.parse(readFileSync(join(EXAMPLE_ROOT, "package.json"), "utf8"));
    expect(pkg.bin).toEqual({ edict: "dist/cli.js" });
  });
});

describe("the example repository itself", () => {
  it("has a tests folder (the threshold tests above rely on it)", () => {
    expect(existsSync(join(EXAMPLE_ROOT, "tests", "access.yaml"))).toBe(true);
  });
});
