/**
 * What the report's Packs section shows, read from the repository: the installed packs (leniently,
 * as lint reads the state), their priority bands from the shipped metadata, the priorities their
 * installed policies use, and drift. Never throws on a broken pack state or packs folder: lint
 * reports those with their positions, the report shows what it can.
 */
import { dirname, basename } from "node:path";
import { PACK_STATE_FILE } from "../model/repository.js";
import type { Repository } from "../model/repository.js";
import { getAtPointer, joinPointer } from "../model/pointer.js";
import { computeDrift, installedPacksOf, packsSourceOf, readShippedPacks, shippedPacksOf, worldOf } from "../pack/index.js";
import type { DriftFinding, ShippedPack } from "../pack/index.js";
import { findBuiltinPacksDir } from "../pack/sources/index.js";
import { BUILTIN_SOURCE, REPOSITORY_SOURCE } from "../pack/sources/types.js";
import type { ReportPack, ReportPacks } from "./types.js";

type Shipped = ReadonlyMap<string, ShippedPack>;

/** The repository's own shipped packs: its packs folder on disk, else the ones in the model. */
async function repositoryPacks(root: string, repo: Repository): Promise<Shipped> {
  try {
    return (await readShippedPacks(root, packsSourceOf(repo))).packs;
  } catch {
    // a packs.source outside the repository: lint reports it; the model's packs/ still has metadata
    return shippedPacksOf(repo).packs;
  }
}

/** The packs edict ships (the "builtin" source), read from the local package; empty when not found. */
async function builtinPacks(): Promise<Shipped> {
  try {
    const dir = findBuiltinPacksDir();
    return (await readShippedPacks(dirname(dir), basename(dir))).packs;
  } catch {
    return new Map();
  }
}

/** A string field of an installed_packs entry as written, if it is one. */
function stateString(repo: Repository, name: string, field: string): string | undefined {
  const value = getAtPointer(repo.byPath.get(PACK_STATE_FILE)?.source.value, joinPointer(joinPointer("/installed_packs", name), field));
  return typeof value === "string" ? value : undefined;
}

/**
 * Drift against the source each pack came from, when that source is local (the repository's
 * folder or the built-in library); packs from url or git sources get only file drift (edited or
 * missing files), since comparing them with a local folder of another origin would be wrong.
 */
function driftOf(repo: Repository, sourceOf: (name: string) => string, local: { repository: Shipped; builtin: Shipped }): DriftFinding[] {
  try {
    const world = worldOf(repo);
    const shipped = new Map<string, ShippedPack>();
    for (const name of Object.keys(world.state.installed_packs ?? {})) {
      const source = sourceOf(name);
      const pack = source === REPOSITORY_SOURCE ? local.repository.get(name) : source === BUILTIN_SOURCE ? local.builtin.get(name) : undefined;
      if (pack) shipped.set(name, pack);
    }
    return computeDrift(world.state, shipped, world.policyFiles);
  } catch {
    // a state that cannot be read: lint reports it with its position
    return [];
  }
}

/** The shipped pack a band is taken from: the one of the installed source and version, else any of that name. */
function metadataOf(name: string, version: string | undefined, source: string, local: { repository: Shipped; builtin: Shipped }): ShippedPack | undefined {
  const ordered = source === BUILTIN_SOURCE ? [local.builtin, local.repository] : [local.repository, local.builtin];
  for (const set of ordered) {
    const pack = set.get(name);
    if (pack && pack.version === version) return pack;
  }
  return ordered.map((s) => s.get(name)).find((p) => p !== undefined);
}

/**
 * The report's pack data, or undefined when the repository has no pack state and no custom
 * policies to draw.
 *
 * @example
 * const packs = await gatherPacks(root, repo); // renderPacks(packs, linker)
 */
export async function gatherPacks(root: string, repo: Repository): Promise<ReportPacks | undefined> {
  const view = installedPacksOf(repo);
  const installedFiles = new Set(view?.packs.flatMap((p) => p.files.map((f) => f.path)) ?? []);
  const priorityOf = new Map(repo.policies.map((p) => [p.file.path, p.priority] as const));
  const customPriorities = repo.policies
    .filter((p) => !installedFiles.has(p.file.path) && p.priority !== undefined)
    .map((p) => p.priority!)
    .sort((a, b) => a - b);
  if (!view && customPriorities.length === 0) return undefined;

  const local = { repository: await repositoryPacks(root, repo), builtin: new Map() as Shipped };
  const sourceOf = (name: string) => stateString(repo, name, "source") ?? REPOSITORY_SOURCE;
  if ((view?.packs ?? []).some((p) => sourceOf(p.name) === BUILTIN_SOURCE || !local.repository.has(p.name))) local.builtin = await builtinPacks();

  const installed = (view?.packs ?? [])
    .map((p): ReportPack => {
      const source = sourceOf(p.name);
      const band = metadataOf(p.name, p.version, source, local)?.band;
      const priorities = [...new Set(p.files.map((f) => priorityOf.get(f.path)).filter((n): n is number => n !== undefined))].sort((a, b) => a - b);
      return {
        name: p.name,
        version: p.version ?? "",
        layer: p.layer ?? "",
        source,
        ...(p.checksum !== undefined ? { checksum: p.checksum } : {}),
        ...(band ? { band: { min: band.min, max: band.max } } : {}),
        priorities,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { installed, customPriorities, drift: view ? driftOf(repo, sourceOf, local) : [] };
}
