/**
 * The policy repository as a set of parsed files, classified by what they are and validated
 * once: each file carries its schema issues, and the config, pack state, pack metas and policy
 * documents their typed views (./documents). Pure: the reading from disk or git lives in
 * ../io/read-repository.ts; this takes (path, bytes) pairs.
 */
import { policyFileSchema, validateConfig, validatePackMeta, validatePackState, validatePolicyDocument } from "./documents/index.js";
import type { Validated } from "./documents/index.js";
import { CONFIG_SCHEMA, PACK_META_SCHEMA, PACK_STATE_SCHEMA } from "./schemas/repository.js";
import type { Schema } from "./schemas/builders.js";
import type { SchemaIssue } from "./schemas/validate.js";
import { LineIndex, MAX_FILE_BYTES, parseSource } from "./source.js";
import type { SourceFile } from "./source.js";
import type { EdictConfig, PackMeta, PackState, PolicyDocument } from "./types.js";
import type { PolicyKind } from "../engine/vocabulary.js";

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
  /** The file as parsed; `source.value` is the raw value, for lint to place findings in. */
  source: SourceFile;
  /** What the file's schema finds wrong (none when nothing could be parsed). */
  issues: readonly SchemaIssue[];
}

/** A policy file whose kind is known, valid or not. */
export interface PolicyEntry {
  file: RepoFile;
  kind: PolicyKind;
  /** The document with its header typed; the spec is as written (schema issues are lint's business). */
  document: PolicyDocument;
  /** `metadata.id`, when it is a string. */
  id?: string;
  /** `metadata.priority`, when it is a number. */
  priority?: number;
}

export interface Repository {
  files: RepoFile[];
  byPath: Map<string, RepoFile>;
  /** edict.yaml, when it is a mapping. */
  config?: { file: RepoFile; value: EdictConfig };
  /** .edict/packs.yaml, when it is a mapping. */
  packState?: { file: RepoFile; value: PackState };
  /** Policies under policies/ (installed pack files and custom ones). */
  policies: PolicyEntry[];
  /** Policies shipped inside packs/<name>/policies/. */
  packPolicies: PolicyEntry[];
  /** Every packs/<name>/metadata.yaml; `value` when it names the pack's name, version and layer. */
  packMetas: Array<{ file: RepoFile; pack: string; value?: PackMeta }>;
  /** Files anywhere in the repository that hold a private key (never parsed as policies). */
  privateKeys: Array<{ path: string; source: SourceFile }>;
}

export interface RawFile {
  path: string;
  bytes: Uint8Array | string;
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
    default:
      return policyFileSchema(file.source.value);
  }
}

/** A file's validation by its kind's validator, tagged with the kind so the view's type follows. */
export type ValidatedFile =
  | ({ kind: "config" } & Validated<EdictConfig>)
  | ({ kind: "pack-state" } & Validated<PackState>)
  | ({ kind: "pack-meta" } & Validated<PackMeta>)
  | ({ kind: "policy" | "pack-policy" } & Validated<PolicyDocument>);

/** Runs the validator of a file's kind over its parsed value. */
export function validateFile(kind: FileKind, value: unknown): ValidatedFile {
  // nothing parsed (empty, unreadable): the source's problems say why, and there is nothing to validate
  if (value === undefined) return { kind, value: undefined, issues: [] };
  switch (kind) {
    case "config":
      return { kind, ...validateConfig(value) };
    case "pack-state":
      return { kind, ...validatePackState(value) };
    case "pack-meta":
      return { kind, ...validatePackMeta(value) };
    case "policy":
    case "pack-policy":
      return { kind, ...validatePolicyDocument(value) };
  }
}

function toEntry(file: RepoFile, document: PolicyDocument): PolicyEntry {
  const { id, priority } = document.metadata ?? {};
  return { file, kind: document.kind, document, ...(id !== undefined ? { id } : {}), ...(priority !== undefined ? { priority } : {}) };
}

// fatal: a file that is not UTF-8 is parsed from its bytes, so parseSource names the bad byte
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LENIENT_UTF8 = new TextDecoder();

/**
 * A file's text to scan for keys (without a byte-order mark; none for a file over the size limit)
 * and what to parse: its text when it is valid UTF-8 (the same text and byte length the parse
 * would decode), else its bytes. One decoding per file instead of two.
 */
function decodeOnce(bytes: Uint8Array | string): { text: string; input: Uint8Array | string } {
  if (typeof bytes === "string") return { text: bytes, input: bytes };
  if (bytes.length > MAX_FILE_BYTES) return { text: "", input: bytes };
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return { text: LENIENT_UTF8.decode(bytes), input: bytes };
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, input: text };
}

/** Builds the repository model from raw files; unknown paths are ignored. */
export function buildRepository(raw: Iterable<RawFile>): Repository {
  const repo: Repository = { files: [], byPath: new Map(), policies: [], packPolicies: [], packMetas: [], privateKeys: [] };
  const sorted = [...raw].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { path, bytes } of sorted) {
    const kind = classifyPath(path);
    const { text, input } = decodeOnce(bytes);
    if (looksLikePrivateKey(text)) {
      // A key pasted anywhere, even into a policy file, is reported and never parsed: parse
      // findings quote source lines, and the key material must never reach a report.
      repo.privateKeys.push(privateKeyEntry(path, text));
      continue;
    }
    if (!kind) continue;
    const source = parseSource(path, input);
    const validated = validateFile(kind, source.value);
    const file: RepoFile = { path, kind, source, issues: validated.issues };
    repo.files.push(file);
    repo.byPath.set(path, file);
    switch (validated.kind) {
      case "config":
        if (validated.value) repo.config = { file, value: validated.value };
        break;
      case "pack-state":
        if (validated.value) repo.packState = { file, value: validated.value };
        break;
      case "pack-meta": {
        const pack = path.split("/")[1]!;
        repo.packMetas.push(validated.value ? { file, pack, value: validated.value } : { file, pack });
        break;
      }
      case "policy":
      case "pack-policy":
        if (validated.value) (validated.kind === "policy" ? repo.policies : repo.packPolicies).push(toEntry(file, validated.value));
        break;
    }
  }
  return repo;
}
