/**
 * Install, upgrade and remove as pure plans: given the repository (state + files under
 * `policies/`) and the shipped packs, compute exactly which files to add, replace and remove and
 * the new state. Nothing here touches the disk; apply.ts carries a plan out all-or-nothing.
 *
 * This module holds the public plan types and entry points and the install, upgrade and remove
 * steps; the working copy they edit is in draft.ts and the checks that refuse an operation are
 * in preconditions.ts.
 */
import semver from "semver";
import type { Repository } from "../model/repository.js";
import type { InstalledPack, InstalledPackFile, PackState } from "../model/types.js";
import { dependencyOrder } from "./checks.js";
import { parseDependency } from "./dependency.js";
import { deleteFile, draftOf, editedByHand, entryOf, installedNames, sameBytes, setFile } from "./draft.js";
import type { Draft, EntryOrigin } from "./draft.js";
import { fileSha256 } from "./checksum.js";
import { installedContent } from "./modeline.js";
import type { ShippedPack, ShippedPacks } from "./model.js";
import type { PackOrigin } from "./sources/types.js";
import {
  checkBands,
  checkCycles,
  checkDependencies,
  checkDependents,
  checkIds,
  dependenciesOf,
  packError,
  requireInstalled,
  requireShipped,
  sourceOf,
} from "./preconditions.js";
import { toStateYaml } from "./state.js";
import { worldOf } from "./view.js";
import type { PackWorld } from "./view.js";

export interface PlanFile {
  path: string;
  content: Uint8Array;
}

export type PackOperation = "install" | "upgrade" | "remove";

export interface PackChange {
  name: string;
  /** Installed version before (absent for an install). */
  from?: string;
  /** Installed version after (absent for a removal). */
  to?: string;
}

export interface PackPlan {
  operation: PackOperation;
  /** The packs that change; empty when there is nothing to do. */
  changes: PackChange[];
  add: PlanFile[];
  replace: PlanFile[];
  remove: string[];
  state: PackState;
  /** The new `.edict/packs.yaml`. */
  stateText: string;
  /** The current `.edict/packs.yaml`; undefined when there is none yet. */
  previousStateText?: string;
  /** Things the user should know (forced overwrites, edited files left alone). */
  notes: string[];
}

export interface PlanOptions {
  /** Overwrite files the pack does not own, or files edited by hand. */
  force?: boolean;
  /** The time recorded as installed_at. */
  now: Date;
  /**
   * Repository paths of the JSON Schemas that exist (`.edict/schemas/AccessPolicy.json`, …):
   * installed files get a modeline pointing at them (see modeline.ts). Undefined: files are
   * written exactly as the pack has them.
   */
  schemaFiles?: ReadonlySet<string>;
}

/** A pack fetched from a source, ready to plan with. */
export interface PlannedPack {
  pack: ShippedPack;
  /** Where it came from (recorded as the entry's `source` and `resolved`). */
  origin?: PackOrigin;
  /** The range asked for (recorded as the entry's `range`). */
  range?: string;
}

export interface PackRequest {
  name: string;
  /** A semver range the shipped version must satisfy. */
  range?: string;
}

export type PackInput = Repository | PackWorld;

/** "starter" or "starter@^1.0.0" → {name, range}; throws PACK_ERROR on a bad name or range. */
export function parsePackRequest(text: string): PackRequest {
  const parsed = parseDependency(text);
  if (!parsed.ok) throw packError(`${parsed.message}. Give a pack name, optionally with a version range: starter or starter@^1.0.0`);
  return parsed.dependency.range === undefined ? { name: parsed.dependency.name } : { name: parsed.dependency.name, range: parsed.dependency.range };
}

export function toWorld(input: PackInput): PackWorld {
  return "policyFiles" in input ? input : worldOf(input);
}

/**
 * The pack as it is installed: each policy's bytes with the modeline pointed at the
 * repository's schemas, and the sha256 of those bytes (what the state records). The checksum
 * stays the pack's own.
 */
export function installedForm(pack: ShippedPack, schemaFiles: ReadonlySet<string> | undefined): ShippedPack {
  if (schemaFiles === undefined) return pack;
  return {
    ...pack,
    policies: pack.policies.map((p) => {
      const bytes = installedContent(p.bytes, p.installPath, schemaFiles);
      return bytes === p.bytes ? p : { ...p, bytes, sha256: fileSha256(bytes) };
    }),
  };
}

/** `context` with `packs` in place of the packs of the same name: what the checks between packs read. */
export function withPacks(context: ShippedPacks, packs: readonly ShippedPack[]): ShippedPacks {
  const map = new Map(context.packs);
  for (const p of packs) map.set(p.name, p);
  return { ...context, packs: map };
}

/** Refuses a fetched pack with problems, listing them, as requireShipped does for a folder. */
export function requireValid(pack: ShippedPack, where: string): ShippedPack {
  return requireShipped({ packs: new Map([[pack.name, pack]]), problems: [], source: where }, pack.name);
}

/**
 * Puts the pack's policies in place of its tracked files. Refuses to overwrite a file the pack
 * does not own, or a tracked file edited by hand, unless forced.
 */
function placeFiles(d: Draft, pack: ShippedPack, tracked: readonly InstalledPackFile[], force: boolean, notes: string[]): void {
  const byPath = new Map(tracked.map((f) => [f.path, f] as const));
  const newPaths = new Set(pack.policies.map((p) => p.installPath));
  const notOwned: string[] = [];
  const edited: string[] = [];
  for (const p of pack.policies) {
    const existing = d.files.get(p.installPath);
    if (!existing || sameBytes(existing, p.bytes)) continue;
    const t = byPath.get(p.installPath);
    if (!t) notOwned.push(p.installPath);
    else if (editedByHand(t, existing)) edited.push(p.installPath);
  }
  for (const t of tracked) {
    const existing = d.files.get(t.path);
    if (existing && !newPaths.has(t.path) && editedByHand(t, existing)) edited.push(t.path);
  }
  if (!force && (notOwned.length > 0 || edited.length > 0)) {
    const lines: string[] = [];
    if (notOwned.length > 0) lines.push(`${notOwned.join(", ")} ${notOwned.length === 1 ? "exists and is" : "exist and are"} not pack ${pack.name}'s`);
    if (edited.length > 0) lines.push(`${edited.join(", ")} ${edited.length === 1 ? "was" : "were"} edited by hand since pack ${pack.name} installed ${edited.length === 1 ? "it" : "them"}`);
    throw packError(
      `refusing to overwrite: ${lines.join("; ")}. Move your changes into a custom policy (a file without the ${pack.name}__ prefix, with a higher priority), or pass --force to overwrite`,
    );
  }
  for (const p of pack.policies) {
    const existing = d.files.get(p.installPath);
    if (existing && !byPath.has(p.installPath) && sameBytes(existing, p.bytes)) notes.push(`taking over ${p.installPath}: it already holds exactly the pack's content`);
  }
  for (const p of notOwned) notes.push(`overwriting ${p}, which pack ${pack.name} did not own (--force)`);
  for (const p of edited) notes.push(`discarding hand edits in ${p} (--force)`);
  for (const t of tracked) if (!newPaths.has(t.path) && d.files.has(t.path)) deleteFile(d, t.path);
  for (const p of pack.policies) setFile(d, p.installPath, p.bytes);
}

function stepInstall(d: Draft, shipped: ShippedPacks, request: PackRequest, options: PlanOptions, notes: string[]): PackChange {
  const pack = requireShipped(shipped, request.name);
  if (request.range !== undefined && !(semver.valid(pack.version) && semver.satisfies(pack.version, request.range))) {
    throw packError(`the shipped ${pack.name} is v${pack.version}, which does not satisfy ${request.range}; update ${sourceOf(shipped)}/ or ask for a range it satisfies`);
  }
  return installPack(d, pack, shipped, options, notes, {});
}

/** Installs a pack that is not installed yet, after the checks between packs (`context`: every known pack). */
export function installPack(d: Draft, shippedPack: ShippedPack, context: ShippedPacks, options: PlanOptions, notes: string[], extra: EntryOrigin): PackChange {
  const current = d.packs[shippedPack.name];
  if (current) throw packError(`pack ${shippedPack.name} is already installed (v${current.version}); run \`edict pack upgrade ${shippedPack.name}\` to move to the shipped v${shippedPack.version}`);
  const pack = installedForm(shippedPack, options.schemaFiles);
  checkDependencies(pack, d);
  checkCycles(pack, context);
  checkBands(pack, d, context);
  checkIds(pack, d, new Set(options.force ? pack.policies.map((p) => p.installPath) : []));
  placeFiles(d, pack, [], options.force ?? false, notes);
  d.packs[pack.name] = entryOf(pack, options.now, extra);
  return { name: pack.name, to: pack.version };
}

/** Whether the installed pack differs from the shipped one, and whether its files are as installed. */
function upgradeNeed(d: Draft, entry: InstalledPack, pack: ShippedPack): { outdated: boolean; intact: boolean } {
  const outdated = entry.version !== pack.version || entry.pack_checksum !== pack.checksum;
  const intact = entry.files.every((f) => {
    const bytes = d.files.get(f.path);
    return bytes !== undefined && !editedByHand(f, bytes);
  });
  return { outdated, intact };
}

function stepUpgrade(d: Draft, shipped: ShippedPacks, name: string, options: PlanOptions, notes: string[]): PackChange | undefined {
  return replacePack(d, requireShipped(shipped, name), shipped, options, notes, { mode: "upgrade" });
}

export interface ReplaceHow extends EntryOrigin {
  /**
   * "upgrade": an up-to-date pack is left alone unless forced; "reinstall": its missing files
   * are put back too (the state is the lock file), keeping the entry's installed_at.
   */
  mode: "upgrade" | "reinstall";
  /** Drop the recorded range (an upgrade beyond it, `--latest`). */
  dropRange?: boolean;
}

/** Replaces an installed pack's files with `shippedPack`'s (another version, or the same one restored). */
export function replacePack(d: Draft, shippedPack: ShippedPack, shipped: ShippedPacks, options: PlanOptions, notes: string[], how: ReplaceHow): PackChange | undefined {
  const name = shippedPack.name;
  const entry = requireInstalled(d, name);
  const pack = installedForm(shippedPack, options.schemaFiles);
  const { outdated, intact } = upgradeNeed(d, entry, pack);
  const missing = entry.files.some((f) => !d.files.has(f.path));
  const restore = how.mode === "reinstall" && !outdated && missing;
  if (!outdated && !restore && (intact || !options.force)) {
    notes.push(
      how.mode === "reinstall" && intact
        ? `${name} v${entry.version} is in place`
        : intact
        ? `${name} is up to date (v${entry.version})`
        : `${name} is up to date (v${entry.version}), but some of its files were edited or deleted; \`edict pack upgrade ${name} --force\` restores them`,
    );
    return undefined;
  }
  const others: Draft = { ...d, packs: Object.fromEntries(Object.entries(d.packs).filter(([k]) => k !== name)) };
  checkDependencies(pack, others);
  checkCycles(pack, shipped);
  checkBands(pack, others, shipped);
  checkDependents(pack, d, shipped);
  const tracked = new Set(entry.files.map((f) => f.path));
  checkIds(pack, d, new Set([...tracked, ...(options.force ? pack.policies.map((p) => p.installPath) : [])]));
  placeFiles(d, pack, entry.files, options.force ?? false, notes);
  const origin = how.origin ?? (entry.source !== undefined && entry.resolved !== undefined ? { source: entry.source, resolved: entry.resolved } : undefined);
  const range = how.range ?? (how.dropRange ? undefined : entry.range);
  const next = entryOf(pack, options.now, { ...(origin ? { origin } : {}), ...(range !== undefined ? { range } : {}) });
  d.packs[name] = how.mode === "reinstall" && !outdated && entry.installed_at !== undefined ? { ...next, installed_at: entry.installed_at } : next;
  return { name, from: entry.version, to: pack.version };
}

function stepRemove(d: Draft, shipped: ShippedPacks, name: string, options: { force?: boolean }, notes: string[]): PackChange {
  const entry = requireInstalled(d, name);
  const dependents = installedNames(d).filter((other) => other !== name && dependenciesOf(shipped, other).some((dep) => dep.name === name));
  if (dependents.length > 0) {
    throw packError(`pack ${name} is needed by installed pack${dependents.length === 1 ? "" : "s"} ${dependents.join(", ")}; remove ${dependents.length === 1 ? "it" : "them"} first (edict pack remove ${dependents[0]})`);
  }
  const edited = entry.files.filter((f) => {
    const bytes = d.files.get(f.path);
    return bytes !== undefined && editedByHand(f, bytes);
  });
  if (edited.length > 0 && !options.force) {
    throw packError(
      `refusing to remove ${edited.map((f) => f.path).join(", ")}: edited by hand since pack ${name} installed ${edited.length === 1 ? "it" : "them"}. Copy your changes into a custom policy first, or pass --force to remove anyway`,
    );
  }
  for (const f of edited) notes.push(`removing ${f.path} with its hand edits (--force)`);
  for (const f of entry.files) {
    if (d.files.has(f.path)) deleteFile(d, f.path);
    else notes.push(`${f.path} was already gone`);
  }
  delete d.packs[name];
  return { name, from: entry.version };
}

/** The plan that turns `before` into the draft. */
export function planOf(operation: PackOperation, before: PackWorld, d: Draft, changes: PackChange[], notes: string[]): PackPlan {
  const add: PlanFile[] = [];
  const replace: PlanFile[] = [];
  const remove: string[] = [];
  for (const [path, content] of d.files) {
    const old = before.policyFiles.get(path);
    if (!old) add.push({ path, content });
    else if (!sameBytes(old, content)) replace.push({ path, content });
  }
  for (const path of before.policyFiles.keys()) if (!d.files.has(path)) remove.push(path);
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const state: PackState = { format_version: "v1", installed_packs: d.packs };
  const unchanged = changes.length === 0;
  return {
    operation,
    changes,
    add: add.sort(byPath),
    replace: replace.sort(byPath),
    remove: remove.sort(),
    state: unchanged ? before.state : state,
    // An operation that changes nothing keeps the state file byte for byte.
    stateText: unchanged && before.stateText !== undefined ? before.stateText : toStateYaml(unchanged ? before.state : state),
    ...(before.stateText !== undefined ? { previousStateText: before.stateText } : {}),
    notes,
  };
}

/** True when the plan changes no pack (an upgrade of up-to-date packs): applying it writes nothing. */
export function isNoopPlan(plan: PackPlan): boolean {
  return plan.changes.length === 0;
}

/**
 * Plans `edict pack install NAME[@range]`: the pack's policies copied to
 * `policies/<pack>__<NN>__<slug>.yaml` and recorded in the state.
 *
 * @example
 * const plan = planInstall(repo, shipped, parsePackRequest("starter"), { now: new Date() });
 * await applyPlan(root, plan);
 */
export function planInstall(input: PackInput, shipped: ShippedPacks, request: PackRequest | string, options: PlanOptions): PackPlan {
  const world = toWorld(input);
  const d = draftOf(world);
  const notes: string[] = [];
  const req = typeof request === "string" ? parsePackRequest(request) : request;
  const change = stepInstall(d, shipped, req, options, notes);
  return planOf("install", world, d, [change], notes);
}

/** Plans `edict pack upgrade NAME`: the pack's tracked files replaced by the shipped version's. */
export function planUpgrade(input: PackInput, shipped: ShippedPacks, name: string, options: PlanOptions): PackPlan {
  const world = toWorld(input);
  const d = draftOf(world);
  const notes: string[] = [];
  const change = stepUpgrade(d, shipped, name, options, notes);
  return planOf("upgrade", world, d, change ? [change] : [], notes);
}

/** The installed packs whose shipped version or content differs, in dependency order. */
export function outdatedPacks(input: PackInput, shipped: ShippedPacks): string[] {
  const world = toWorld(input);
  const names = Object.entries(world.state.installed_packs ?? {})
    .filter(([name, entry]) => {
      const pack = shipped.packs.get(name);
      return pack !== undefined && (pack.version !== entry.version || pack.checksum !== entry.pack_checksum);
    })
    .map(([name]) => name);
  return dependencyOrder(shipped.packs, names);
}

/** Plans `edict pack upgrade` without a name: every outdated pack, dependencies first, as one all-or-nothing change. */
export function planUpgradeAll(input: PackInput, shipped: ShippedPacks, options: PlanOptions): PackPlan {
  const world = toWorld(input);
  const d = draftOf(world);
  const notes: string[] = [];
  const changes: PackChange[] = [];
  for (const name of outdatedPacks(world, shipped)) {
    const change = stepUpgrade(d, shipped, name, options, notes);
    if (change) changes.push(change);
  }
  if (changes.length === 0) notes.push("every installed pack is up to date");
  return planOf("upgrade", world, d, changes, notes);
}

/** Plans `edict pack remove NAME`: only the pack's tracked files are deleted; refused while another installed pack needs it. */
export function planRemove(input: PackInput, shipped: ShippedPacks, name: string, options: { force?: boolean } = {}): PackPlan {
  const world = toWorld(input);
  const d = draftOf(world);
  const notes: string[] = [];
  const change = stepRemove(d, shipped, name, options, notes);
  return planOf("remove", world, d, [change], notes);
}
