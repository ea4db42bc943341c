/**
 * Pack operations killed mid-way (issue 10, "no partial writes"). Each operation runs in
 * a child process that SIGKILLs itself right after mutating step k (a crash cannot run a finally
 * block or an undo). The parent then classifies the tree: byte-identical to the before- or the
 * after-state (a leftover `.edict/.pack-tmp-*` folder aside), or in between; and for every state
 * that is not exactly before or after, whether the next `edict pack verify`, `edict lint`, or a
 * second run of the same operation notices or repairs it.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { applyPlan, nodeFs, planInstall, planRemove, planUpgrade, readShippedPacks, recoverInterrupted } from "../../src/pack/index.js";
import type { PackFs, PackPlan } from "../../src/pack/index.js";
import { readRepository } from "../../src/io/read-repository.js";
import { NOW, packFiles, policy, snapshot, tempRepo, writeTree } from "../pack/fixtures.js";

const CHILD = join(import.meta.dirname, "fixtures", "pack-crash-child.ts");
const TEMP = /^\.edict\/\.pack-tmp-/;

type Op = "install" | "upgrade" | "remove";
type Repo = Awaited<ReturnType<typeof readRepository>>;
type Shipped = Awaited<ReturnType<typeof readShippedPacks>>;

const PLANNERS: Record<Op, (r: Repo, s: Shipped) => PackPlan> = {
  install: (r, s) => planInstall(r, s, "starter", { now: NOW }),
  upgrade: (r, s) => planUpgrade(r, s, "starter", { now: NOW }),
  remove: (r, s) => planRemove(r, s, "starter"),
};

async function planFor(root: string, op: Op): Promise<PackPlan> {
  return PLANNERS[op](await readRepository(root), await readShippedPacks(root));
}

async function installInto(root: string): Promise<void> {
  await applyPlan(root, await planFor(root, "install"));
}

/** The repository each operation starts from. */
const PREPARE: Record<Op, () => Promise<string>> = {
  install: async () => tempRepo({ ...packFiles("starter"), "policies/custom.yaml": policy("custom", 5) }, "edict-crash-"),
  upgrade: async () => {
    const root = tempRepo({ ...packFiles("starter"), "policies/custom.yaml": policy("custom", 5) }, "edict-crash-");
    await installInto(root);
    // 1.1.0 changes 01, drops 02 and adds 03: the upgrade replaces, removes and adds
    writeTree(root, packFiles("starter", { version: "1.1.0", policies: { "01_first.yaml": policy("starter_first", 111), "03_third.yaml": policy("starter_third", 130) } }));
    const { rmSync } = await import("node:fs");
    rmSync(join(root, "packs/starter/policies/02_second.yaml"));
    return root;
  },
  remove: async () => {
    const root = tempRepo({ ...packFiles("starter"), "policies/custom.yaml": policy("custom", 5) }, "edict-crash-");
    await installInto(root);
    return root;
  },
};

/** A file system that counts the mutating calls, like the child does. */
function counting(): PackFs & { steps: string[] } {
  const steps: string[] = [];
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const r = await fn(...a);
      steps.push(name);
      return r;
    };
  return {
    ...nodeFs,
    steps,
    mkdir: wrap("mkdir", nodeFs.mkdir),
    mkdtemp: wrap("mkdtemp", nodeFs.mkdtemp),
    writeFile: wrap("writeFile", nodeFs.writeFile),
    rename: wrap("rename", nodeFs.rename),
    unlink: wrap("unlink", nodeFs.unlink),
    rmdir: wrap("rmdir", nodeFs.rmdir),
  };
}

function serialise(plan: PackPlan): string {
  // `this[k]`, not `v`: a Buffer's toJSON has already run on `v`
  return JSON.stringify(plan, function (this: Record<string, unknown>, k: string, v: unknown) {
    const raw = this[k];
    return raw instanceof Uint8Array ? { $bytes: Buffer.from(raw).toString("base64") } : v;
  });
}

function runChild(root: string, planFile: string, killAt: number): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, root, planFile, String(killAt)], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** The tree without staging folders, and without `.edict/` itself when nothing else is in it (git keeps no empty folders). */
function withoutTemp(tree: Record<string, string>): Record<string, string> {
  const out = Object.fromEntries(Object.entries(tree).filter(([k]) => !TEMP.test(k)));
  if (!Object.keys(out).some((k) => k.startsWith(".edict/") && k !== ".edict/")) delete out[".edict/"];
  return out;
}

function same(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function silentIO(cwd: string): CliIO & { out: string; err: string } {
  const io = { out: "", err: "", isTTY: false, stderrIsTTY: false, env: {}, cwd } as CliIO & { out: string; err: string };
  io.stdout = (t) => void (io.out += t);
  io.stderr = (t) => void (io.err += t);
  return io;
}

type State = "before" | "after" | "before+leftover" | "after+leftover" | "in-between";

interface CrashResult {
  k: number;
  step: string;
  state: State;
  /** What differs from the nearer of before/after (in-between states only). */
  diff: string[];
  verifyExit: number;
  /** The tree after the next pack command's recovery step: "before", "after", or what differs. */
  recovered: string;
  lintErrors: number;
  lintRules: string[];
  /** A second run of the same operation: "after" when it ends in the after-state, else what happened. */
  retry: string;
}

function describeDiff(tree: Record<string, string>, ref: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(tree), ...Object.keys(ref)])) {
    if (TEMP.test(k) || k === ".edict/") continue;
    if (!(k in tree)) out.push(`missing ${k}`);
    else if (!(k in ref)) out.push(`extra ${k}`);
    else if (tree[k] !== ref[k]) out.push(`changed ${k}`);
  }
  return out.sort();
}

async function crashAll(op: Op): Promise<{ steps: string[]; results: CrashResult[] }> {
  const prepared = await PREPARE[op]();
  const plan = await planFor(prepared, op);
  const planFile = join(mkdtempSync(join(tmpdir(), "edict-crash-plan-")), "plan.json");
  writeFileSync(planFile, serialise(plan));
  const before = snapshot(prepared);

  // the after-state and the number of mutating steps, from one uninterrupted run
  const probeRoot = mkdtempSync(join(tmpdir(), "edict-crash-after-"));
  cpSync(prepared, probeRoot, { recursive: true });
  const probe = counting();
  await applyPlan(probeRoot, plan, { fs: probe });
  const after = snapshot(probeRoot);

  const crash = async (k: number): Promise<CrashResult> => {
    const root = mkdtempSync(join(tmpdir(), `edict-crash-${op}-${k}-`));
    cpSync(prepared, root, { recursive: true });
    const child = await runChild(root, planFile, k);
    expect(child.signal, `step ${k}: ${child.stderr}`).toBe("SIGKILL");
    const tree = snapshot(root);
    const clean = withoutTemp(tree);
    // a staging folder is a leftover; an empty .edict/ created for it is not worth reporting
    const leftover = Object.keys(tree).some((k) => TEMP.test(k));
    let state: State = "in-between";
    if (same(clean, withoutTemp(before))) state = leftover ? "before+leftover" : "before";
    else if (same(clean, withoutTemp(after))) state = leftover ? "after+leftover" : "after";
    const diff = state === "in-between" ? describeDiff(tree, describeDiff(tree, before).length <= describeDiff(tree, after).length ? before : after) : [];

    // what the next pack command sees after its recovery step (on a copy: the rest reads `root`)
    const recoveredRoot = mkdtempSync(join(tmpdir(), `edict-crash-recovered-${op}-${k}-`));
    cpSync(root, recoveredRoot, { recursive: true });
    await recoverInterrupted(recoveredRoot);
    const recoveredTree = snapshot(recoveredRoot);
    // no staging folder may remain (an empty .edict/ made for one is harmless, as above)
    const noStaging = !Object.keys(recoveredTree).some((key) => TEMP.test(key));
    const recoveredClean = withoutTemp(recoveredTree);
    const recovered = !noStaging ? "a staging folder is left" : same(recoveredClean, withoutTemp(before)) ? "before" : same(recoveredClean, withoutTemp(after)) ? "after" : `in-between: ${describeDiff(recoveredTree, after).join(", ")}`;

    const verifyIO = silentIO(root);
    const verifyExit = await runCli(["pack", "verify", "-C", root, "--format", "json"], verifyIO);
    const lintIO = silentIO(root);
    await runCli(["lint", "-C", root, "--format", "json"], lintIO);
    const lint = JSON.parse(lintIO.out) as { findings: Array<{ rule: string; severity: string }>; summary: { errors: number } };

    let retry: string;
    try {
      await applyPlan(root, await planFor(root, op));
      retry = same(withoutTemp(snapshot(root)), withoutTemp(after)) ? "after" : `ends elsewhere: ${describeDiff(snapshot(root), after).join(", ")}`;
    } catch (e) {
      retry = `refused: ${(e as Error).message.split("\n")[0]!.slice(0, 160)}`;
    }
    return {
      k,
      step: probe.steps[k - 1]!,
      state,
      diff,
      verifyExit,
      lintErrors: lint.summary.errors,
      lintRules: [...new Set(lint.findings.filter((f) => f.severity === "error").map((f) => f.rule))],
      retry,
      recovered,
    };
  };

  // two children at a time: the machine has two cores. After the last rename only cleanup is
  // left (unlinking backups, removing the staging folder): the first and the last such step stand
  // for the rest.
  const results: CrashResult[] = [];
  const lastRename = probe.steps.lastIndexOf("rename") + 1;
  const ks = Array.from({ length: probe.steps.length }, (_, i) => i + 1).filter((k) => k <= lastRename + 1 || k === probe.steps.length);
  for (let i = 0; i < ks.length; i += 2) results.push(...(await Promise.all(ks.slice(i, i + 2).map(crash))));
  return { steps: probe.steps, results };
}

/** In-between crash points that neither `pack verify` nor `lint` reports and a second run does not repair. */
function silentInBetween(results: readonly CrashResult[]): string[] {
  return results
    .filter((r) => r.state === "in-between" && r.verifyExit === 0 && r.lintErrors === 0 && r.retry !== "after")
    .map((r) => `step ${r.k} (${r.step}): [${r.diff.join(", ")}]; verify exit 0, lint clean, retry ${r.retry}`);
}

/** Crash points that leave a `.edict/.pack-tmp-*` folder nobody reports and the next run does not remove. */
function unreportedLeftovers(results: readonly CrashResult[]): string[] {
  return results.filter((r) => r.state.endsWith("leftover") && r.verifyExit === 0 && r.lintErrors === 0).map((r) => `step ${r.k} (${r.step}): ${r.state}`);
}

function table(results: readonly CrashResult[]): string {
  return results.map((r) => `  ${r.k}\t${r.step}\t${r.state}\tverify=${r.verifyExit}\tlint=${r.lintErrors}${r.lintRules.length ? ` (${r.lintRules.join(",")})` : ""}\tretry=${r.retry}${r.diff.length ? `\n\t\t${r.diff.join(", ")}` : ""}`).join("\n");
}

const outcomes = {} as Record<Op, { steps: string[]; results: CrashResult[] }>;

beforeAll(async () => {
  for (const op of ["install", "upgrade", "remove"] as const) outcomes[op] = await crashAll(op);
  if (process.env.EDICT_CRASH_TABLE) for (const op of ["install", "upgrade", "remove"] as const) process.stdout.write(`${op}:\n${table(outcomes[op].results)}\n`);
}, 120_000);

describe.each(["install", "upgrade", "remove"] as const)("pack %s killed after every mutating step", (op) => {
  it("crashes at every step, and the last step leaves exactly the after-state", () => {
    const { steps, results } = outcomes[op];
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(results.map((r) => r.k)).toContain(steps.length);
    expect(results.at(-1)!.state).toBe("after");
  });

  it("a crash before the first rename into place leaves the before-state (plus a leftover staging folder)", () => {
    const { steps, results } = outcomes[op];
    const firstRename = steps.indexOf("rename");
    for (const r of results.filter((x) => x.k <= firstRename)) expect(["before", "before+leftover"], table([r])).toContain(r.state);
  });

  it("a crash after the last rename leaves the after-state (plus a leftover staging folder)", () => {
    const { steps, results } = outcomes[op];
    const lastRename = steps.lastIndexOf("rename") + 1;
    for (const r of results.filter((x) => x.k >= lastRename)) expect(["after", "after+leftover"], table([r])).toContain(r.state);
  });
});

// A crash (SIGKILL, OOM, power loss) runs no undo step: the state file is therefore replaced in
// one rename as the very last step, and `pack verify` reports a staging folder left behind.
describe("pack crash consistency", () => {
  // The journal makes every crash point recoverable: the next pack command rolls an unfinished
  // run back (or, past the state rename, finishes it), so the repository is before or after.
  it.each(["install", "upgrade", "remove"] as const)("%s: after the next command's recovery the repository is exactly before or after, at every crash point", (op) => {
    const bad = outcomes[op].results.filter((r) => r.recovered !== "before" && r.recovered !== "after").map((r) => `step ${r.k} (${r.step}): ${r.recovered}`);
    expect(bad).toEqual([]);
    const rename = outcomes[op].steps.indexOf("rename");
    expect(outcomes[op].results.filter((r) => r.k <= rename).every((r) => r.recovered === "before")).toBe(true);
    expect(outcomes[op].results.at(-1)!.recovered).toBe("after");
  });

  // install, killed after some files were renamed in and before the state: lint reports the
  // files (file-not-named-after-pack, "no installed pack owns it"), so the user is told.
  it("install: every crash while files are moved is reported by `pack verify` or `lint`, or repaired by running again", () => {
    expect(silentInBetween(outcomes.install.results)).toEqual([]);
  });

  // upgrade, killed after `.edict/packs.yaml` was moved into the staging folder and before the new
  // state was renamed in: starter's files and the state are gone, so the repository looks as if
  // the pack had never been installed. `pack verify` exits 0, lint is clean, and `pack upgrade`
  // says "not installed": the pack's policies silently drop out of the effective policy.
  it("upgrade: no crash point silently uninstalls the pack", () => {
    expect(silentInBetween(outcomes.upgrade.results)).toEqual([]);
  });

  // remove, killed after the state was moved away: the files are removed but there is no
  // `.edict/packs.yaml` at all (the after-state has `installed_packs: {}`); nothing notices.
  it("remove: no crash point leaves the repository without its state file unnoticed", () => {
    expect(silentInBetween(outcomes.remove.results)).toEqual([]);
  });

  // Every crash leaves `.edict/.pack-tmp-*` (staged files or backups of policies) forever: no
  // command reports it and the next operation makes a new one beside it.
  it.each(["install", "upgrade", "remove"] as const)("%s: a leftover staging folder is reported or cleaned up", (op) => {
    expect(unreportedLeftovers(outcomes[op].results)).toEqual([]);
  });
});
