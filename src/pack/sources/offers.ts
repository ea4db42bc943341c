/**
 * What every source does with packs it has read as a whole (a folder on disk, a tree at a git
 * commit): offer one version per pack, and hand one over after checking it is the one asked for.
 */
import { EdictError } from "../../errors.js";
import type { ShippedPack, ShippedPacks } from "../model.js";
import type { PackOffer } from "./types.js";

function byName(a: PackOffer, b: PackOffer): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * One offer per pack that could be read (a pack with problems is offered too: installing it is
 * refused with its problems listed, which says more than "no such pack").
 */
export function offersOf(packs: ShippedPacks, source: string): PackOffer[] {
  return [...packs.packs.values()]
    .map((p) => ({
      name: p.name,
      version: p.version,
      layer: p.layer,
      ...(p.description !== undefined ? { description: p.description } : {}),
      dependencies: p.dependencies.map((d) => d.raw),
      source,
    }))
    .sort(byName);
}

/**
 * The pack `name` at `version`, or PACK_SOURCE_ERROR saying what the source has instead. `where`
 * names the place for the message (`packs/ in the repository`, `the built-in library`).
 */
export function packAt(packs: ShippedPacks, name: string, version: string, where: string): ShippedPack {
  const pack = packs.packs.get(name);
  if (!pack) {
    const names = [...packs.packs.keys()];
    throw new EdictError("PACK_SOURCE_ERROR", `${where} has no pack named ${name} (it has: ${names.length > 0 ? names.join(", ") : "none"})`);
  }
  if (pack.version !== version) {
    throw new EdictError("PACK_SOURCE_ERROR", `${where} has ${name} ${pack.version}, not ${version}; run \`edict pack list\` to see what each source offers`);
  }
  return pack;
}
