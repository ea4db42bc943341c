/**
 * The repository's own pack folder as a source (named "repository"): edict.yaml's
 * `packs.source`, default `packs/`. It is searched first, so a pack the repository ships
 * shadows one of the same name elsewhere.
 */
import type { Repository } from "../../model/repository.js";
import { packsSourceOf, readShippedPacks } from "../read-packs.js";
import { folderSource } from "./folder-source.js";
import { REPOSITORY_SOURCE } from "./types.js";
import type { PackSource } from "./types.js";

export function repositorySource(root: string, repo: Repository): PackSource {
  // a packs.source outside the repository is refused on first use (CONFIG_ERROR), like any misconfigured source
  let folder: string | undefined;
  try {
    folder = packsSourceOf(repo);
  } catch {
    folder = undefined;
  }
  return folderSource({
    name: REPOSITORY_SOURCE,
    kind: "repository",
    where: `${folder ?? "the pack folder"}/ in the repository`,
    read: () => readShippedPacks(root, folder ?? packsSourceOf(repo)),
  });
}
