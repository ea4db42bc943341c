/**
 * A url source: an index written by `edict pack publish`, read over https://, http://, file:// or
 * as a local path (relative to the repository root). `offers` reads the index; `fetch` downloads
 * one envelope and hands it over only when, in this order: its sha256 equals the index entry
 * (PACK_DIGEST_MISMATCH), its signature verifies under one of the source's keys
 * (PACK_SIGNATURE_ERROR), its payload is the pack and version asked for (PACK_NAME_MISMATCH), its
 * checksum matches its files (PACK_DIGEST_MISMATCH), and, given a recorded pin, its bytes hash to
 * the pinned value (PACK_PIN_MISMATCH). The index itself is not trusted: it only points.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sha256Hex } from "../../bundle/digest.js";
import { readPublicKeys } from "../../bundle/key-files.js";
import type { PublicKey } from "../../bundle/keys.js";
import { EdictError, isEdictError } from "../../errors.js";
import type { PackSourceConfig } from "../../model/types.js";
import { verifyPackEnvelope } from "../remote/envelope.js";
import { parsePackIndex } from "../remote/pack-index.js";
import type { PackIndex, PackIndexEntry } from "../remote/pack-index.js";
import { displayUrl, retrieveBytes } from "../remote/retrieve.js";
import type { RetrieveOptions } from "../remote/retrieve.js";
import type { FetchedPack, PackOffer, PackSource } from "./types.js";

/** Endless data: an index or an envelope bigger than this is refused while it streams. */
export const MAX_INDEX_BYTES = 5 * 1024 * 1024;
export const MAX_ENVELOPE_BYTES = 5 * 1024 * 1024;
/** Slow retrieval: one request, redirects and body included, must finish within this. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface UrlSourceOptions {
  /** The repository root: a local path `url` and the `keys` are relative to it. */
  root: string;
  /** Where `token_env` is read. */
  env: Readonly<Record<string, string | undefined>>;
  /** The HTTP client (tests inject one); the global fetch unless told. */
  fetch?: typeof globalThis.fetch;
  /** Per request; DEFAULT_TIMEOUT_MS unless told (lint asks for a short one). */
  timeoutMs?: number;
}

const CONFIG_FILE = { position: { file: "edict.yaml" } };

/** `url` as a URL: http(s):// and file:// as written, anything else a path relative to `root`. */
export function toIndexUrl(url: string, root: string, sourceName: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (e) {
      throw new EdictError("CONFIG_ERROR", `packs.sources ${sourceName}: url "${url}" is not a valid URL`, { ...CONFIG_FILE, cause: e });
    }
    if (!["http:", "https:", "file:"].includes(parsed.protocol)) {
      throw new EdictError("CONFIG_ERROR", `packs.sources ${sourceName}: url must use https://, http:// or file://, or be a local path (got ${parsed.protocol})`, CONFIG_FILE);
    }
    return parsed;
  }
  return pathToFileURL(isAbsolute(url) ? url : resolve(root, url));
}

/** Downgrade and local reads: an envelope is read over the index's own kind of transport only. */
function checkEnvelopeUrl(index: URL, envelope: URL, who: string): void {
  const allowed = index.protocol === "https:" ? ["https:"] : index.protocol === "http:" ? ["http:", "https:"] : ["file:"];
  if (!allowed.includes(envelope.protocol)) {
    throw new EdictError("PACK_SOURCE_ERROR", `${who}: the index points at ${envelope.protocol} URL ${displayUrl(envelope)}, but an index read over ${index.protocol} may only point at ${allowed.join(" or ")} URLs; ask the publisher to fix index.json`);
  }
}

/** `<envelope url>#sha256:<hex>` → its parts; undefined when it is not a url pin. */
export function parseUrlPin(pin: string): { url: string; sha256: string } | undefined {
  const m = /^(.+)#sha256:([0-9a-f]{64})$/.exec(pin);
  return m ? { url: m[1]!, sha256: m[2]! } : undefined;
}

export function urlSource(config: PackSourceConfig, options: UrlSourceOptions): PackSource {
  const name = config.name;
  const who = `source ${name}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tokenEnv = config.token_env;
  const tokenValue = tokenEnv === undefined ? undefined : options.env[tokenEnv]?.trim();
  const token = tokenValue === undefined || tokenValue === "" ? undefined : tokenValue;

  let indexUrl: URL | undefined;
  let keys: PublicKey[] | undefined;
  let index: Promise<PackIndex> | undefined;

  /** Misconfiguration is refused on first use, so building the list of sources never fails. */
  const location = (): URL => {
    if (config.url === undefined || config.url.trim() === "") throw new EdictError("CONFIG_ERROR", `packs.sources ${name}: a url source needs \`url\`, the address of its index.json`, CONFIG_FILE);
    // forgery: without pinned keys anyone who can write to the host could hand out packs
    if (config.keys === undefined || config.keys.length === 0) {
      throw new EdictError("CONFIG_ERROR", `packs.sources ${name}: a url source needs \`keys\`, the public key files its packs must be signed with (e.g. keys: [keys/${name}-packs.pub])`, CONFIG_FILE);
    }
    return (indexUrl ??= toIndexUrl(config.url.trim(), options.root, name));
  };

  const trustedKeys = (): PublicKey[] => {
    location();
    if (keys) return keys;
    try {
      keys = readPublicKeys(config.keys!.map((k) => resolve(options.root, k)));
    } catch (e) {
      const message = isEdictError(e) ? e.message : (e as Error).message;
      throw new EdictError("CONFIG_ERROR", `packs.sources ${name}: keys: ${message}`, { ...CONFIG_FILE, cause: e });
    }
    return keys;
  };

  const retrieveOptions = (maxBytes: number, hint: string): RetrieveOptions => {
    const url = location();
    return {
      maxBytes,
      timeoutMs,
      fetch: options.fetch ?? globalThis.fetch,
      // credential leak: the token goes to the index's origin only, never to another host
      ...(token !== undefined && url.protocol !== "file:" ? { token, authOrigin: url.origin } : {}),
      ...(tokenEnv !== undefined ? { tokenEnv } : {}),
      who,
      hint,
    };
  };

  const readIndex = async (): Promise<PackIndex> => {
    const url = location();
    const bytes = await retrieveBytes(url, retrieveOptions(MAX_INDEX_BYTES, `check the url of source ${name} in edict.yaml (it names the index.json \`edict pack publish\` wrote), or run offline without it`));
    const parsed = parsePackIndex(bytes);
    if (!parsed.ok) {
      throw new EdictError("PACK_SOURCE_ERROR", `${who}: ${displayUrl(url)} is not an edict pack index (${parsed.problem}); point the source at the index.json \`edict pack publish\` wrote`);
    }
    return parsed.index;
  };

  const loadIndex = (): Promise<PackIndex> => {
    location();
    // one read per source and command; a failed read is tried again next time
    index ??= readIndex().catch((e: unknown) => {
      index = undefined;
      throw e;
    });
    return index;
  };

  const envelopeUrl = (href: string): URL => {
    const base = location();
    let url: URL;
    try {
      url = new URL(href, base);
    } catch (e) {
      throw new EdictError("PACK_SOURCE_ERROR", `${who}: the index lists an invalid envelope url; ask the publisher to fix index.json`, { cause: e });
    }
    checkEnvelopeUrl(base, url, who);
    return url;
  };

  return {
    name,
    kind: "url",

    async offers(): Promise<PackOffer[]> {
      const { packs } = await loadIndex();
      return packs.map((p) => ({
        name: p.name,
        version: p.version,
        layer: p.layer,
        ...(p.description !== undefined ? { description: p.description } : {}),
        dependencies: [...p.dependencies],
        source: name,
      }));
    },

    async fetch(packName: string, version: string, pin?: string): Promise<FetchedPack> {
      const keyring = trustedKeys();
      const { packs } = await loadIndex();
      const entry: PackIndexEntry | undefined = packs.find((p) => p.name === packName && p.version === version);
      const pinned = pin === undefined ? undefined : parseUrlPin(pin);
      if (pin !== undefined && pinned === undefined) {
        throw new EdictError("PACK_PIN_MISMATCH", `${who}: the recorded resolved value for ${packName} ${version} is not "<envelope url>#sha256:<hex>"; reinstall it with \`edict pack install ${packName}@${version}\``);
      }
      let url: URL;
      if (entry) url = envelopeUrl(entry.url);
      else if (pinned) url = envelopeUrl(pinned.url); // a lock outlives the index entry: the pin says where and what
      else {
        const versions = packs.filter((p) => p.name === packName).map((p) => p.version);
        throw new EdictError(
          "PACK_SOURCE_ERROR",
          `${who} has no ${packName} ${version}${versions.length > 0 ? ` (it offers ${versions.join(", ")})` : ` (it offers no pack named ${packName})`}; run \`edict pack list\` to see what is available`,
        );
      }
      const shown = displayUrl(url);
      const label = `${who}: ${shown}`;
      const bytes = await retrieveBytes(url, retrieveOptions(MAX_ENVELOPE_BYTES, `the index of source ${name} lists ${packName} ${version} but its envelope cannot be read; ask the publisher to fix the folder`));
      const sha256 = sha256Hex(bytes);

      // substitution: the bytes must be the ones the index promised
      if (entry && sha256 !== entry.sha256) {
        throw new EdictError("PACK_DIGEST_MISMATCH", `${label}: sha256 is ${sha256} but the index lists ${entry.sha256}; the file was changed after publishing (refused; nothing installed)`);
      }
      const verified = verifyPackEnvelope(bytes, keyring, label);
      // name confusion: a validly signed pack of another name or version must not pass for the one asked
      if (verified.payload.name !== packName || verified.payload.version !== version) {
        throw new EdictError("PACK_NAME_MISMATCH", `${label}: asked for ${packName} ${version} but the signed pack is ${verified.payload.name} ${verified.payload.version} (refused; nothing installed)`);
      }
      // lock: a recorded pin must get exactly the bytes it recorded
      if (pinned && pinned.sha256 !== sha256) {
        throw new EdictError("PACK_PIN_MISMATCH", `${label}: the lock records sha256 ${pinned.sha256} for ${packName} ${version} but the source now serves ${sha256}; a published version changed, ask the publisher why (or run \`edict pack upgrade ${packName}\` to accept the new bytes)`);
      }
      return { pack: verified.pack, origin: { source: name, resolved: `${shown}#sha256:${sha256}` } };
    },
  };
}
