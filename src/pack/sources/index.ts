/**
 * The pack sources of a repository, in the order they are searched: its own pack folder
 * ("repository"), then edict.yaml's `packs.sources` in order (`url:` an index written by
 * `edict pack publish`, `git:` a repository with packs under packs/<name>/), then the library
 * edict ships ("builtin").
 */
import { EdictError } from "../../errors.js";
import { CONFIG_FILE } from "../../model/repository.js";
import type { Repository } from "../../model/repository.js";
import type { PackSourceConfig } from "../../model/types.js";
import { builtinSource } from "./builtin.js";
import { gitSource } from "./git-source.js";
import { repositorySource } from "./repository-source.js";
import { BUILTIN_SOURCE, REPOSITORY_SOURCE } from "./types.js";
import type { PackSource, PackSourceKind } from "./types.js";
import { urlSource } from "./url-source.js";

export { builtinSource, findBuiltinPacksDir } from "./builtin.js";
export { gitSource } from "./git-source.js";
export { repositorySource } from "./repository-source.js";
export { urlSource } from "./url-source.js";
export { BUILTIN_SOURCE, REPOSITORY_SOURCE } from "./types.js";
export type { FetchedPack, PackOffer, PackOrigin, PackSource, PackSourceKind } from "./types.js";

export interface PackSourcesOptions {
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof globalThis.fetch;
}

/** A source that cannot be built: it refuses every use with the configuration error. */
function misconfigured(name: string, kind: PackSourceKind, message: string): PackSource {
  const refuse = (): never => {
    throw new EdictError("CONFIG_ERROR", `${message} (\`edict lint\` shows where)`, { position: { file: CONFIG_FILE } });
  };
  return { name, kind, offers: async () => refuse(), fetch: async () => refuse() };
}

/**
 * The configured sources as written, checked just enough to build them: each needs a name and
 * exactly one of url and git, and names are unique and not one of the two fixed ones (a state
 * entry's `source` must name one source only). A source that fails these refuses every use with
 * CONFIG_ERROR; lint reports the same problems with positions.
 */
function configuredSources(repo: Repository, root: string, options: PackSourcesOptions): PackSource[] {
  const written: unknown = repo.config?.value.packs?.sources;
  if (!Array.isArray(written)) return [];
  const seen = new Set<string>();
  return written.map((entry: unknown, i): PackSource => {
    const at = `packs.sources[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return misconfigured(at, "url", `${at} must be a mapping with name and url or git`);
    const config = entry as PackSourceConfig;
    const hasUrl = typeof config.url === "string";
    const hasGit = typeof config.git === "string";
    const kind: PackSourceKind = hasGit && !hasUrl ? "git" : "url";
    if (typeof config.name !== "string" || config.name.trim() === "") return misconfigured(at, kind, `${at} needs a name`);
    const name = config.name;
    if (name === REPOSITORY_SOURCE || name === BUILTIN_SOURCE) {
      return misconfigured(name, kind, `${at}: the name "${name}" is reserved for ${name === REPOSITORY_SOURCE ? "the repository's own pack folder" : "the packs edict ships"}; choose another`);
    }
    if (seen.has(name)) return misconfigured(name, kind, `${at}: another source is already named "${name}"; names must be unique`);
    seen.add(name);
    if (hasUrl === hasGit) return misconfigured(name, kind, `${at} (${name}) needs exactly one of url (an index written by \`edict pack publish\`) and git (a repository)`);
    return hasGit ? gitSource(config, { root }) : urlSource(config, { root, env: options.env, ...(options.fetch ? { fetch: options.fetch } : {}) });
  });
}

/**
 * [repository, ...packs.sources in order, builtin]. Building the list never fails and does no
 * I/O: a misconfigured source refuses its first use with CONFIG_ERROR, and reading happens on
 * `offers()` and `fetch()`.
 */
export function packSourcesOf(repo: Repository, root: string, options: PackSourcesOptions): PackSource[] {
  return [repositorySource(root, repo), ...configuredSources(repo, root, options), builtinSource()];
}
