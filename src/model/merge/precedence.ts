/** Precedence of documents: layer, then priority, then id. */
import type { PolicyEntry, Repository } from "../repository.js";
import type { Layer } from "../../engine/vocabulary.js";

const LAYER_RANK: Record<Layer, number> = { foundation: 0, domain: 1, custom: 2 };

export interface RankedDocument {
  entry: PolicyEntry;
  layer: Layer;
  /** The owning pack, when an installed pack owns the file. */
  pack?: string;
}

/** Maps installed pack files to their pack and layer; files no pack owns are `custom`. */
export function packOwnership(repo: Repository): Map<string, { pack: string; layer: Layer }> {
  const owners = new Map<string, { pack: string; layer: Layer }>();
  for (const [name, pack] of Object.entries(repo.packState?.value.installed_packs ?? {})) {
    for (const f of pack.files) owners.set(f.path, { pack: name, layer: pack.layer });
  }
  return owners;
}

export function compareRanked(a: RankedDocument, b: RankedDocument): number {
  return (
    LAYER_RANK[a.layer] - LAYER_RANK[b.layer] ||
    (a.entry.priority ?? 0) - (b.entry.priority ?? 0) ||
    ((a.entry.id ?? "") < (b.entry.id ?? "") ? -1 : (a.entry.id ?? "") > (b.entry.id ?? "") ? 1 : 0) ||
    (a.entry.file.path < b.entry.file.path ? -1 : a.entry.file.path > b.entry.file.path ? 1 : 0)
  );
}

/** True when two documents have the same layer and priority (only the id orders them). */
export function samePrecedence(a: RankedDocument, b: RankedDocument): boolean {
  return a.layer === b.layer && (a.entry.priority ?? 0) === (b.entry.priority ?? 0);
}

/** The documents of the repository in precedence order, lowest first. */
export function rankDocuments(repo: Repository): RankedDocument[] {
  const owners = packOwnership(repo);
  return repo.policies
    .map((entry): RankedDocument => {
      const owner = owners.get(entry.file.path);
      return owner ? { entry, layer: owner.layer, pack: owner.pack } : { entry, layer: "custom" };
    })
    .sort(compareRanked);
}

/** Whether a document applies to a target: it names the target, or names none. */
export function appliesTo(entry: PolicyEntry, target: string): boolean {
  const targets = entry.document.metadata?.targets;
  return targets === undefined || targets.includes(target);
}
