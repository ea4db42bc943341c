/**
 * `edict pack publish`: signs packs of the repository's own pack folder into envelopes
 * (`<out>/<name>-<version>.pack.json`) and writes or updates `<out>/index.json`, a folder any
 * static host can serve as a url source. A published version never changes: publishing it again
 * with other bytes is refused, the same bytes again change nothing. Every check runs before the
 * first write, and the files are replaced atomically, so a refusal writes nothing.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { PrivateKey } from "../bundle/keys.js";
import { EdictError } from "../errors.js";
import { readBounded } from "../io/bounded-read.js";
import { writeFilesAtomic } from "../io/atomic-write.js";
import type { AtomicFile } from "../io/atomic-write.js";
import { readRepository } from "../io/read-repository.js";
import { packsSourceOf, readShippedPacks } from "./read-packs.js";
import { signPack } from "./remote/envelope.js";
import { envelopeFileName, PACK_INDEX_FILE, parsePackIndex, toPackIndexBytes } from "./remote/pack-index.js";
import type { PackIndexEntry } from "./remote/pack-index.js";
import type { ShippedPack } from "./model.js";
import { sha256Hex } from "../bundle/digest.js";

export interface PublishOptions {
  /** The repository root; packs come from its pack folder (edict.yaml `packs.source`, default packs/). */
  root: string;
  /** Packs to publish; every pack of the folder when absent or empty. */
  names?: string[];
  privateKeys: PrivateKey[];
  /** The folder to write into (created when missing). */
  outDir: string;
}

export interface PublishedPack {
  name: string;
  version: string;
  /** Absolute path of the envelope file. */
  file: string;
  /** Hex SHA-256 of the envelope file, as the index records it. */
  sha256: string;
  /** The same bytes were already published: nothing was written for this pack. */
  unchanged: boolean;
}

export interface PublishResult {
  packs: PublishedPack[];
  /** Absolute path of index.json. */
  index: string;
  /** index.json already held exactly these entries: it was not rewritten. */
  indexUnchanged: boolean;
}

/** Index and envelopes are small; anything bigger is not ours and is not read whole. */
const MAX_EXISTING_BYTES = 64 * 1024 * 1024;

async function readExisting(file: string): Promise<Uint8Array | undefined> {
  try {
    const read = await readBounded(file, MAX_EXISTING_BYTES, { regularFile: true });
    if (read.status === "ok") return read.bytes;
    throw new EdictError("PACK_ERROR", `${file} is ${read.status === "too-large" ? "too large" : "not a regular file"}; publish into a folder that holds only published packs`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (e instanceof EdictError) throw e;
    throw new EdictError("IO_ERROR", `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function choosePacks(packs: Map<string, ShippedPack>, problems: ReadonlyArray<{ pack: string; message: string }>, source: string, names: readonly string[]): ShippedPack[] {
  const all = [...new Set([...packs.keys(), ...problems.map((p) => p.pack)])].sort();
  const chosen = names.length > 0 ? [...new Set(names)] : all;
  if (chosen.length === 0) throw new EdictError("PACK_ERROR", `nothing to publish: no packs in ${source}/; add a pack folder ${source}/<name>/ with metadata.yaml and policies/`);
  const out: ShippedPack[] = [];
  for (const name of chosen) {
    const own = problems.filter((p) => p.pack === name);
    if (own.length > 0) throw new EdictError("PACK_ERROR", `${source}/${name} has problems and is not published: ${own.map((p) => p.message).join("; ")}; run \`edict lint\` and fix them`);
    const pack = packs.get(name);
    if (!pack) throw new EdictError("PACK_ERROR", `no pack named ${name} in ${source}/ (packs there: ${all.join(", ") || "none"})`);
    out.push(pack);
  }
  return out;
}

/**
 * Publishes packs of the repository at `root` into `outDir`. Throws PACK_ERROR (nothing written)
 * for an unknown name, a pack with problems, a malformed existing index, or a version already
 * published with other bytes.
 */
export async function publishPacks(options: PublishOptions): Promise<PublishResult> {
  if (options.privateKeys.length === 0) throw new EdictError("USAGE", "no signing key: packs are always signed; pass --key FILE (create a key pair with `edict keygen`)");
  const repo = await readRepository(options.root);
  const source = packsSourceOf(repo);
  const shipped = await readShippedPacks(options.root, source);
  const packs = choosePacks(shipped.packs, shipped.problems, source, options.names ?? []);

  const indexPath = join(options.outDir, PACK_INDEX_FILE);
  const existingIndex = await readExisting(indexPath);
  let entries: PackIndexEntry[] = [];
  if (existingIndex !== undefined) {
    const parsed = parsePackIndex(existingIndex);
    if (!parsed.ok) throw new EdictError("PACK_ERROR", `${indexPath} is not an edict pack index (${parsed.problem}); publish into an empty folder or restore the index`);
    entries = parsed.index.packs;
  }

  const writes: AtomicFile[] = [];
  const published: PublishedPack[] = [];
  for (const pack of packs) {
    const signed = signPack(pack, options.privateKeys);
    const fileName = envelopeFileName(pack.name, pack.version);
    const file = join(options.outDir, fileName);
    const listed = entries.find((e) => e.name === pack.name && e.version === pack.version);
    const onDisk = await readExisting(file);
    // immutability: a published version's bytes never change, or every lock that pinned them breaks
    const publishedSha = listed?.sha256 ?? (onDisk !== undefined ? sha256Hex(onDisk) : undefined);
    if (publishedSha !== undefined && publishedSha !== signed.sha256) {
      throw new EdictError(
        "PACK_ERROR",
        `${pack.name} ${pack.version} is already published in ${options.outDir} with other bytes (sha256 ${publishedSha}, now ${signed.sha256}): ` +
          `a published version never changes; bump the version in ${source}/${pack.name}/metadata.yaml and publish again`,
      );
    }
    const inPlace = onDisk !== undefined && sameBytes(onDisk, signed.bytes);
    if (!inPlace) writes.push({ path: file, bytes: signed.bytes });
    const unchanged = inPlace && listed !== undefined;
    entries = entries.filter((e) => e !== listed);
    entries.push({
      name: pack.name,
      version: pack.version,
      layer: pack.layer,
      ...(pack.description !== undefined ? { description: pack.description } : {}),
      dependencies: signed.payload.dependencies,
      url: listed?.url ?? fileName,
      sha256: signed.sha256,
    });
    published.push({ name: pack.name, version: pack.version, file, sha256: signed.sha256, unchanged });
  }

  const indexBytes = toPackIndexBytes(entries);
  const indexUnchanged = existingIndex !== undefined && sameBytes(existingIndex, indexBytes);
  if (!indexUnchanged) writes.push({ path: indexPath, bytes: indexBytes });
  if (writes.length > 0) {
    try {
      await mkdir(options.outDir, { recursive: true });
      await writeFilesAtomic(writes);
    } catch (e) {
      throw new EdictError("IO_ERROR", `cannot write into ${options.outDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  return { packs: published, index: indexPath, indexUnchanged };
}
