/**
 * `edict pack list|install|outdated|upgrade|remove|verify`: manage the policy packs of a
 * repository, from its pack sources (the repository's own folder, edict.yaml's packs.sources,
 * the built-in library).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import semver from "semver";
import { shouldUseColor } from "../../lint/reporters/index.js";
import type { Repository } from "../../model/repository.js";
import {
  applyPlan,
  describePlan,
  formatOutdated,
  isNoopPlan,
  planRemove,
  recoverInterrupted,
  STAGING_PREFIX,
  verifyInstalled,
  worldOf,
} from "../../pack/index.js";
import type { PackFs, PackPlan } from "../../pack/index.js";
import { listSourcedPacks } from "../../pack/drift.js";
import { planSourcedInstall, planSourcedReinstall } from "../../pack/install.js";
import { fetchInstalled, readOffers } from "../../pack/sourced.js";
import { packSourcesOf } from "../../pack/sources/index.js";
import type { PackSource } from "../../pack/sources/types.js";
import { outdatedOf, planSourcedUpgrade } from "../../pack/upgrades.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, rootOption } from "../options.js";
import { openRepository, repositoryRoot } from "../repository.js";

const FORMATS = ["text", "json"] as const;
type PackFormat = (typeof FORMATS)[number];

/** What tests replace: the clock that stamps installed_at, the file system writes go through, and the pack sources. */
export interface PackCommandDeps {
  now?: () => Date;
  fs?: PackFs;
  /** The sources of a repository, in search order (default: packSourcesOf). */
  sources?: (repo: Repository, root: string, io: CliIO) => PackSource[];
}

interface Opened {
  root: string;
  repo: Repository;
  sources: PackSource[];
}

function sourcesOf(deps: PackCommandDeps, repo: Repository, root: string, io: CliIO): PackSource[] {
  return deps.sources ? deps.sources(repo, root, io) : packSourcesOf(repo, root, { env: io.env });
}

async function open(io: CliIO, rootOption: string | undefined, deps: PackCommandDeps): Promise<Opened> {
  const { root, repo } = await openRepository(io, rootOption);
  return { root, repo, sources: sourcesOf(deps, repo, root, io) };
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + " ".repeat(n - s.length);
}

async function listCommand(io: CliIO, opts: { root?: string; format: PackFormat }, deps: PackCommandDeps): Promise<number> {
  const { repo, sources } = await open(io, opts.root, deps);
  const world = worldOf(repo);
  const offers = await readOffers(sources, { lenient: true });
  const installed = await fetchInstalled(sources, world.state);
  const changed = new Set([...installed.unavailable].filter(([, u]) => u.failure).map(([n]) => n));
  const rows = listSourcedPacks(world.state, offers.sources, world.policyFiles, changed);
  for (const u of offers.unreachable) io.stderr(`edict: warning: pack source ${u.source} cannot be read: ${u.message}\n`);
  if (opts.format === "json") {
    io.stdout(JSON.stringify({ packs: rows }, null, 2) + "\n");
    return EXIT.OK;
  }
  if (rows.length === 0) {
    io.stdout("no packs: no source offers any and nothing is installed\n");
    return EXIT.OK;
  }
  const layers = new Map(offers.sources.flatMap((s) => s.offers.map((o) => [o.name, o.layer] as const)).reverse());
  const w = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  const sw = Math.max(6, ...rows.map((r) => r.source.length)) + 2;
  let out = `${pad("NAME", w)}${pad("LAYER", 12)}${pad("SOURCE", sw)}${pad("LATEST", 10)}${pad("INSTALLED", 11)}STATUS\n`;
  const drift: string[] = [];
  for (const r of rows) {
    const own = r.available.filter((a) => a.source === r.source && semver.valid(a.version) !== null).map((a) => a.version);
    const latest = own.sort(semver.rcompare)[0] ?? "-";
    const layer = world.state.installed_packs?.[r.name]?.layer ?? layers.get(r.name) ?? "-";
    out += `${pad(r.name, w)}${pad(layer, 12)}${pad(r.source, sw)}${pad(latest, 10)}${pad(r.installed ?? "-", 11)}${r.status}\n`;
    if (r.installed !== null && r.status === "outdated" && latest !== r.installed && latest !== "-") drift.push(formatOutdated(r.name, r.installed, latest));
  }
  for (const [name, u] of installed.unavailable) drift.push(`⚠ ${u.failure ? "" : `${name}: `}${u.message}`);
  if (drift.length > 0) out += "\n" + drift.join("\n") + "\n";
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

async function verifyCommand(io: CliIO, opts: { root?: string; format: PackFormat }, deps: PackCommandDeps): Promise<number> {
  const { root, repo, sources } = await open(io, opts.root, deps);
  const world = worldOf(repo);
  const installed = await fetchInstalled(sources, world.state);
  const report = verifyInstalled(world, installed.context, installed.unavailable);
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
  out += ok ? "all installed pack files match their recorded checksums\n" : "verification failed: restore the files with `edict pack install` (or `edict pack upgrade <pack> --force`), or fix .edict/packs.yaml\n";
  io.stdout(out);
  return ok ? EXIT.OK : EXIT.FINDINGS;
}

interface InstallOptions extends ChangeOptions {
  /** commander's --no-deps: false when given. */
  deps?: boolean;
  allowDowngrade?: boolean;
}

/** `edict pack install [NAME[@RANGE]]`: resolve from the sources and install, or reinstall what the state lists. */
async function installCommand(io: CliIO, name: string | undefined, opts: InstallOptions, deps: PackCommandDeps, now: () => Date): Promise<number> {
  await recover(io, opts);
  const { root, repo, sources } = await open(io, opts.root, deps);
  const base = { root, repo, sources, now: now(), force: opts.force ?? false };
  const plan =
    name === undefined
      ? await planSourcedReinstall(base)
      : await planSourcedInstall(name, { ...base, noDeps: opts.deps === false, allowDowngrade: opts.allowDowngrade ?? false });
  return carryOut(io, root, plan, opts.dryRun ?? false, deps);
}

interface UpgradeCommandOptions extends ChangeOptions {
  latest?: boolean;
}

/** `edict pack upgrade [NAME] [--latest]`: the effective-policy diff of the upgrade, then the upgrade. */
async function upgradeCommand(io: CliIO, name: string | undefined, opts: UpgradeCommandOptions, deps: PackCommandDeps, now: () => Date): Promise<number> {
  await recover(io, opts);
  const { root, repo, sources } = await open(io, opts.root, deps);
  const proposal = await planSourcedUpgrade({
    root,
    repo,
    sources,
    now: now(),
    ...(name !== undefined ? { name } : {}),
    ...(opts.latest ? { latest: true } : {}),
    force: opts.force ?? false,
    color: shouldUseColor({ isTTY: io.isTTY }, io.env),
  });
  if (!isNoopPlan(proposal.plan)) io.stdout(`${proposal.text}${proposal.text.endsWith("\n") ? "" : "\n"}\n`);
  return carryOut(io, root, proposal.plan, opts.dryRun ?? false, deps);
}

function configure(cmd: Command, io: CliIO): Command {
  return cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) });
}

export function registerPack(program: Command, io: CliIO, setExit: (code: number) => void, deps: PackCommandDeps = {}): Command {
  const now = deps.now ?? (() => new Date());
  const pack = program
    .command("pack")
    .description("list, install, upgrade, remove and verify policy packs from the repository's packs/, edict.yaml's packs.sources and the built-in library")
    .addHelpText(
      "after",
      "\nExamples:\n  edict pack list\n  edict pack install hipaa                 # with starter, its dependency\n  edict pack install financial_compliance@^1.0.0 --dry-run\n  edict pack install                       # reinstall exactly what .edict/packs.yaml lists\n  edict pack outdated\n  edict pack upgrade\n  edict pack remove hipaa\n  edict pack verify\n",
    );

  configure(
    pack
      .command("list")
      .description("list the packs every source offers and the installed ones, with their status (ok, outdated, modified, not-installed)")
      .addOption(rootOption())
      .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
      .addHelpText("after", "\nExamples:\n  edict pack list\n  edict pack list --format json | jq '.packs[] | select(.status != \"ok\")'\n")
      .action(async (opts: { root?: string; format: PackFormat }) => setExit(await listCommand(io, opts, deps))),
    io,
  );

  configure(
    pack
      .command("install")
      .description("install a pack with its dependencies (the highest version satisfying the range, from the first source that has it); without a name, reinstall exactly what .edict/packs.yaml lists")
      .argument("[name]", "pack name, optionally with a semver range: starter or starter@^1.0.0")
      .addOption(rootOption())
      .option("--no-deps", "do not install missing dependencies: refuse instead")
      .option("--allow-downgrade", "install a version lower than the installed one")
      .option("--dry-run", "print the files and state changes without writing anything")
      .option("--force", "overwrite existing files the pack does not own, or files edited by hand")
      .addHelpText(
        "after",
        "\nSources are searched in order: the repository's packs/, edict.yaml's packs.sources, the\nbuilt-in library. Dependencies are installed first, in layer order; a conflict is refused\nwith the chain of requirements.\n\nExamples:\n  edict pack install starter\n  edict pack install hipaa --dry-run\n  edict pack install financial_compliance@^1.0.0\n  edict pack install          # after a clone: the packs the state lists, at their pins\n",
      )
      .action(async (name: string | undefined, opts: InstallOptions) => setExit(await installCommand(io, name, opts, deps, now))),
    io,
  );

  configure(
    pack
      .command("outdated")
      .description("for every installed pack: the newest version within its range (wanted) and the newest overall (latest), from its source")
      .addOption(rootOption())
      .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
      .addHelpText("after", "\nExamples:\n  edict pack outdated\n  edict pack outdated --format json\n")
      .action(async (opts: { root?: string; format: PackFormat }) => setExit(await outdatedCommand(io, opts, deps))),
    io,
  );

  configure(
    pack
      .command("upgrade")
      .description("upgrade installed packs (or one) to the newest version within their range, printing the effective-policy diff first")
      .argument("[name]", "pack to upgrade; default: every installed pack with a newer version, dependencies first")
      .addOption(rootOption())
      .option("--latest", "the newest version overall, beyond the recorded range")
      .option("--dry-run", "print the effective-policy diff and the file changes without writing anything")
      .option("--force", "overwrite files edited by hand, or existing files the pack does not own; with an up-to-date pack, restore its files")
      .addHelpText(
        "after",
        "\nExamples:\n  edict pack upgrade --dry-run\n  edict pack upgrade starter\n  edict pack upgrade hipaa --latest\n  edict pack upgrade starter --force   # discard hand edits in starter's files\n",
      )
      .action(async (name: string | undefined, opts: UpgradeCommandOptions) => setExit(await upgradeCommand(io, name, opts, deps, now))),
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
        const { root, repo, sources } = await open(io, opts.root, deps);
        const world = worldOf(repo);
        const installed = await fetchInstalled(sources, world.state);
        const plan = planRemove(world, installed.context, name, { force: opts.force ?? false });
        setExit(await carryOut(io, root, plan, opts.dryRun ?? false, deps));
      }),
    io,
  );

  configure(
    pack
      .command("verify")
      .description("check installed pack files against their recorded sha256, and each pack against its recorded source; exit 1 on any mismatch")
      .addOption(rootOption())
      .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
      .addHelpText("after", "\nExamples:\n  edict pack verify\n  edict pack verify --format json\n")
      .action(async (opts: { root?: string; format: PackFormat }) => setExit(await verifyCommand(io, opts, deps))),
    io,
  );

  // `edict pack publish` is registered here by the caller (registerPackPublish from
  // ./pack-publish.ts, given the command this function returns).
  return pack;
}

async function outdatedCommand(io: CliIO, opts: { root?: string; format: PackFormat }, deps: PackCommandDeps): Promise<number> {
  const { repo, sources } = await open(io, opts.root, deps);
  const state = worldOf(repo).state;
  const offers = await readOffers(sources);
  const rows = outdatedOf(state, offers.sources);
  if (opts.format === "json") {
    io.stdout(JSON.stringify({ packs: rows }, null, 2) + "\n");
    return EXIT.OK;
  }
  if (rows.length === 0) {
    io.stdout("no packs installed\n");
    return EXIT.OK;
  }
  const w = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  let out = `${pad("NAME", w)}${pad("INSTALLED", 11)}${pad("WANTED", 10)}${pad("LATEST", 10)}SOURCE\n`;
  for (const r of rows) out += `${pad(r.name, w)}${pad(r.installed, 11)}${pad(r.wanted ?? "-", 10)}${pad(r.latest ?? "-", 10)}${r.source}\n`;
  io.stdout(out);
  return EXIT.OK;
}
