/**
 * Pack sources: where packs come from. They are searched in this order: the repository's own
 * pack folder ("repository"), then edict.yaml's `packs.sources` in order (url indexes written by
 * `edict pack publish`, git repositories), then the library edict ships ("builtin").
 *
 * A source offers versions cheaply (`offers`, from an index or a tree listing) and hands over one
 * pack only after verifying it (`fetch`): a url source checks the envelope's sha256 against its
 * index entry, its Ed25519 signature against the source's keys, the payload's name and version
 * against what was asked, and the pack checksum against the files; a git source reads the files
 * at one commit. What `fetch` returns is the same validated pack model a repository's own folder
 * gives (`ShippedPack`), so planning and applying do not care where a pack came from.
 */
import type { Layer } from "../../engine/vocabulary.js";
import type { ShippedPack } from "../model.js";

export type PackSourceKind = "repository" | "builtin" | "url" | "git";

/** The name the repository's own pack folder has as a source. */
export const REPOSITORY_SOURCE = "repository";
/** The name of the library of packs edict ships in its npm package. */
export const BUILTIN_SOURCE = "builtin";

/** One version of one pack a source offers, known before the pack is fetched. */
export interface PackOffer {
  name: string;
  version: string;
  layer: Layer;
  description?: string;
  /** As the pack's metadata writes them: `starter` or `starter@^1.0.0`. */
  dependencies: string[];
  /** The offering source's name. */
  source: string;
}

/** Where an installed pack came from, as `.edict/packs.yaml` records it (`source`, `resolved`). */
export interface PackOrigin {
  source: string;
  /**
   * What pins the exact content: `<envelope url>#sha256:<hex of the envelope file>` for a url
   * source, `git+<url>@<commit>#packs/<name>` for a git source, the pack checksum
   * (`sha256:<hex>`) for the repository's folder and the built-in library.
   */
  resolved: string;
}

/** A verified pack, ready to plan with. */
export interface FetchedPack {
  pack: ShippedPack;
  origin: PackOrigin;
}

export interface PackSource {
  readonly name: string;
  readonly kind: PackSourceKind;
  /**
   * Every version of every pack the source offers, sorted by name then version (ascending).
   * Throws PACK_SOURCE_ERROR when the source cannot be read (unreachable host, missing
   * repository, malformed index); callers that can go on without it (lint) turn that into a warning.
   */
  offers(): Promise<PackOffer[]>;
  /**
   * One pack version, verified. Throws PACK_SOURCE_ERROR when it cannot be retrieved and a pack
   * refusal (PACK_SIGNATURE_ERROR, PACK_DIGEST_MISMATCH, PACK_NAME_MISMATCH, PACK_PIN_MISMATCH)
   * when it is not what the source promised. `pin` is a recorded `resolved` value: the fetch
   * must produce exactly that content or refuse (PACK_PIN_MISMATCH).
   */
  fetch(name: string, version: string, pin?: string): Promise<FetchedPack>;
}
