/** Shared lookups of the pack rules: the repository files behind shipped packs and the state. */
import { getAtPointer } from "../../model/pointer.js";
import { PACKS_DIR } from "../../model/repository.js";
import type { RepoFile, Repository } from "../../model/repository.js";
import { PACK_METADATA_FILE } from "../../pack/index.js";

/** `packs/<pack>/<file>` in the repository model. */
export function packFile(repo: Repository, pack: string, file: string): RepoFile | undefined {
  return repo.byPath.get(`${PACKS_DIR}/${pack}/${file}`);
}

export function metadataFile(repo: Repository, pack: string): RepoFile | undefined {
  return packFile(repo, pack, PACK_METADATA_FILE);
}

/** Pointer of the `dependencies` entry written as `raw`, or of the list when not found. */
export function dependencyPointer(file: RepoFile, raw: string): string {
  const list = getAtPointer(file.source.value, "/__pack_meta/dependencies");
  const i = Array.isArray(list) ? list.indexOf(raw) : -1;
  return i >= 0 ? `/__pack_meta/dependencies/${i}` : "/__pack_meta/dependencies";
}

/** A checksum shortened for messages: `sha256:0123456789ab…`. */
export function shortChecksum(c: string | undefined): string {
  return c ? `${c.slice(0, "sha256:".length + 12)}…` : "(none)";
}
