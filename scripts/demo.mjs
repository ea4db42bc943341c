// The quickstart's main job on the embedded example repository: what the Action does on a pull
// request and on merge, then what a service does at runtime. Uses the committed dist/cli.js.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { devNull, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "edict-demo-"));
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

/** Ends the demo with `code`, removing the temporary folder first (process.exit skips `finally`). */
function fail(code) {
  rmSync(work, { recursive: true, force: true });
  process.exit(code);
}

function step(title, args, { allowFail = false, head = 0, pick, env } = {}) {
  process.stdout.write(`\n${bold(`$ edict ${args.join(" ")}`)}\n# ${title}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", ...(env ? { env } : {}) });
  const out = (r.stdout ?? "") + (r.stderr ?? "");
  const lines = out.split("\n");
  process.stdout.write(head ? lines.slice(0, head).join("\n") + "\n  …\n" : pick ? lines.filter((l) => pick.test(l)).join("\n") + "\n" : out);
  if (r.status !== 0 && !allowFail) fail(r.status ?? 1);
  return r;
}

// git for the throwaway copy: no system or global config (so no global hooks, templates or signing),
// and no GIT_DIR/GIT_WORK_TREE inherited from a caller that could point it at another repository.
const gitEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_"))),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: devNull,
  GIT_TERMINAL_PROMPT: "0",
};
const gitConfig = ["-c", `core.hooksPath=${devNull}`, "-c", "commit.gpgsign=false", "-c", "user.name=edict demo", "-c", "user.email=demo@example.invalid", "-c", "init.defaultBranch=main"];

function git(cwd, ...args) {
  const r = spawnSync("git", [...gitConfig, ...args], { cwd, encoding: "utf8", env: gitEnv });
  if (r.status !== 0) {
    process.stderr.write(`demo: git ${args.join(" ")} failed: ${(r.error?.message ?? r.stderr ?? "").trim()}\n`);
    fail(1);
  }
}

/**
 * A throwaway git copy of the example policy repository with one committed base and one
 * uncommitted loosening edit: the read-only production statement also allows db:Insert.
 */
function loosenedCopy(dir) {
  for (const part of ["edict.yaml", ".edict", "policies", "packs", "tests"]) {
    if (existsSync(join(root, part))) cpSync(join(root, part), join(dir, part), { recursive: true });
  }
  git(dir, "init", "-q", "--template=");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "--no-verify", "-m", "base: the example policy repository");
  const file = join(dir, "policies", "access", "production.yaml");
  const before = readFileSync(file, "utf8");
  const after = before.replace("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, api:Get, db:Select, db:Insert]");
  if (after === before) {
    process.stderr.write("demo: policies/access/production.yaml no longer has the read statement the demo edits\n");
    fail(1);
  }
  writeFileSync(file, after);
}

const key = join(work, "demo");
const out = join(work, "out");
const bundle = join(out, "acme-policies.bundle.json");
try {
  step("1. lint every policy, pack and edict.yaml (exact file:line:col on problems)", ["lint"]);
  step("2. run the policy test cases in tests/ with coverage", ["test", "--coverage"], { pick: /passed|coverage:/ });
  step("3. the effective policy production sees (first lines)", ["effective", "--target", "production"], { head: 14 });
  const copy = join(work, "repo");
  loosenedCopy(copy);
  step(
    "3b. the semantic diff of a change the demo makes in a throwaway copy: db:Insert added to the read-only production statement (what the PR comment shows)",
    ["diff", "--base", "HEAD", "-C", copy],
    { allowFail: true, env: gitEnv },
  );
  step("4. a throwaway signing key (the Action takes yours from a secret)", ["keygen", "--out", key]);
  step("5. build and sign the bundle (canonical JSON, DSSE, Ed25519)", ["bundle", "build", "--key", `${key}.key`, "--out", out, "--allow-dirty"]);
  step("6. verify it as a runtime would", ["bundle", "verify", bundle, "--key", `${key}.pub`]);
  step("7. a decision from the verified bundle: reads from the office network", ["eval", "--bundle", bundle, "--key", `${key}.pub`, "-t", "production", "-a", "db:Select", "-r", "db://production/users", "-c", "source.ip=10.0.0.5"]);
  step("8. and a destructive action, denied", ["eval", "--bundle", bundle, "--key", `${key}.pub`, "-t", "production", "-a", "db:Delete", "-r", "db://production/users"]);
  step("9. an agent manifest that would be refused in production", ["check-agent", "agents/ops-bot.yaml", "-t", "production"], { allowFail: true });
  process.stdout.write(`\n${bold("$ node scripts/demo-loader.mjs")}\n# 10. a service loads the bundle with edict/loader over HTTP and answers decisions\n`);
  const loaded = spawnSync(process.execPath, [join(root, "scripts", "demo-loader.mjs"), bundle, `${key}.pub`], { cwd: root, stdio: "inherit" });
  if (loaded.status !== 0) fail(loaded.status ?? 1);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`\n${bold("done:")} lint, tests, effective policy, semantic diff, signed bundle, verified decisions, runtime loader.\n`);
