/**
 * `edict pack verify`: every installed file against the sha256 recorded at install, every
 * installed pack's checksum against the shipped pack of the same version, and the naming that
 * ties files to packs.
 */
import { fileSha256 } from "./checksum.js";
import { formatOutdated } from "./drift.js";
import { sameExceptModeline } from "./modeline.js";
import type { ShippedPacks } from "./model.js";
import { isInstalledPathOf, parseInstalledPath } from "./names.js";
import type { PackWorld } from "./view.js";

export interface PackVerification {
  name: string;
  version: string;
  ok: boolean;
  /** Failures: verification exits 1 when there is any. */
  problems: string[];
  /** Worth knowing but not a failure (an outdated pack, a pack no longer shipped). */
  warnings: string[];
}

export interface VerifyReport {
  ok: boolean;
  packs: PackVerification[];
  /** Files named like pack files that no installed pack owns. */
  unowned: string[];
}

/** Why a pack could not be had from its source: a refusal (pin mismatch) fails, an unreachable source only warns. */
export interface UnavailablePack {
  message: string;
  failure: boolean;
}

/**
 * Verifies the installed packs against `shipped`: the packs as their recorded sources have them
 * at the installed version (or, for a repository's own folder, as shipped there).
 * `unavailable` says why a pack is missing from `shipped`.
 */
export function verifyInstalled(world: PackWorld, shipped: ShippedPacks, unavailable: ReadonlyMap<string, UnavailablePack> = new Map()): VerifyReport {
  const packs: PackVerification[] = [];
  const owned = new Set<string>();
  const installed = world.state.installed_packs ?? {};
  for (const name of Object.keys(installed).sort()) {
    const entry = installed[name]!;
    const problems: string[] = [];
    const warnings: string[] = [];
    for (const f of entry.files) {
      owned.add(f.path);
      if (!isInstalledPathOf(name, f.path)) problems.push(`${f.path} is not named after pack ${name} (policies/${name}__NN__<slug>.yaml)`);
      const bytes = world.policyFiles.get(f.path);
      if (bytes === undefined) problems.push(`${f.path} is missing`);
      else if (f.sha256 === undefined) problems.push(`${f.path} has no recorded sha256`);
      else {
        const actual = fileSha256(bytes);
        if (actual !== f.sha256) problems.push(`${f.path} was edited by hand (recorded sha256 ${f.sha256.slice(0, 12)}…, found ${actual.slice(0, 12)}…)`);
      }
    }
    const pack = shipped.packs.get(name);
    const why = unavailable.get(name);
    if (!pack && why) (why.failure ? problems : warnings).push(why.message);
    else if (!pack) warnings.push(`pack ${name} is not shipped in ${shipped.source ?? "packs"}/; its checksum cannot be checked`);
    else if (pack.version !== entry.version) warnings.push(formatOutdated(name, entry.version, pack.version));
    else if (pack.checksum !== entry.pack_checksum) {
      problems.push(`checksum ${entry.pack_checksum ?? "(none)"} recorded, but the shipped ${name} v${pack.version} has ${pack.checksum}: the shipped pack changed without a version bump, or the state was edited`);
    } else {
      // Same version and checksum: each recorded file must be the shipped file it came from
      // (its modeline aside, which install points at the repository's schemas).
      const expected = new Map(pack.policies.map((p) => [p.installPath, p.bytes] as const));
      for (const f of entry.files) {
        const want = expected.get(f.path);
        const bytes = world.policyFiles.get(f.path);
        const asRecorded = bytes !== undefined && f.sha256 !== undefined && fileSha256(bytes) === f.sha256;
        if (f.sha256 !== undefined && (want === undefined || (asRecorded && !sameExceptModeline(bytes!, want)))) {
          problems.push(`${f.path}: recorded sha256 does not match the shipped pack's file`);
        }
      }
      for (const p of pack.policies) if (!entry.files.some((f) => f.path === p.installPath)) problems.push(`${p.installPath} of the shipped pack is not recorded as installed`);
    }
    packs.push({ name, version: entry.version, ok: problems.length === 0, problems, warnings });
  }
  const unowned = [...world.policyFiles.keys()].filter((p) => parseInstalledPath(p) !== undefined && !owned.has(p)).sort();
  return { ok: packs.every((p) => p.ok), packs, unowned };
}
