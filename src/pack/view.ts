/**
 * What pack operations and pack lint rules read from the repository model: the shipped packs
 * under `packs/`, the installed-pack state, and the bytes of the files under `policies/`.
 */
import { EdictError } from "../errors.js";
import { validatePolicyDocument } from "../model/documents/index.js";
import { PACK_STATE_FILE, PACKS_DIR } from "../model/repository.js";
import type { RepoFile, Repository } from "../model/repository.js";
import { getAtPointer, joinPointer } from "../model/pointer.js";
import { parseSource } from "../model/source.js";
import type { PackState } from "../model/types.js";
import type { PolicyKind } from "../engine/vocabulary.js";
import { toShippedPacks } from "./model.js";
import type { ShippedPacks } from "./model.js";
import { emptyState, toPackState } from "./state.js";

const encoder = new TextEncoder();

/**
 * The bytes of a repository file as read. The model keeps decoded text without the BOM, so the
 * mark is put back; for valid UTF-8 this gives the file's exact bytes.
 */
export function repoFileBytes(file: RepoFile): Uint8Array {
  const bom = file.source.problems.some((p) => p.code === "byte-order-mark");
  return encoder.encode(bom ? `\uFEFF${file.source.text}` : file.source.text);
}

const shippedCache = new WeakMap<Repository, ShippedPacks>();

/** The packs shipped in the repository's own `packs/` folder (what lint sees). */
export function shippedPacksOf(repo: Repository): ShippedPacks {
  let cached = shippedCache.get(repo);
  if (!cached) {
    const prefix = `${PACKS_DIR}/`;
    const files = repo.files
      .filter((f) => (f.kind === "pack-meta" || f.kind === "pack-policy") && f.path.startsWith(prefix))
      .map((f) => ({ path: f.path.slice(prefix.length), bytes: repoFileBytes(f) }));
    cached = { ...toShippedPacks(files), source: PACKS_DIR };
    shippedCache.set(repo, cached);
  }
  return cached;
}

export interface PolicyIdentity {
  kind: PolicyKind;
  id: string;
}

/** What planning reads: the state, and the files under policies/ with their policy ids. */
export interface PackWorld {
  state: PackState;
  /** The state file's text; undefined when the repository has none yet. */
  stateText?: string;
  /** Every file under policies/ that edict reads: path → bytes. */
  policyFiles: ReadonlyMap<string, Uint8Array>;
  /** Kind and id of the policies among them. */
  policyIds: ReadonlyMap<string, PolicyIdentity>;
}

/** The identity of a policy file's content, when it names a kind and an id. */
export function identityOf(path: string, bytes: Uint8Array): PolicyIdentity | undefined {
  const document = validatePolicyDocument(parseSource(path, bytes).value).value;
  const id = document?.metadata?.id;
  return document && id !== undefined ? { kind: document.kind, id } : undefined;
}

/**
 * The world of a repository. Throws PACK_ERROR when `.edict/packs.yaml` exists but cannot be
 * read: changing packs on top of a broken state could orphan or delete the wrong files.
 */
export function worldOf(repo: Repository): PackWorld {
  const policyFiles = new Map<string, Uint8Array>();
  for (const f of repo.files) if (f.kind === "policy") policyFiles.set(f.path, repoFileBytes(f));
  const policyIds = new Map<string, PolicyIdentity>();
  for (const e of repo.policies) if (e.id !== undefined) policyIds.set(e.file.path, { kind: e.kind, id: e.id });

  const stateFile = repo.byPath.get(PACK_STATE_FILE);
  if (!stateFile) return { state: emptyState(), policyFiles, policyIds };
  const fatal = stateFile.source.problems.filter((p) => p.code !== "byte-order-mark");
  const parsed = fatal.length > 0 ? { ok: false as const, problems: fatal.map((p) => p.message) } : toPackState(stateFile.source.value);
  if (!parsed.ok) {
    throw new EdictError(
      "PACK_ERROR",
      `${PACK_STATE_FILE} cannot be read: ${parsed.problems.slice(0, 3).join("; ")}. Fix it (\`edict lint\` shows where) or restore it from git before changing packs`,
      { position: { file: PACK_STATE_FILE } },
    );
  }
  return { state: parsed.state, stateText: stateFile.source.text, policyFiles, policyIds };
}

export interface InstalledFileView {
  path: string;
  sha256?: string;
  policyId?: string;
  /** Pointer of the entry's `path` in the state file. */
  pointer: string;
}

export interface InstalledPackView {
  /** The key under installed_packs. */
  name: string;
  version?: string;
  layer?: string;
  checksum?: string;
  pointer: string;
  files: InstalledFileView[];
}

/**
 * The installed packs as written, read leniently for lint: entries and fields of the wrong
 * shape are skipped (the schema rules report them), never thrown on.
 */
export function installedPacksOf(repo: Repository): { file: RepoFile; packs: InstalledPackView[] } | undefined {
  const file = repo.byPath.get(PACK_STATE_FILE);
  const installed = getAtPointer(file?.source.value, "/installed_packs");
  if (!file || typeof installed !== "object" || installed === null || Array.isArray(installed)) return file ? { file, packs: [] } : undefined;
  const packs: InstalledPackView[] = [];
  for (const [name, raw] of Object.entries(installed as Record<string, unknown>)) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) continue;
    const entry = raw as Record<string, unknown>;
    const pointer = joinPointer("/installed_packs", name);
    const files: InstalledFileView[] = [];
    if (Array.isArray(entry.files)) {
      entry.files.forEach((f, i) => {
        if (typeof f !== "object" || f === null) return;
        const rec = f as Record<string, unknown>;
        if (typeof rec.path !== "string") return;
        files.push({
          path: rec.path,
          ...(typeof rec.sha256 === "string" ? { sha256: rec.sha256 } : {}),
          ...(typeof rec.policy_id === "string" ? { policyId: rec.policy_id } : {}),
          pointer: `${pointer}/files/${i}/path`,
        });
      });
    }
    packs.push({
      name,
      ...(typeof entry.version === "string" ? { version: entry.version } : {}),
      ...(typeof entry.layer === "string" ? { layer: entry.layer } : {}),
      ...(typeof entry.pack_checksum === "string" ? { checksum: entry.pack_checksum } : {}),
      pointer,
      files,
    });
  }
  return { file, packs };
}
