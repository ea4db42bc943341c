/**
 * The I/O around resolution and planning: reading what the sources offer, fetching the packs
 * resolution chose or the state lists, the repository's schema files for the modelines, and a
 * repository model with a plan applied in memory (for the effective diff of an upgrade).
 * Everything that decides lives in resolve.ts, plan.ts and upgrades.ts; this module only gathers.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { EdictError, isEdictError } from "../errors.js";
import { buildRepository, PACK_STATE_FILE } from "../model/repository.js";
import type { RawFile, Repository } from "../model/repository.js";
import type { PackState } from "../model/types.js";
import { SCHEMA_DIRS } from "./modeline.js";
import type { ShippedPack, ShippedPacks } from "./model.js";
import type { PackPlan, PlannedPack } from "./plan.js";
import type { InstalledVersion, Resolution, SourceOffers } from "./resolve.js";
import { sourceOfEntry } from "./state.js";
import { BUILTIN_SOURCE, REPOSITORY_SOURCE } from "./sources/types.js";
import type { PackOffer, PackSource } from "./sources/types.js";
import type { UnavailablePack } from "./verify.js";
import { repoFileBytes } from "./view.js";

export interface UnreachableSource {
  source: string;
  message: string;
}

export interface OffersRead {
  /** In search order; a source that could not be read is left out (lenient) . */
  sources: SourceOffers[];
  unreachable: UnreachableSource[];
}

function messageOf(e: unknown): string {
  return isEdictError(e) ? e.message : e instanceof Error ? e.message : String(e);
}

/**
 * The offers of every source, in search order. Strict (install, upgrade): a source that cannot be
 * read throws, since a pack it would have offered must not be taken from a later source instead.
 * Lenient (list): it is reported in `unreachable` and left out.
 */
export async function readOffers(sources: readonly PackSource[], options: { lenient?: boolean } = {}): Promise<OffersRead> {
  const read = await Promise.all(
    sources.map(async (s) => {
      try {
        return { source: s.name, offers: await s.offers() as PackOffer[] | undefined, error: undefined as string | undefined };
      } catch (e) {
        if (!options.lenient) throw e;
        return { source: s.name, offers: undefined, error: messageOf(e) };
      }
    }),
  );
  const out: OffersRead = { sources: [], unreachable: [] };
  for (const r of read) {
    if (r.offers !== undefined) out.sources.push({ source: r.source, offers: r.offers });
    else out.unreachable.push({ source: r.source, message: r.error ?? "unreadable" });
  }
  return out;
}

/** The source named `name`, or PACK_SOURCE_ERROR saying the state names a source edict.yaml no longer lists. */
export function sourceNamed(sources: readonly PackSource[], name: string, pack?: string): PackSource {
  const found = sources.find((s) => s.name === name);
  if (found) return found;
  throw new EdictError(
    "PACK_SOURCE_ERROR",
    `${pack ? `pack ${pack} was installed from` : "no"} source ${name}${pack ? ", which" : " that"} edict.yaml does not list (sources: ${sources.map((s) => s.name).join(", ")}); add it under packs.sources again, or reinstall the pack from another source`,
    { position: { file: "edict.yaml" } },
  );
}

/** Installed versions with their dependencies, taken from the offer of the same version in the recorded source. */
export function installedVersionsOf(state: PackState, offers: readonly SourceOffers[]): Record<string, InstalledVersion> {
  const out: Record<string, InstalledVersion> = {};
  for (const [name, entry] of Object.entries(state.installed_packs ?? {})) {
    const source = offers.find((s) => s.source === sourceOfEntry(entry));
    const offer = source?.offers.find((o) => o.name === name && o.version === entry.version);
    out[name] = { version: entry.version, ...(offer ? { dependencies: offer.dependencies } : {}) };
  }
  return out;
}

/** The pin to fetch an installed pack with: its `resolved`, else (states before sources) its checksum for a folder source. */
function pinOf(entry: { source?: string; resolved?: string; pack_checksum?: string }): string | undefined {
  if (entry.resolved !== undefined) return entry.resolved;
  const source = sourceOfEntry(entry);
  return source === REPOSITORY_SOURCE || source === BUILTIN_SOURCE ? entry.pack_checksum : undefined;
}

export interface InstalledFetch {
  /** Each installed pack as its recorded source has it at the installed version and pin. */
  planned: PlannedPack[];
  /** The same packs, for the checks between packs. */
  context: ShippedPacks;
  /** The packs that could not be fetched, and why. */
  unavailable: Map<string, UnavailablePack>;
}

/**
 * Fetches every installed pack from its recorded source at its version and pin. With `strict`,
 * the first failure throws (reinstall: the state is a lock file); otherwise a refusal
 * (pin mismatch, bad signature) and an unreachable source are collected in `unavailable`.
 */
export async function fetchInstalled(sources: readonly PackSource[], state: PackState, options: { strict?: boolean } = {}): Promise<InstalledFetch> {
  const planned: PlannedPack[] = [];
  const unavailable = new Map<string, UnavailablePack>();
  for (const name of Object.keys(state.installed_packs ?? {}).sort()) {
    const entry = state.installed_packs![name]!;
    try {
      const source = sourceNamed(sources, sourceOfEntry(entry), name);
      const fetched = await source.fetch(name, entry.version, pinOf(entry));
      planned.push({ pack: fetched.pack, origin: fetched.origin });
    } catch (e) {
      if (options.strict || !isEdictError(e)) throw e;
      const failure = e.code !== "PACK_SOURCE_ERROR";
      unavailable.set(name, { message: `${name} ${entry.version} cannot be had from source ${sourceOfEntry(entry)}: ${e.message}`, failure });
    }
  }
  return { planned, context: contextOf(planned.map((p) => p.pack)), unavailable };
}

/** A ShippedPacks over the given packs (what the checks between packs read). */
export function contextOf(packs: readonly ShippedPack[], source = "sources"): ShippedPacks {
  return { packs: new Map(packs.map((p) => [p.name, p] as const)), problems: [], source };
}

/** Fetches the packs resolution chose, in its order. */
export async function fetchResolution(sources: readonly PackSource[], resolution: Resolution): Promise<PlannedPack[]> {
  const out: PlannedPack[] = [];
  for (const r of resolution.packs) {
    const fetched = await sourceNamed(sources, r.source).fetch(r.name, r.version);
    out.push({ pack: fetched.pack, origin: fetched.origin, ...(r.range !== undefined ? { range: r.range } : {}) });
  }
  return out;
}

/** Repository paths of the JSON Schemas in the folders modelines may point at (`.edict/schemas/AccessPolicy.json`, …). */
export async function schemaFilesOf(root: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const dir of SCHEMA_DIRS) {
    let names: string[];
    try {
      names = await readdir(join(root, ...dir.split("/")));
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith(".json")) out.add(`${dir}/${n}`);
  }
  return out;
}

/** The repository model as it would be with `plan` applied: its files added, replaced and removed, and the new state. */
export function withPlanApplied(repo: Repository, plan: PackPlan): Repository {
  const files = new Map<string, RawFile["bytes"]>();
  for (const f of repo.files) files.set(f.path, repoFileBytes(f));
  for (const f of [...plan.add, ...plan.replace]) files.set(f.path, f.content);
  for (const p of plan.remove) files.delete(p);
  files.set(PACK_STATE_FILE, plan.stateText);
  return buildRepository([...files].map(([path, bytes]) => ({ path, bytes })));
}
