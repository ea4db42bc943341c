/**
 * The shipped packs at a base revision, for `pack-changed-without-version-bump`. The lint rule
 * compares pure values; reading the base revision's `packs/**` from git is the caller's job
 * (see PackLintOptions).
 */
import type { Repository } from "../model/repository.js";
import { toShippedPacks } from "./model.js";
import { shippedPacksOf } from "./view.js";

export interface BasePack {
  version: string;
  checksum: string;
}

/**
 * Lint options the pack rules read besides `base`. With `--base REF`, the lint command reads the
 * repository at REF (`readRepositoryAtRevision` in src/io/git.ts), turns it into
 * `basePacks` with basePacksOfRepository, and passes both next to `rules` to runLint.
 * (Structurally a superset of lint's LintOptions, so pack does not depend on lint.)
 */
export interface PackLintOptions {
  /** The base revision (lint's `base` option); the rule does nothing without it. */
  base?: string;
  basePacks?: ReadonlyMap<string, BasePack>;
}

/** Version and checksum of each pack in the base revision. `files` paths are relative to the packs folder (`starter/metadata.yaml`). */
export function basePacksOf(files: Iterable<{ path: string; bytes: Uint8Array }>): Map<string, BasePack> {
  const out = new Map<string, BasePack>();
  for (const [name, pack] of toShippedPacks(files).packs) out.set(name, { version: pack.version, checksum: pack.checksum });
  return out;
}

/** Version and checksum of each pack under `packs/` of a repository model (e.g. read at a git revision). */
export function basePacksOfRepository(repo: Repository): Map<string, BasePack> {
  const out = new Map<string, BasePack>();
  for (const [name, pack] of shippedPacksOf(repo).packs) out.set(name, { version: pack.version, checksum: pack.checksum });
  return out;
}
