/**
 * `# yaml-language-server: $schema=…` modelines of installed pack files. A pack's file points at
 * its schema relative to the pack folder (`../../../schemas/AccessPolicy.json`), which leads
 * nowhere once the file sits in `policies/`. Install and upgrade write every pack file through
 * `installedContent`, which points the modeline at the repository's own schema folder
 * (`.edict/schemas/`, written by `edict init`, else `schemas/` at the root when it holds the
 * kind's schema), relative to where the file is installed, and drops it when the repository has
 * no such schema. The state records the sha256 of the bytes written, so drift, verify and lint's
 * `installed-file-modified` compare the file with what was written, modeline included; a
 * comparison with the pack itself goes through `sameExceptModeline`.
 */
import { posix } from "node:path";
import { normaliseLineEnds } from "./checksum.js";

/** The folder `edict init` writes the JSON Schemas to. */
export const INIT_SCHEMA_DIR = ".edict/schemas";
/** The schema folder at the root of edict's own repository layout. */
export const ROOT_SCHEMA_DIR = "schemas";
/** The folders searched for a kind's schema, in order. */
export const SCHEMA_DIRS = [INIT_SCHEMA_DIR, ROOT_SCHEMA_DIR] as const;

const MODELINE_RE = /^#[ \t]*yaml-language-server:[ \t]*\$schema=(\S*)[^\n]*?(\r?\n|$)/;
const KIND_RE = /^kind:[ \t]*["']?([A-Za-z]+)["']?[ \t]*(?:#.*)?\r?$/m;
const BOM = "\uFEFF";

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/** The first-line modeline of a file's text (after a byte-order mark), with its schema target and line end. */
function modelineOf(text: string): { line: string; target: string; eol: string; bom: string } | undefined {
  const bom = text.startsWith(BOM) ? BOM : "";
  const m = MODELINE_RE.exec(text.slice(bom.length));
  return m ? { line: m[0], target: m[1]!, eol: m[2]!, bom } : undefined;
}

/** The schema file a policy file wants: `<kind>.json` from its `kind:`, else the modeline's own file name. */
function schemaNameOf(text: string, modelineTarget: string | undefined): string | undefined {
  const kind = KIND_RE.exec(text)?.[1];
  if (kind) return `${kind}.json`;
  if (modelineTarget) {
    const base = posix.basename(modelineTarget.split("#")[0]!);
    if (/^[A-Za-z][A-Za-z0-9_-]*\.json$/.test(base)) return base;
  }
  return undefined;
}

/**
 * Where the modeline of a file installed at `installPath` should point: the schema in the
 * first of SCHEMA_DIRS that holds it (`schemaFiles`: repository paths of the schema files that
 * exist), relative to the file's folder; undefined when the repository has none.
 */
export function schemaReference(installPath: string, schemaName: string, schemaFiles: ReadonlySet<string>): string | undefined {
  for (const dir of SCHEMA_DIRS) {
    const target = `${dir}/${schemaName}`;
    if (schemaFiles.has(target)) return posix.relative(posix.dirname(installPath), target);
  }
  return undefined;
}

/**
 * The bytes to write for a pack file installed at `installPath`: its first-line modeline
 * pointed at the repository's schema (one is added when the file has none and the schema
 * exists; it is dropped when the repository has no schema for the kind). Everything else is
 * kept byte for byte. Pure; the same input always gives the same bytes.
 *
 * @example
 * installedContent(bytes, "policies/hipaa__01__phi.yaml", new Set([".edict/schemas/AccessPolicy.json"]))
 * // first line: # yaml-language-server: $schema=../.edict/schemas/AccessPolicy.json
 */
export function installedContent(bytes: Uint8Array, installPath: string, schemaFiles: ReadonlySet<string>): Uint8Array {
  const text = decoder.decode(bytes);
  if (text.includes("\uFFFD")) return bytes; // not valid UTF-8: leave it to the pack checks
  const found = modelineOf(text);
  const name = schemaNameOf(text, found?.target);
  const reference = name === undefined ? undefined : schemaReference(installPath, name, schemaFiles);
  const bom = found?.bom ?? (text.startsWith(BOM) ? BOM : "");
  const body = text.slice(bom.length);
  let out: string;
  if (found) {
    if (reference === undefined) out = bom + body.slice(found.line.length);
    else if (found.target === reference) return bytes;
    else out = `${bom}# yaml-language-server: $schema=${reference}${found.eol || "\n"}${body.slice(found.line.length)}`;
  } else {
    if (reference === undefined) return bytes;
    const eol = /\r\n/.test(body) ? "\r\n" : "\n";
    out = `${bom}# yaml-language-server: $schema=${reference}${eol}${body}`;
  }
  return encoder.encode(out);
}

/** The bytes without a first-line modeline (a byte-order mark is dropped too). */
export function withoutModeline(bytes: Uint8Array): Uint8Array {
  const text = decoder.decode(bytes);
  const found = modelineOf(text);
  const bom = text.startsWith(BOM) ? BOM.length : 0;
  if (!found && bom === 0) return bytes;
  return encoder.encode(text.slice(bom + (found?.line.length ?? 0)));
}

/** Whether an installed file holds a pack file's content, whatever their modelines and line ends. */
export function sameExceptModeline(installed: Uint8Array, shipped: Uint8Array): boolean {
  const a = normaliseLineEnds(withoutModeline(installed));
  const b = normaliseLineEnds(withoutModeline(shipped));
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
