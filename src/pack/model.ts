/**
 * The shipped-pack model: a folder `<name>/` with `metadata.yaml` and
 * `policies/NN_<slug>.yaml`, read from (path, bytes) pairs and validated. Pure: reading the
 * folder from disk lives in read-packs.ts, from the repository model in view.ts.
 */
import semver from "semver";
import { validatePackMeta, validatePolicyDocument } from "../model/documents/index.js";
import { classifyPath, PACKS_DIR } from "../model/repository.js";
import { getAtPointer } from "../model/pointer.js";
import { parseSource } from "../model/source.js";
import type { Layer, PolicyKind } from "../engine/vocabulary.js";
import { packChecksum, fileSha256 } from "./checksum.js";
import { parseDependency } from "./dependency.js";
import type { Dependency } from "./dependency.js";
import { installedPath, packNameProblem, parsePolicyFileName } from "./names.js";

export const PACK_METADATA_FILE = "metadata.yaml";

export interface PackFile {
  /** Relative to the pack folder, forward slashes: `metadata.yaml`, `policies/01_x.yaml`. */
  path: string;
  bytes: Uint8Array;
}

export interface PackPolicy {
  /** Relative to the pack folder: `policies/01_mask_pii.yaml`. */
  file: string;
  index: string;
  slug: string;
  kind?: PolicyKind;
  id?: string;
  priority?: number;
  /** Where install copies it: `policies/<pack>__<NN>__<slug>.yaml`. */
  installPath: string;
  bytes: Uint8Array;
  /** fileSha256 of the bytes (CRLF normalised), as the state file records it. */
  sha256: string;
}

export type PackProblemCode = "pack-name" | "metadata" | "dependency" | "file-name" | "source" | "schema" | "band";

export interface PackProblem {
  code: PackProblemCode;
  pack: string;
  /** Relative to the pack folder. */
  file: string;
  pointer?: string;
  message: string;
}

export interface PriorityBand {
  min: number;
  max: number;
}

export interface ShippedPack {
  name: string;
  version: string;
  layer: Layer;
  description?: string;
  band?: PriorityBand;
  dependencies: Dependency[];
  policies: PackPolicy[];
  /** Every file the checksum covers (metadata and policies), sorted by path. */
  files: PackFile[];
  checksum: string;
  /** Everything wrong with the pack; install refuses a pack with problems. */
  problems: PackProblem[];
}

export interface ShippedPacks {
  packs: Map<string, ShippedPack>;
  /** The folder they were read from, for messages (default `packs`). */
  source?: string;
  /** Problems of every pack, including folders that could not be read as a pack at all. */
  problems: PackProblem[];
}


function byPath<T extends { path: string }>(a: T, b: T): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The files of a pack folder that the checksum covers: the ones edict reads (see classifyPath). */
export function isPackContentPath(relativePath: string): boolean {
  const kind = classifyPath(`${PACKS_DIR}/pack/${relativePath}`);
  return kind === "pack-meta" || kind === "pack-policy";
}

/**
 * Reads one pack from its files. Returns no pack when metadata.yaml is missing or lacks name,
 * version or layer; otherwise the pack with every problem found (never throws).
 */
export function toShippedPack(name: string, input: readonly PackFile[]): { pack?: ShippedPack; problems: PackProblem[] } {
  const problems: PackProblem[] = [];
  const problem = (code: PackProblemCode, file: string, message: string, pointer?: string) =>
    problems.push({ code, pack: name, file, message, ...(pointer !== undefined ? { pointer } : {}) });

  const nameProblem = packNameProblem(name);
  if (nameProblem) {
    problem("pack-name", PACK_METADATA_FILE, nameProblem);
    return { problems };
  }
  const files = input.filter((f) => isPackContentPath(f.path)).sort(byPath);
  const metaFile = files.find((f) => f.path === PACK_METADATA_FILE);
  if (!metaFile) {
    problem("metadata", files[0]?.path ?? PACK_METADATA_FILE, `pack ${name} has no ${PACK_METADATA_FILE}`);
    return { problems };
  }

  const metaSource = parseSource(PACK_METADATA_FILE, metaFile.bytes);
  // A byte-order mark is harmless (edict ignores it); every other reading problem blocks the pack.
  for (const p of metaSource.problems) if (p.code !== "byte-order-mark") problem("source", PACK_METADATA_FILE, p.message);
  const { value: meta, issues } = metaSource.value === undefined ? { value: undefined, issues: [] } : validatePackMeta(metaSource.value);
  for (const issue of issues) problem("schema", PACK_METADATA_FILE, `${issue.pointer || "/"}: ${issue.message}`, issue.pointer);
  if (!meta) {
    if (!problems.some((p) => p.code === "schema" || p.code === "source")) problem("metadata", PACK_METADATA_FILE, "__pack_meta needs name, version and layer");
    return { problems };
  }
  const { name: metaName, version, layer } = meta;
  if (metaName !== name) {
    problem("metadata", PACK_METADATA_FILE, `__pack_meta.name is "${metaName}" but the folder is packs/${name}; they must be the same`, "/__pack_meta/name");
  }
  if (semver.valid(version) === null) {
    problem("metadata", PACK_METADATA_FILE, `version "${version}" is not a semantic version (e.g. "1.0.0")`, "/__pack_meta/version");
  }

  const dependencies: Dependency[] = [];
  // the list as written, so a problem points at its own index even beside an item of another type
  const written = getAtPointer(metaSource.value, "/__pack_meta/dependencies");
  (Array.isArray(written) ? written : []).forEach((d, i) => {
    if (typeof d !== "string") return; // a schema problem
    const parsed = parseDependency(d);
    if (parsed.ok) {
      if (parsed.dependency.name === name) problem("dependency", PACK_METADATA_FILE, `pack ${name} depends on itself`, `/__pack_meta/dependencies/${i}`);
      else dependencies.push(parsed.dependency);
    } else problem("dependency", PACK_METADATA_FILE, parsed.message, `/__pack_meta/dependencies/${i}`);
  });

  // ends that are not whole numbers are a schema problem, and such a band bounds nothing
  const declared = meta.priority_band;
  const band: PriorityBand | undefined = declared && Number.isInteger(declared.min) && Number.isInteger(declared.max) ? declared : undefined;
  if (band && band.min > band.max) problem("band", PACK_METADATA_FILE, `priority_band min ${band.min} is above max ${band.max}`, "/__pack_meta/priority_band");

  const policies: PackPolicy[] = [];
  const indexes = new Map<string, string>();
  for (const f of files) {
    if (f.path === PACK_METADATA_FILE) continue;
    const fileName = f.path.slice("policies/".length);
    const parsedName = fileName.includes("/") ? undefined : parsePolicyFileName(fileName);
    if (!parsedName) {
      problem(
        "file-name",
        f.path,
        fileName.includes("/")
          ? `${f.path}: pack policies live directly in policies/, not in subfolders`
          : `${f.path}: pack policy files are named NN_<slug>.yaml (two digits, then a lowercase slug), e.g. 01_mask_pii.yaml`,
      );
      continue;
    }
    const clash = indexes.get(parsedName.index);
    if (clash) problem("file-name", f.path, `${f.path}: index ${parsedName.index} is already used by ${clash}; give each policy its own number`);
    else indexes.set(parsedName.index, f.path);

    const source = parseSource(f.path, f.bytes);
    for (const p of source.problems) if (p.code !== "byte-order-mark") problem("source", f.path, `${f.path}: ${p.message}`);
    const policy = source.value === undefined ? undefined : validatePolicyDocument(source.value);
    if (policy?.value) {
      for (const issue of policy.issues) problem("schema", f.path, `${f.path}: ${issue.pointer || "/"}: ${issue.message}`, issue.pointer);
    } else if (policy) {
      problem("schema", f.path, `${f.path}: not an edict policy (apiVersion edict/v1 with a known kind)`);
    }
    // read as written, not from the document: a file of unknown kind still has its id and priority checked
    const id = getAtPointer(source.value, "/metadata/id");
    const priority = getAtPointer(source.value, "/metadata/priority");
    policies.push({
      file: f.path,
      index: parsedName.index,
      slug: parsedName.slug,
      ...(policy?.value ? { kind: policy.value.kind } : {}),
      ...(typeof id === "string" ? { id } : {}),
      ...(typeof priority === "number" ? { priority } : {}),
      installPath: installedPath(name, parsedName.index, parsedName.slug),
      bytes: f.bytes,
      sha256: fileSha256(f.bytes),
    });
  }

  const pack: ShippedPack = {
    name,
    version,
    layer,
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    ...(band ? { band } : {}),
    dependencies,
    policies,
    files,
    checksum: packChecksum(files),
    problems,
  };
  for (const p of bandProblems(pack)) problems.push(p);
  return { pack, problems };
}

/** InvalidPack: every policy's priority must lie inside its pack's band (VaultKit §11). */
export function bandProblems(pack: Pick<ShippedPack, "name" | "band" | "policies">): PackProblem[] {
  const band = pack.band;
  if (!band || band.min > band.max) return [];
  const out: PackProblem[] = [];
  for (const p of pack.policies) {
    if (p.priority === undefined || (p.priority >= band.min && p.priority <= band.max)) continue;
    out.push({
      code: "band",
      pack: pack.name,
      file: p.file,
      pointer: "/metadata/priority",
      message: `${p.file}: priority ${p.priority} outside band ${band.min}–${band.max} of pack ${pack.name}`,
    });
  }
  return out;
}

/**
 * Groups files by pack folder and reads each pack. `files` paths are relative to the packs
 * source folder: `<name>/metadata.yaml`, `<name>/policies/01_x.yaml`.
 */
export function toShippedPacks(files: Iterable<{ path: string; bytes: Uint8Array }>): ShippedPacks {
  const groups = new Map<string, PackFile[]>();
  for (const f of files) {
    const slash = f.path.indexOf("/");
    if (slash <= 0) continue;
    const name = f.path.slice(0, slash);
    const rel = f.path.slice(slash + 1);
    if (!isPackContentPath(rel)) continue;
    let list = groups.get(name);
    if (!list) groups.set(name, (list = []));
    list.push({ path: rel, bytes: f.bytes });
  }
  const packs = new Map<string, ShippedPack>();
  const problems: PackProblem[] = [];
  for (const name of [...groups.keys()].sort()) {
    const read = toShippedPack(name, groups.get(name)!);
    if (read.pack) packs.set(name, read.pack);
    problems.push(...read.problems);
  }
  return { packs, problems };
}
