/**
 * The refusals of pack planning: each check throws PACK_ERROR, saying what is wrong and
 * what to do, when an install, upgrade or remove must not go ahead (unknown or invalid pack,
 * missing or out-of-range dependencies, cycles, overlapping bands, clashing policy ids, a
 * tampered state). The pure pack-to-pack predicates they rely on live in checks.ts.
 */
import { EdictError } from "../errors.js";
import { PACK_STATE_FILE } from "../model/repository.js";
import type { InstalledPack } from "../model/types.js";
import { suggest } from "../model/suggest.js";
import { bandBelowLowerLayer, bandsOverlap, dependsUpward, findCycles, formatBand, formatCycle, isValidBand } from "./checks.js";
import { satisfiesDependency } from "./dependency.js";
import { installedNames } from "./draft.js";
import type { Draft } from "./draft.js";
import type { ShippedPack, ShippedPacks } from "./model.js";
import { isInstalledPathOf, packNameProblem } from "./names.js";

/** The error every planning refusal throws, pointing at `file` when there is one. */
export function packError(message: string, file?: string): EdictError {
  return new EdictError("PACK_ERROR", message, file ? { position: { file } } : {});
}

/** The folder the shipped packs were read from, for messages. */
export function sourceOf(shipped: ShippedPacks): string {
  return shipped.source ?? "packs";
}

/** The shipped pack, or a PACK_ERROR saying what is wrong with it and what to do. */
export function requireShipped(shipped: ShippedPacks, name: string): ShippedPack {
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
export function dependenciesOf(shipped: ShippedPacks, name: string) {
  return shipped.packs.get(name)?.dependencies ?? [];
}

/** Dependencies must be installed first (resolution puts them first; --no-deps leaves that to the user), in range and not from a higher layer. */
export function checkDependencies(pack: ShippedPack, d: Draft): void {
  const missing = pack.dependencies.filter((dep) => !d.packs[dep.name]).map((dep) => dep.name);
  if (missing.length > 0) {
    throw packError(
      `DependencyMissing: Pack requires dependencies not installed: ${missing.join(", ")}\n` +
        `Install ${missing.length === 1 ? "it" : "them"} first: ${missing.map((m) => `edict pack install ${m}`).join(" && ")} (\`edict pack install ${pack.name}\` without --no-deps installs ${missing.length === 1 ? "it" : "them"} with ${pack.name})`,
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

/** A pack in a dependency cycle cannot be installed in any order. */
export function checkCycles(pack: ShippedPack, shipped: ShippedPacks): void {
  const cycle = findCycles(shipped.packs).find((c) => c.includes(pack.name));
  if (cycle) throw packError(`DependencyCycle: ${formatCycle(cycle)}; remove one of these dependencies from its metadata.yaml`);
}

/** Installed packs still depending on `pack` must accept its new version. */
export function checkDependents(pack: ShippedPack, d: Draft, shipped: ShippedPacks): void {
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
export function checkBands(pack: ShippedPack, d: Draft, shipped: ShippedPacks): void {
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
export function checkIds(pack: ShippedPack, d: Draft, replaced: ReadonlySet<string>): void {
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
export function checkTracked(name: string, entry: InstalledPack): void {
  const bad = entry.files.map((f) => f.path).filter((p) => !isInstalledPathOf(name, p));
  if (bad.length > 0) {
    throw packError(
      `${PACK_STATE_FILE} lists ${bad.join(", ")} for pack ${name}, but pack ${name} only installs policies/${name}__NN__<slug>.yaml; fix the state file (restore it from git) before changing packs`,
      PACK_STATE_FILE,
    );
  }
}

/** The installed entry of `name`, with its tracked paths checked; a PACK_ERROR when it is not installed. */
export function requireInstalled(d: Draft, name: string): InstalledPack {
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
