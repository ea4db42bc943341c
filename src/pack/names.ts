/**
 * Names of packs, slugs and the files a pack installs. Every path a pack operation
 * writes is built here from validated parts, so no name can reach outside `policies/` or
 * `.edict/`.
 */
import { PACK_STATE_FILE, POLICIES_DIR } from "../model/repository.js";

/** Pack names and policy slugs: lowercase letters, digits, `_` and `-`, starting with a letter or digit. */
export const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
const MAX_NAME_LENGTH = 64;

/** A shipped policy file inside `packs/<name>/policies/`: `NN_<slug>.yaml`. */
export const POLICY_FILE_RE = /^(\d{2})_([a-z0-9][a-z0-9_-]*)\.yaml$/;

/** An installed pack file: `policies/<pack>__<NN>__<slug>.yaml` (pack names never contain `__`). */
const INSTALLED_FILE_RE = /^policies\/([a-z0-9][a-z0-9_-]*?)__(\d{2})__([a-z0-9][a-z0-9_-]*)\.yaml$/;

/** Why `name` is not a valid pack name, or undefined when it is. */
export function packNameProblem(name: string): string | undefined {
  if (!NAME_RE.test(name)) return `pack name "${name}" must match ${NAME_RE.source} (lowercase letters, digits, _ and -)`;
  if (name.length > MAX_NAME_LENGTH) return `pack name "${name}" is longer than ${MAX_NAME_LENGTH} characters`;
  // "__" separates pack, index and slug in installed file names; inside a name it would be ambiguous.
  if (name.includes("__")) return `pack name "${name}" must not contain "__", which separates the parts of installed file names`;
  return undefined;
}

export function isPackName(name: string): boolean {
  return packNameProblem(name) === undefined;
}

export interface PolicyFileName {
  index: string;
  slug: string;
}

/** "01_mask_pii.yaml" → {index: "01", slug: "mask_pii"}; undefined when the name does not follow `NN_<slug>.yaml`. */
export function parsePolicyFileName(fileName: string): PolicyFileName | undefined {
  const m = POLICY_FILE_RE.exec(fileName);
  if (!m || m[2]!.length > MAX_NAME_LENGTH) return undefined;
  return { index: m[1]!, slug: m[2]! };
}

/** The repository path a pack policy is installed to: `policies/<pack>__<NN>__<slug>.yaml`. */
export function installedPath(pack: string, index: string, slug: string): string {
  if (!isPackName(pack)) throw new TypeError(`invalid pack name ${JSON.stringify(pack)}`);
  if (!/^\d{2}$/.test(index) || !NAME_RE.test(slug)) throw new TypeError(`invalid policy file index/slug ${JSON.stringify(`${index}_${slug}`)}`);
  return `${POLICIES_DIR}/${pack}__${index}__${slug}.yaml`;
}

export interface InstalledName {
  pack: string;
  index: string;
  slug: string;
}

/** Parses `policies/<pack>__<NN>__<slug>.yaml`; undefined for any other path. */
export function parseInstalledPath(path: string): InstalledName | undefined {
  const m = INSTALLED_FILE_RE.exec(path);
  if (!m || !isPackName(m[1]!)) return undefined;
  return { pack: m[1]!, index: m[2]!, slug: m[3]! };
}

/** True when `path` is a file pack `pack` could have installed. */
export function isInstalledPathOf(pack: string, path: string): boolean {
  return parseInstalledPath(path)?.pack === pack;
}

/**
 * True for the only paths a pack operation may write: an installed pack file or the state file.
 * Path traversal: rejects `..`, absolute paths, backslashes and nested folders by construction.
 */
export function isWritablePackPath(path: string): boolean {
  return path === PACK_STATE_FILE || parseInstalledPath(path) !== undefined;
}
