/**
 * A source over a folder of packs on disk (`<name>/metadata.yaml`, `<name>/policies/…`): the
 * repository's own pack folder and the library edict ships. A folder holds one version of each
 * pack; what pins it is the pack checksum.
 */
import { EdictError } from "../../errors.js";
import type { ShippedPacks } from "../model.js";
import { offersOf, packAt } from "./offers.js";
import type { FetchedPack, PackOffer, PackSource, PackSourceKind } from "./types.js";

export interface FolderSourceOptions {
  name: string;
  kind: PackSourceKind;
  /** For messages: `packs/ in the repository`. */
  where: string;
  /** Reads the folder; called once, on first use. */
  read: () => Promise<ShippedPacks>;
}

export function folderSource(options: FolderSourceOptions): PackSource {
  let packs: Promise<ShippedPacks> | undefined;
  const load = (): Promise<ShippedPacks> => (packs ??= options.read());
  return {
    name: options.name,
    kind: options.kind,
    async offers(): Promise<PackOffer[]> {
      return offersOf(await load(), options.name);
    },
    async fetch(name: string, version: string, pin?: string): Promise<FetchedPack> {
      const pack = packAt(await load(), name, version, options.where);
      if (pin !== undefined && pin !== pack.checksum) {
        throw new EdictError(
          "PACK_PIN_MISMATCH",
          `${name} ${version} in ${options.where} has checksum ${pack.checksum}, but ${pin} was installed: ` +
            `its files changed without a version bump. Restore them, or bump the pack's version and upgrade to it`,
        );
      }
      return { pack, origin: { source: options.name, resolved: pack.checksum } };
    },
  };
}
