/**
 * Install, upgrade and remove as pure plans (SPEC §6): given the repository (state + files under
 * `policies/`) and the shipped packs, compute exactly which files to add, replace and remove and
 * the new state. Nothing here touches the disk; apply.ts carries a plan out all-or-nothing.
 */
import semver from "semver";
import { EdictError } from "../errors.js";
import { PACK_STATE_FILE } from "../policy/repository.js";
import type { Repository } from "../policy/repository.js";
import type { InstalledPack, InstalledPackFile, PackState } from "../policy/types.js";
import { suggest } from "../policy/suggest.js";
import { fileSha256 } from "./checksum.js";
import { bandBelowLowerLayer, bandsOverlap, dependencyOrder, dependsUpward, findCycles, formatBand, formatCycle, isValidBand } from "./checks.js";
import { parseDependency, satisfiesDependency } from "./dependency.js";
import type { ShippedPack, ShippedPacks } from "./model.js";
import { isInstalledPathOf, packNameProblem } from "./names.js";
import { toStateYaml, toTimestamp } from "./state.js";
import { identityOf, worldOf } from "./view.js";
import type { PackWorld, PolicyIdentity } from "./view.js";

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
}

export interface PackRequest {
  name: string;
  /** A semver range the shipped version must satisfy. */
  range?: string;
}

export type PackInput = Repository | PackWorld;

function packError(message: string, file?: string): EdictError {
  return new EdictError("PACK_ERROR", message, file ? { position: { file } } : {});
}

/** "starter" or "starter@^1.0.0" → {name, range}; throws PACK_ERROR on a bad name or range. */
export function parsePackRequest(text: string): PackRequest {
  const parsed = parseDependency(text);
  if (!parsed.ok) throw packError(`${parsed.message}. Give a pack name, optionally with a version range: starter or starter@^1.0.0`);
  return parsed.dependency.range === undefined ? { name: parsed.dependency.name } : { name: parsed.dependency.name, range: parsed.dependency.range };
}

/** A mutable copy of the world that the steps below change. */
interface Draft {
  files: Map<string, Uint8Array>;
  ids: Map<string, PolicyIdentity>;
  packs: Record<string, InstalledPack>;
}

function toWorld(input: PackInput): PackWorld {
  return "policyFiles" in input ? input : worldOf(input);
}

function draftOf(world: PackWorld): Draft {
  return { files: new Map(world.policyFiles), ids: new Map(world.policyIds), packs: { ...(world.state.installed_packs ?? {}) } };
}

function sourceOf(shipped: ShippedPacks): string {
  return shipped.source ?? "packs";
}

function installedNames(d: Draft): string[] {
  return Object.keys(d.packs).sort();
}

/** The shipped pack, or a PACK_ERROR saying what is wrong with it and what to do. */
function requireShipped(shipped: ShippedPacks, name: string): ShippedPack {
  const nameProblem = packNameProblem(name);
  if (nameProblem) throw packError(`${nameProblem}; run \`edict pack list\` to see the shipped packs`);
  const source = sourceOf(shipped);
  const pack = shipped.packs.get(name);
  const problems = (pack?.problems ?? shipped.problems.filter((p) => p.pack === name)).map((p) => `${source}/${name}/${p.file}: ${p.message.replace(`${p.file}: `, "")}`);
  if (!pack && problems.length === 0) {
    const names = [...shipped.packs.keys()].sort();
    const near = suggest(name, names);
    throw packError(
      `no pack named ${name} in ${source}/${near ? `; did you mean ${near}?` : ""} (shipped: ${names.length ? names.join(", ") : "none"})`,
    );
  }
  if (!pack || problems.length > 0) {
    const band = (pack?.problems ?? []).some((p) => p.code === "band");
    const head = band ? "InvalidPack: Policy priority outside allowed band" : `InvalidPack: ${source}/${name} is not a valid pack`;
    throw packError(`${head}\n  - ${problems.join("\n  - ")}\nFix the pack (\`edict lint\` shows each problem with its position) and try again`, `${source}/${name}`);
  }
  return pack;
}

/** The dependencies of an installed pack, as its shipped metadata declares them. */
function dependenciesOf(shipped: ShippedPacks, name: string) {
  return shipped.packs.get(name)?.dependencies ?? [];
}

/** Dependencies must be installed first, never auto-installed (VaultKit §10), in range and not from a higher layer. */
function checkDependencies(pack: ShippedPack, d: Draft): void {
  const missing = pack.dependencies.filter((dep) => !d.packs[dep.name]).map((dep) => dep.name);
  if (missing.length > 0) {
    throw packError(
      `DependencyMissing: Pack requires dependencies not installed: ${missing.join(", ")}\n` +
        `Install ${missing.length === 1 ? "it" : "them"} first (edict never installs dependencies by itself): ${missing.map((m) => `edict pack install ${m}`).join(" && ")}`,
    );
  }
  const lines: string[] = [];
  for (const dep of pack.dependencies) {
    const installed = d.packs[dep.name]!;
    if (dependsUpward(pack.layer, installed.layer)) {
      lines.push(`LayerInversion: ${pack.layer} pack ${pack.name} depends on ${dep.name}, a ${installed.layer} pack; a pack may depend only on packs of the same or a lower layer`);
    }
    if (!satisfiesDependency(dep, installed.version)) {
      lines.push(`DependencyRangeUnmet: ${pack.name} requires ${dep.raw} but ${dep.name} v${installed.version} is installed; run \`edict pack upgrade ${dep.name}\` first`);
    }
  }
  if (lines.length > 0) throw packError(lines.join("\n"));
}

function checkCycles(pack: ShippedPack, shipped: ShippedPacks): void {
  const cycle = findCycles(shipped.packs).find((c) => c.includes(pack.name));
  if (cycle) throw packError(`DependencyCycle: ${formatCycle(cycle)}; remove one of these dependencies from its metadata.yaml`);
}

/** Installed packs still depending on `pack` must accept its new version. */
function checkDependents(pack: ShippedPack, d: Draft, shipped: ShippedPacks): void {
  const lines: string[] = [];
  for (const other of installedNames(d)) {
    if (other === pack.name) continue;
    for (const dep of dependenciesOf(shipped, other)) {
      if (dep.name === pack.name && !satisfiesDependency(dep, pack.version)) {
        lines.push(`DependencyRangeUnmet: installed pack ${other} requires ${dep.raw}; v${pack.version} does not satisfy it. Upgrade or remove ${other} first`);
      }
    }
  }
  if (lines.length > 0) throw packError(lines.join("\n"));
}

/** Bands of installed packs must not overlap, and a higher layer's band lies above a lower layer's. */
function checkBands(pack: ShippedPack, d: Draft, shipped: ShippedPacks): void {
  if (!isValidBand(pack.band)) return;
  const lines: string[] = [];
  for (const other of installedNames(d)) {
    if (other === pack.name) continue;
    const o = shipped.packs.get(other);
    if (!o || !isValidBand(o.band)) continue;
    const mine = { layer: pack.layer, band: pack.band };
    const theirs = { layer: o.layer, band: o.band };
    if (bandsOverlap(pack.band, o.band)) {
      lines.push(`InvalidPack: band ${formatBand(pack.band)} of pack ${pack.name} overlaps band ${formatBand(o.band)} of installed pack ${other}; installed packs' bands must not overlap`);
    } else if (bandBelowLowerLayer(mine, theirs) || bandBelowLowerLayer(theirs, mine)) {
      const [hi, lo] = bandBelowLowerLayer(mine, theirs) ? [pack, o] : [o, pack];
      lines.push(
        `LayerInversion: band ${formatBand(hi.band!)} of ${hi.layer} pack ${hi.name} must lie above band ${formatBand(lo.band!)} of ${lo.layer} pack ${lo.name}`,
      );
    }
  }
  if (lines.length > 0) throw packError(lines.join("\n"));
}

/** Policy ids stay unique per kind: a pack must not bring an id another file already uses. */
function checkIds(pack: ShippedPack, d: Draft, replaced: ReadonlySet<string>): void {
  const lines: string[] = [];
  const inPack = new Map<string, string>();
  for (const p of pack.policies) {
    if (!p.kind || p.id === undefined) continue;
    const key = `${p.kind}\0${p.id}`;
    const first = inPack.get(key);
    if (first) lines.push(`InvalidPack: ${p.kind} id "${p.id}" is used by both ${first} and ${p.file} of pack ${pack.name}`);
    else inPack.set(key, p.file);
  }
  for (const [path, ident] of d.ids) {
    if (replaced.has(path)) continue;
    const file = inPack.get(`${ident.kind}\0${ident.id}`);
    if (file) lines.push(`${ident.kind} id "${ident.id}" of ${pack.name}'s ${file} is already used by ${path}; rename or remove that policy, then try again`);
  }
  if (lines.length > 0) throw packError(lines.join("\n"));
}

/** Tracked paths must be files this pack could have installed: a tampered state must not make edict delete other files. */
function checkTracked(name: string, entry: InstalledPack): void {
  const bad = entry.files.map((f) => f.path).filter((p) => !isInstalledPathOf(name, p));
  if (bad.length > 0) {
    throw packError(
      `${PACK_STATE_FILE} lists ${bad.join(", ")} for pack ${name}, but pack ${name} only installs policies/${name}__NN__<slug>.yaml; fix the state file (restore it from git) before changing packs`,
      PACK_STATE_FILE,
    );
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A tracked file whose content no longer matches what the pack installed (or cannot be checked). */
function editedByHand(file: InstalledPackFile, bytes: Uint8Array): boolean {
  return file.sha256 === undefined || fileSha256(bytes) !== file.sha256;
}

function setFile(d: Draft, path: string, bytes: Uint8Array): void {
  d.files.set(path, bytes);
  const ident = identityOf(path, bytes);
  if (ident) d.ids.set(path, ident);
  else d.ids.delete(path);
}

function deleteFile(d: Draft, path: string): void {
  d.files.delete(path);
  d.ids.delete(path);
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

function entryOf(pack: ShippedPack, now: Date): InstalledPack {
  return {
    name: pack.name,
    version: pack.version,
    layer: pack.layer,
    installed_at: toTimestamp(now),
    pack_checksum: pack.checksum,
    files: pack.policies.map((p) => ({ path: p.installPath, ...(p.id !== undefined ? { policy_id: p.id } : {}), sha256: p.sha256 })),
  };
}

function stepInstall(d: Draft, shipped: ShippedPacks, request: PackRequest, options: PlanOptions, notes: string[]): PackChange {
  const pack = requireShipped(shipped, request.name);
  if (request.range !== undefined && !(semver.valid(pack.version) && semver.satisfies(pack.version, request.range))) {
    throw packError(`the shipped ${pack.name} is v${pack.version}, which does not satisfy ${request.range}; update ${sourceOf(shipped)}/ or ask for a range it satisfies`);
  }
  const current = d.packs[pack.name];
  if (current) throw packError(`pack ${pack.name} is already installed (v${current.version}); run \`edict pack upgrade ${pack.name}\` to move to the shipped v${pack.version}`);
  checkDependencies(pack, d);
  checkCycles(pack, shipped);
  checkBands(pack, d, shipped);
  checkIds(pack, d, new Set(options.force ? pack.policies.map((p) => p.installPath) : []));
  placeFiles(d, pack, [], options.force ?? false, notes);
  d.packs[pack.name] = entryOf(pack, options.now);
  return { name: pack.name, to: pack.version };
}

function requireInstalled(d: Draft, name: string): InstalledPack {
  const nameProblem = packNameProblem(name);
  if (nameProblem) throw packError(nameProblem);
  const entry = d.packs[name];
  if (!entry) {
    const names = installedNames(d);
    const near = suggest(name, names);
    throw packError(
      `pack ${name} is not installed${near ? `; did you mean ${near}?` : ""} (installed: ${names.length ? names.join(", ") : "none"}); run \`edict pack install ${name}\` to install it`,
    );
  }
  checkTracked(name, entry);
  return entry;
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
  const entry = requireInstalled(d, name);
  const pack = requireShipped(shipped, name);
  const { outdated, intact } = upgradeNeed(d, entry, pack);
  if (!outdated && (intact || !options.force)) {
    notes.push(
      intact
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
  d.packs[name] = entryOf(pack, options.now);
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
function planOf(operation: PackOperation, before: PackWorld, d: Draft, changes: PackChange[], notes: string[]): PackPlan {
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
