/**
 * Upgrades of installed packs from their sources: which versions are newer (`edict pack
 * outdated`), the plan that moves to them (`edict pack upgrade`), and the effective-policy diff
 * of that plan, rendered as `edict diff` and the pull-request comment render it (the Action's
 * packs mode, through proposePackUpgrades).
 */
import semver from "semver";
import { diffRepositories, renderDiffMarkdown, renderDiffText } from "../diff/index.js";
import type { DiffResult } from "../diff/index.js";
import { EdictError } from "../errors.js";
import type { Repository } from "../model/repository.js";
import type { PackState } from "../model/types.js";
import { dependencyOrder } from "./checks.js";
import { parseDependency } from "./dependency.js";
import type { Dependency } from "./dependency.js";
import { isNoopPlan } from "./plan.js";
import { planUpgradePacks } from "./plan-fetched.js";
import type { PackChange, PackPlan, PlannedPack } from "./plan.js";
import { newestIn } from "./resolve.js";
import type { SourceOffers } from "./resolve.js";
import { fetchInstalled, readOffers, schemaFilesOf, sourceNamed, withPlanApplied } from "./sourced.js";
import { sourceOfEntry } from "./state.js";
import type { PackSource } from "./sources/types.js";
import { worldOf } from "./view.js";

/** One row of `edict pack outdated` (the JSON contract). */
export interface OutdatedRow {
  name: string;
  installed: string;
  /** The newest version within the recorded range (else within ^installed); null when the source offers none. */
  wanted: string | null;
  /** The newest version the pack's source offers. */
  latest: string | null;
  source: string;
}

/** The range an upgrade stays within: the one asked for at install, else `^<installed>`. */
export function upgradeRange(entry: { version: string; range?: string }): string {
  return entry.range ?? `^${entry.version}`;
}

/** For every installed pack, the newest version within its range and the newest overall, from its own source. */
export function outdatedOf(state: PackState, offers: readonly SourceOffers[]): OutdatedRow[] {
  return Object.keys(state.installed_packs ?? {})
    .sort()
    .map((name) => {
      const entry = state.installed_packs![name]!;
      const source = sourceOfEntry(entry);
      const own = offers.find((s) => s.source === source)?.offers ?? [];
      return {
        name,
        installed: entry.version,
        wanted: newestIn(own, name, upgradeRange(entry)) ?? null,
        latest: newestIn(own, name) ?? null,
        source,
      };
    });
}

export interface UpgradeTarget {
  name: string;
  from: string;
  to: string;
  source: string;
  /** Beyond the recorded range (`--latest`): the range is dropped from the state. */
  beyondRange: boolean;
}

/**
 * The upgrades to make: each installed pack (or only `name`) whose wanted version (`latest`:
 * newest overall) is above the installed one, dependencies first. Never a downgrade.
 */
export function upgradeTargets(state: PackState, offers: readonly SourceOffers[], options: { name?: string; latest?: boolean } = {}): UpgradeTarget[] {
  const installed = state.installed_packs ?? {};
  if (options.name !== undefined && !installed[options.name]) {
    const names = Object.keys(installed).sort();
    throw new EdictError("PACK_ERROR", `pack ${options.name} is not installed (installed: ${names.length ? names.join(", ") : "none"}); run \`edict pack install ${options.name}\``);
  }
  const targets: UpgradeTarget[] = [];
  for (const row of outdatedOf(state, offers)) {
    if (options.name !== undefined && row.name !== options.name) continue;
    const to = options.latest ? row.latest : row.wanted;
    if (to === null || !semver.valid(row.installed) || !semver.gt(to, row.installed)) continue;
    const entry = installed[row.name]!;
    targets.push({ name: row.name, from: row.installed, to, source: row.source, beyondRange: entry.range !== undefined && !semver.satisfies(to, entry.range) });
  }
  const deps = new Map<string, { dependencies: Dependency[] }>();
  for (const t of targets) {
    const offer = offers.find((s) => s.source === t.source)?.offers.find((o) => o.name === t.name && o.version === t.to);
    const parsed = (offer?.dependencies ?? []).map(parseDependency).flatMap((p) => (p.ok ? [p.dependency] : []));
    deps.set(t.name, { dependencies: parsed });
  }
  const order = dependencyOrder(deps, targets.map((t) => t.name));
  return order.map((n) => targets.find((t) => t.name === n)!);
}

export interface UpgradeProposal {
  plan: PackPlan;
  changes: PackChange[];
  /** The effective diff between the repository and the repository upgraded. */
  diff: DiffResult;
  markdown: string;
  text: string;
}

export interface UpgradeOptions {
  root: string;
  repo: Repository;
  sources: PackSource[];
  now: Date;
  name?: string;
  latest?: boolean;
  force?: boolean;
  /** Color the text rendering (a terminal). */
  color?: boolean;
}

/** The effective diff of a plan: the repository against the repository with the plan applied. */
export function planDiff(repo: Repository, plan: PackPlan): DiffResult {
  return diffRepositories(repo, withPlanApplied(repo, plan), { base: "installed", head: "upgraded" });
}

/**
 * The upgrade plan of the installed packs (or one) from their sources, with its effective diff.
 * The plan is a no-op when nothing is newer.
 */
export async function planSourcedUpgrade(options: UpgradeOptions): Promise<UpgradeProposal> {
  const state = worldOf(options.repo).state;
  const offers = await readOffers(options.sources);
  const targets = upgradeTargets(state, offers.sources, { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.latest ? { latest: true } : {}) });
  const planned: PlannedPack[] = [];
  for (const t of targets) {
    const fetched = await sourceNamed(options.sources, t.source, t.name).fetch(t.name, t.to);
    planned.push({ pack: fetched.pack, origin: fetched.origin });
  }
  const installed = await fetchInstalled(options.sources, state);
  if (targets.length === 0 && options.force && options.name !== undefined) {
    // `upgrade NAME --force` of an up-to-date pack restores its files from the installed version
    const same = installed.planned.find((p) => p.pack.name === options.name);
    if (same) planned.push(same);
  }
  const plan = planUpgradePacks(options.repo, planned, installed.context, {
    now: options.now,
    force: options.force ?? false,
    schemaFiles: await schemaFilesOf(options.root),
    dropRange: new Set(targets.filter((t) => t.beyondRange).map((t) => t.name)),
  });
  if (planned.length === 0) {
    plan.notes.length = 0;
    plan.notes.push(options.name !== undefined ? `${options.name} is up to date (v${state.installed_packs![options.name]!.version}, within ${upgradeRange(state.installed_packs![options.name]!)})` : "every installed pack is up to date");
  }
  // a pack upgrade is not a release: the diff's release-version line would only confuse
  const diff = { ...planDiff(options.repo, plan), nextVersion: null };
  return { plan, changes: plan.changes, diff, markdown: renderDiffMarkdown(diff), text: renderDiffText(diff, { color: options.color ?? false }) };
}

/**
 * The Action's packs mode: the upgrade of every installed pack within its range (`latest`:
 * beyond it), its plan and the effective diff as the pull-request comment renders it.
 * Undefined when nothing is to upgrade.
 *
 * @example
 * const proposal = await proposePackUpgrades({ root, repo, sources: packSourcesOf(repo, root, { env }), now: new Date() });
 * if (proposal) await applyPlan(root, proposal.plan);
 */
export async function proposePackUpgrades(options: {
  root: string;
  repo: Repository;
  sources: PackSource[];
  now: Date;
  latest?: boolean;
}): Promise<{ plan: PackPlan; changes: PackChange[]; markdown: string; text: string } | undefined> {
  const proposal = await planSourcedUpgrade({ ...options });
  if (isNoopPlan(proposal.plan)) return undefined;
  return { plan: proposal.plan, changes: proposal.changes, markdown: proposal.markdown, text: proposal.text };
}
