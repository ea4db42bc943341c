/**
 * `edict pack verify`: every installed file against the sha256 recorded at install, every
 * installed pack's checksum against the shipped pack of the same version, and the naming that
 * ties files to packs.
 */
import { fileSha256 } from "./checksum.js";
import { formatOutdated } from "./drift.js";
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

export function verifyInstalled(world: PackWorld, shipped: ShippedPacks): VerifyReport {
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
    if (!pack) warnings.push(`pack ${name} is not shipped in ${shipped.source ?? "packs"}/; its checksum cannot be checked`);
    else if (pack.version !== entry.version) warnings.push(formatOutdated(name, entry.version, pack.version));
    else if (pack.checksum !== entry.pack_checksum) {
      problems.push(`checksum ${entry.pack_checksum ?? "(none)"} recorded, but the shipped ${name} v${pack.version} has ${pack.checksum}: the shipped pack changed without a version bump, or the state was edited`);
    } else {
      // Same version and checksum: each recorded file must be the shipped file it came from.
      const expected = new Map(pack.policies.map((p) => [p.installPath, p.sha256] as const));
      for (const f of entry.files) {
        if (f.sha256 !== undefined && expected.get(f.path) !== f.sha256) problems.push(`${f.path}: recorded sha256 does not match the shipped pack's file`);
      }
      for (const p of pack.policies) if (!entry.files.some((f) => f.path === p.installPath)) problems.push(`${p.installPath} of the shipped pack is not recorded as installed`);
    }
    packs.push({ name, version: entry.version, ok: problems.length === 0, problems, warnings });
  }
  const unowned = [...world.policyFiles.keys()].filter((p) => parseInstalledPath(p) !== undefined && !owned.has(p)).sort();
  return { ok: packs.every((p) => p.ok), packs, unowned };
}
