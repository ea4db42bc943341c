/**
 * The policy repository as a set of parsed files, classified by what they are. Pure: the
 * reading from disk or git lives in read-repository.ts; this takes (path, bytes) pairs.
 */
import { getAtPointer } from "./pointer.js";
import { ENVELOPE_SCHEMA, policySchema } from "./schemas/policy.js";
import { CONFIG_SCHEMA, PACK_META_SCHEMA, PACK_STATE_SCHEMA } from "./schemas/repository.js";
import type { Schema } from "./schemas/builders.js";
import { LineIndex, parseSource } from "./source.js";
import type { SourceFile } from "./source.js";
import type { EdictConfig, PackMeta, PackState, PolicyDocument } from "./types.js";
import { POLICY_KINDS } from "../engine/vocabulary.js";
import type { PolicyKind } from "../engine/vocabulary.js";
import { isRecord } from "../engine/record.js";

export type FileKind = "config" | "policy" | "pack-meta" | "pack-policy" | "pack-state";

/** File names that usually hold private keys; their content is checked before they are reported. */
export const KEY_FILE_NAME = /(\.(pem|key|p8|pk8|ppk)|(^|\/)id_(rsa|dsa|ecdsa|ed25519))$/i;
/** Text files where a pasted key hides (config, notes, env files); source code is not scanned. */
export const KEY_SCAN_NAME = /(\.(ya?ml|json|txt|md|env|conf|cfg|ini|properties|toml)|(^|\/)\.env[^/]*)$/i;
/** A PEM private-key header followed by base64 key material (so code that names the header is not a key). */
const PRIVATE_KEY_MARKER = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----\r?\n(?:[A-Za-z0-9-]+: [^\n]*\r?\n)*\s*[A-Za-z0-9+/=]{16,}/;

/** Whether text holds a PEM private key (PKCS#8, OpenSSH, RSA, EC, encrypted). */
export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_KEY_MARKER.test(text);
}

/** The file as a private-key finding location: only the header line, never the key material. */
function privateKeyEntry(path: string, text: string): { path: string; source: SourceFile } {
  const at = text.indexOf("-----BEGIN");
  const header = text.slice(0, text.indexOf("-----", at + 10) + 5);
  return { path, source: { path, text: header, value: undefined, spans: new Map(), problems: [], lines: new LineIndex(header) } };
}

export const CONFIG_FILE = "edict.yaml";
export const PACK_STATE_FILE = ".edict/packs.yaml";
export const POLICIES_DIR = "policies";
export const PACKS_DIR = "packs";

const POLICY_EXT = /\.(ya?ml|json)$/i;

/** What a repository path holds, or undefined when edict does not read it. */
export function classifyPath(path: string): FileKind | undefined {
  if (path === CONFIG_FILE) return "config";
  if (path === PACK_STATE_FILE) return "pack-state";
  if (path.startsWith(`${POLICIES_DIR}/`) && POLICY_EXT.test(path)) return "policy";
  const pack = /^packs\/[^/]+\/(.+)$/.exec(path);
  if (pack) {
    if (pack[1] === "metadata.yaml") return "pack-meta";
    if (pack[1]!.startsWith("policies/") && POLICY_EXT.test(pack[1]!)) return "pack-policy";
  }
  return undefined;
}

export interface RepoFile {
  path: string;
  kind: FileKind;
  source: SourceFile;
}

/** A policy file whose envelope could be read (kind known), valid or not. */
export interface PolicyEntry {
  file: RepoFile;
  kind: PolicyKind;
  /** The document as written; fields may be invalid (schema issues are lint's business). */
  document: PolicyDocument;
  id?: string;
  priority?: number;
}

export interface Repository {
  files: RepoFile[];
  byPath: Map<string, RepoFile>;
  config?: { file: RepoFile; value: EdictConfig };
  packState?: { file: RepoFile; value: PackState };
  /** Policies under policies/ (installed pack files and custom ones). */
  policies: PolicyEntry[];
  /** Policies shipped inside packs/<name>/policies/. */
  packPolicies: PolicyEntry[];
  packMetas: Array<{ file: RepoFile; pack: string; value?: PackMeta }>;
  /** Files anywhere in the repository that hold a private key (never parsed as policies). */
  privateKeys: Array<{ path: string; source: SourceFile }>;
}

export interface RawFile {
  path: string;
  bytes: Uint8Array | string;
}


/** The policy kind named in a parsed value, if it is one edict knows. */
export function policyKindOf(value: unknown): PolicyKind | undefined {
  const kind = getAtPointer(value, "/kind");
  return typeof kind === "string" && (POLICY_KINDS as readonly string[]).includes(kind) ? (kind as PolicyKind) : undefined;
}

/** The schema that governs a file, once its kind is known. */
export function schemaFor(file: RepoFile): Schema | undefined {
  switch (file.kind) {
    case "config":
      return CONFIG_SCHEMA;
    case "pack-meta":
      return PACK_META_SCHEMA;
    case "pack-state":
      return PACK_STATE_SCHEMA;
    default: {
      const kind = policyKindOf(file.source.value);
      return kind ? policySchema(kind) : ENVELOPE_SCHEMA;
    }
  }
}

function toEntry(file: RepoFile): PolicyEntry | undefined {
  const kind = policyKindOf(file.source.value);
  if (!kind || !isRecord(file.source.value)) return undefined;
  const id = getAtPointer(file.source.value, "/metadata/id");
  const priority = getAtPointer(file.source.value, "/metadata/priority");
  return {
    file,
    kind,
    document: file.source.value as unknown as PolicyDocument,
    ...(typeof id === "string" ? { id } : {}),
    ...(typeof priority === "number" ? { priority } : {}),
  };
}

/** Builds the repository model from raw files; unknown paths are ignored. */
export function buildRepository(raw: Iterable<RawFile>): Repository {
  const repo: Repository = { files: [], byPath: new Map(), policies: [], packPolicies: [], packMetas: [], privateKeys: [] };
  const sorted = [...raw].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { path, bytes } of sorted) {
    const kind = classifyPath(path);
    const text = typeof bytes === "string" ? bytes : bytes.length <= 1024 * 1024 ? new TextDecoder().decode(bytes) : "";
    if (looksLikePrivateKey(text)) {
      // A key pasted anywhere, even into a policy file, is reported and never parsed: parse
      // findings quote source lines, and the key material must never reach a report.
      repo.privateKeys.push(privateKeyEntry(path, text));
      continue;
    }
    if (!kind) continue;
    const file: RepoFile = { path, kind, source: parseSource(path, bytes) };
    repo.files.push(file);
    repo.byPath.set(path, file);
    const value = file.source.value;
    switch (kind) {
      case "config":
        if (isRecord(value)) repo.config = { file, value: value as unknown as EdictConfig };
        break;
      case "pack-state":
        if (isRecord(value)) repo.packState = { file, value: value as unknown as PackState };
        break;
      case "pack-meta": {
        const pack = path.split("/")[1]!;
        const meta = isRecord(value) && isRecord(value.__pack_meta) ? (value.__pack_meta as unknown as PackMeta) : undefined;
        repo.packMetas.push(meta ? { file, pack, value: meta } : { file, pack });
        break;
      }
      case "policy":
      case "pack-policy": {
        const entry = toEntry(file);
        if (entry) (kind === "policy" ? repo.policies : repo.packPolicies).push(entry);
        break;
      }
    }
  }
  return repo;
}
