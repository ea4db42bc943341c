/** `edict pack list|install|upgrade|remove|verify`: manage the policy packs of a repository. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import {
  applyPlan,
  computeDrift,
  describePlan,
  isNoopPlan,
  listPacks,
  packsSourceOf,
  parsePackRequest,
  planInstall,
  planRemove,
  planUpgrade,
  planUpgradeAll,
  readShippedPacks,
  recoverInterrupted,
  STAGING_PREFIX,
  verifyInstalled,
  worldOf,
} from "../../pack/index.js";
import type { PackFs, PackPlan, PackWorld, ShippedPacks } from "../../pack/index.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, rootOption } from "../options.js";
import { openRepository, repositoryRoot } from "../repository.js";

const FORMATS = ["text", "json"] as const;
type PackFormat = (typeof FORMATS)[number];

/** What tests replace: the clock that stamps installed_at, and the file system writes go through. */
export interface PackCommandDeps {
  now?: () => Date;
  fs?: PackFs;
}

interface Opened {
  root: string;
  world: PackWorld;
  shipped: ShippedPacks;
}

async function open(io: CliIO, rootOption: string | undefined): Promise<Opened> {
  const { root, repo } = await openRepository(io, rootOption);
  const shipped = await readShippedPacks(root, packsSourceOf(repo));
  return { root, world: worldOf(repo), shipped };
}

function warnInvalidPacks(io: CliIO, shipped: ShippedPacks): void {
  const broken = new Set(shipped.problems.filter((p) => p.code !== "schema" && p.code !== "source").map((p) => p.pack));
  for (const name of [...broken].sort()) io.stderr(`edict: warning: ${shipped.source ?? "packs"}/${name} is not a valid pack; run \`edict lint\` to see why\n`);
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + " ".repeat(n - s.length);
}

async function listCommand(io: CliIO, opts: { root?: string; format: PackFormat }): Promise<number> {
  const { world, shipped } = await open(io, opts.root);
  const rows = listPacks(world.state, shipped.packs, world.policyFiles);
  if (opts.format === "json") {
    io.stdout(JSON.stringify({ packs: rows }, null, 2) + "\n");
    return EXIT.OK;
  }
  warnInvalidPacks(io, shipped);
  if (rows.length === 0) {
    io.stdout(`no packs: nothing shipped in ${shipped.source ?? "packs"}/ and nothing installed\n`);
    return EXIT.OK;
  }
  const w = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  let out = `${pad("NAME", w)}${pad("LAYER", 12)}${pad("SHIPPED", 10)}${pad("INSTALLED", 11)}STATUS\n`;
  for (const r of rows) out += `${pad(r.name, w)}${pad(r.layer, 12)}${pad(r.shipped ?? "-", 10)}${pad(r.installed ?? "-", 11)}${r.status}\n`;
  const drift = computeDrift(world.state, shipped.packs, world.policyFiles);
  if (drift.length > 0) out += "\n" + drift.map((d) => d.message).join("\n") + "\n";
  io.stdout(out);
  return EXIT.OK;
}

async function carryOut(io: CliIO, root: string, plan: PackPlan, dryRun: boolean, deps: PackCommandDeps): Promise<number> {
  if (dryRun || isNoopPlan(plan)) {
    io.stdout(describePlan(plan, { dryRun }));
    return EXIT.OK;
  }
  const result = await applyPlan(root, plan, deps.fs ? { fs: deps.fs } : {});
  io.stdout(describePlan(plan, { dryRun: false }));
  for (const w of result.warnings) io.stderr(`edict: warning: ${w}\n`);
  return EXIT.OK;
}

interface ChangeOptions {
  root?: string;
  dryRun?: boolean;
  force?: boolean;
}

/** Rolls back (or finishes) a pack operation that was killed part-way, before starting a new one. */
async function recover(io: CliIO, opts: { root?: string; dryRun?: boolean }): Promise<void> {
  if (opts.dryRun) return;
  for (const line of await recoverInterrupted(repositoryRoot(io, opts.root))) io.stderr(`edict: ${line}\n`);
}

/** Staging folders an interrupted pack operation left in .edict/ (a crash cannot clean up). */
async function leftoverStaging(root: string): Promise<string[]> {
  try {
    return (await readdir(join(root, ".edict"))).filter((n) => n.startsWith(STAGING_PREFIX)).map((n) => `.edict/${n}`).sort();
  } catch {
    return [];
  }
}

async function verifyCommand(io: CliIO, opts: { root?: string; format: PackFormat }): Promise<number> {
  const { root, world, shipped } = await open(io, opts.root);
  const report = verifyInstalled(world, shipped);
  const leftovers = await leftoverStaging(root);
  const ok = report.ok && leftovers.length === 0;
  if (opts.format === "json") {
    io.stdout(JSON.stringify({ ...report, ok, leftovers }, null, 2) + "\n");
    return ok ? EXIT.OK : EXIT.FINDINGS;
  }
  let out = "";
  if (report.packs.length === 0) out += "no packs installed\n";
  for (const p of report.packs) {
    const entry = world.state.installed_packs?.[p.name];
    out += `${p.ok ? "✓" : "✗"} ${p.name} v${p.version}${entry?.pack_checksum ? ` (${entry.pack_checksum})` : ""}\n`;
    for (const problem of p.problems) out += `    ✗ ${problem}\n`;
    for (const warning of p.warnings) out += `    ${warning.startsWith("⚠") ? "" : "⚠ "}${warning}\n`;
  }
  for (const u of report.unowned) out += `⚠ ${u} is named like a pack file but no installed pack owns it\n`;
  for (const l of leftovers) out += `✗ ${l} was left by an interrupted pack operation: check the files above (run the operation again if one differs), then delete the folder\n`;
  out += ok ? "all installed pack files match their recorded checksums\n" : "verification failed: restore the files with `edict pack upgrade <pack> --force`, or fix .edict/packs.yaml\n";
  io.stdout(out);
  return ok ? EXIT.OK : EXIT.FINDINGS;
}

function configure(cmd: Command, io: CliIO): Command {
  return cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) });
}

export function registerPack(program: Command, io: CliIO, setExit: (code: number) => void, deps: PackCommandDeps = {}): void {
  const now = deps.now ?? (() => new Date());
  const pack = program
    .command("pack")
    .description("list, install, upgrade, remove and verify policy packs (packs/<name>/ → policies/<pack>__NN__<slug>.yaml)")
    .addHelpText(
      "after",
      "\nExamples:\n  edict pack list\n  edict pack install starter\n  edict pack install financial_compliance@^1.0.0 --dry-run\n  edict pack upgrade\n  edict pack remove hipaa\n  edict pack verify\n",
    );

  configure(
    pack
      .command("list")
      .description("list shipped and installed packs with their status (ok, outdated, modified, not-installed) and drift")
      .addOption(rootOption())
      .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
      .addHelpText("after", "\nExamples:\n  edict pack list\n  edict pack list --format json | jq '.packs[] | select(.status != \"ok\")'\n")
      .action(async (opts: { root?: string; format: PackFormat }) => setExit(await listCommand(io, opts))),
    io,
  );

  configure(
    pack
      .command("install")
      .description("install a shipped pack: copy its policies to policies/<pack>__NN__<slug>.yaml and record them in .edict/packs.yaml")
      .argument("<name>", "pack name, optionally with a semver range the shipped version must satisfy: starter or starter@^1.0.0")
      .addOption(rootOption())
      .option("--dry-run", "print the files and state changes without writing anything")
      .option("--force", "overwrite existing files the pack does not own")
      .addHelpText(
        "after",
        "\nDependencies are never installed automatically: install them first.\n\nExamples:\n  edict pack install starter\n  edict pack install ai_safety --dry-run\n  edict pack install financial_compliance@^1.0.0\n",
      )
      .action(async (name: string, opts: ChangeOptions) => {
        await recover(io, opts);
        const { root, world, shipped } = await open(io, opts.root);
        const plan = planInstall(world, shipped, parsePackRequest(name), { force: opts.force ?? false, now: now() });
        setExit(await carryOut(io, root, plan, opts.dryRun ?? false, deps));
      }),
    io,
  );

  configure(
    pack
      .command("upgrade")
      .description("reinstall a pack (or every outdated pack) from the shipped version, replacing only the files it owns")
      .argument("[name]", "pack to upgrade; default: every outdated pack, dependencies first")
      .addOption(rootOption())
      .option("--dry-run", "print the files and state changes without writing anything")
      .option("--force", "overwrite files edited by hand, or existing files the pack does not own; with an up-to-date pack, restore its files")
      .addHelpText("after", "\nExamples:\n  edict pack upgrade --dry-run\n  edict pack upgrade starter\n  edict pack upgrade starter --force   # discard hand edits in starter's files\n")
      .action(async (name: string | undefined, opts: ChangeOptions) => {
        await recover(io, opts);
        const { root, world, shipped } = await open(io, opts.root);
        const options = { force: opts.force ?? false, now: now() };
        const plan = name === undefined ? planUpgradeAll(world, shipped, options) : planUpgrade(world, shipped, name, options);
        setExit(await carryOut(io, root, plan, opts.dryRun ?? false, deps));
      }),
    io,
  );

  configure(
    pack
      .command("remove")
      .description("remove an installed pack: delete only its tracked files and its state entry")
      .argument("<name>", "installed pack")
      .addOption(rootOption())
      .option("--dry-run", "print the files and state changes without writing anything")
      .option("--force", "remove tracked files even when they were edited by hand")
      .addHelpText("after", "\nRefused while another installed pack depends on it.\n\nExamples:\n  edict pack remove hipaa --dry-run\n  edict pack remove hipaa\n")
      .action(async (name: string, opts: ChangeOptions) => {
        await recover(io, opts);
        const { root, world, shipped } = await open(io, opts.root);
        const plan = planRemove(world, shipped, name, { force: opts.force ?? false });
        setExit(await carryOut(io, root, plan, opts.dryRun ?? false, deps));
      }),
    io,
  );

  configure(
    pack
      .command("verify")
      .description("check installed pack files against their recorded sha256 and pack checksums; exit 1 on any mismatch")
      .addOption(rootOption())
      .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
      .addHelpText("after", "\nExamples:\n  edict pack verify\n  edict pack verify --format json\n")
      .action(async (opts: { root?: string; format: PackFormat }) => setExit(await verifyCommand(io, opts))),
    io,
  );
}
