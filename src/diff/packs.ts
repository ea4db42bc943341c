/** Pack installs, upgrades and removals between two repositories (`.edict/packs.yaml`). */
import semver from "semver";
import type { Repository } from "../model/repository.js";
import type { InstalledPack } from "../model/types.js";
import type { PackChange } from "./types.js";

function installed(repo: Repository | undefined): Map<string, InstalledPack> {
  return new Map(Object.entries(repo?.packState?.value.installed_packs ?? {}));
}

/** Changes of installed packs, sorted by name. */
export function diffPacks(base: Repository | undefined, head: Repository | undefined): PackChange[] {
  return diffInstalledPacks(installed(base), installed(head));
}

/** Changes between two sets of installed packs by name (from pack states, or a bundle's `installed_packs`), sorted by name. */
export function diffInstalledPacks(a: ReadonlyMap<string, Pick<InstalledPack, "version" | "pack_checksum">>, b: ReadonlyMap<string, Pick<InstalledPack, "version" | "pack_checksum">>): PackChange[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: PackChange[] = [];
  for (const name of names) {
    const pb = a.get(name);
    const pa = b.get(name);
    if (!pb && pa) out.push({ name, change: "installed", after: pa.version });
    else if (pb && !pa) out.push({ name, change: "removed", before: pb.version });
    else if (pb && pa) {
      const vb = pb.version;
      const va = pa.version;
      if (vb !== va) {
        const up = semver.valid(vb) && semver.valid(va) ? semver.gt(va, vb) : va > vb;
        out.push({ name, change: up ? "upgraded" : "downgraded", before: vb, after: va });
      } else if (pb.pack_checksum !== pa.pack_checksum) {
        out.push({ name, change: "modified", before: vb, after: va });
      }
    }
  }
  return out;
}
