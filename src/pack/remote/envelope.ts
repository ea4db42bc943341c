/**
 * The pack envelope: one pack version as a DSSE v1 envelope (secure-systems-lab/dsse), payload
 * type `application/vnd.edict.pack.v1+json`, signed with Ed25519 under the same keyid and RFC 8785
 * canonical JSON rules as bundles (src/bundle/dsse.ts does the signing and verifying; no crypto
 * here). The payload holds the pack's metadata, every file (relative path → text) and the pack
 * checksum, so a verified envelope is the whole pack: nothing else is downloaded.
 *
 * Pure: bytes in, bytes or a validated `ShippedPack` out.
 */
import semver from "semver";
import { canonicalBytes } from "../../bundle/canonical-json.js";
import { sha256Hex } from "../../bundle/digest.js";
import { parseEnvelope, signEnvelope, toEnvelopeBytes, verifyEnvelope } from "../../bundle/dsse.js";
import type { PrivateKey, PublicKey } from "../../bundle/keys.js";
import { parseStrictJson } from "../../bundle/strict-json.js";
import { isRecord } from "../../engine/record.js";
import { LAYERS } from "../../engine/vocabulary.js";
import type { Layer } from "../../engine/vocabulary.js";
import { EdictError, isEdictError } from "../../errors.js";
import { packChecksum } from "../checksum.js";
import { isPackContentPath, toShippedPack } from "../model.js";
import type { PackFile, PriorityBand, ShippedPack } from "../model.js";
import { packNameProblem } from "../names.js";

export const PACK_PAYLOAD_TYPE = "application/vnd.edict.pack.v1+json";
export const PACK_FORMAT = "edict.pack/v1";

/** What a pack envelope signs. */
export interface PackPayload {
  format: typeof PACK_FORMAT;
  name: string;
  version: string;
  layer: Layer;
  description?: string;
  /** As metadata.yaml writes them: `starter` or `starter@^1.0.0`. */
  dependencies: string[];
  band?: PriorityBand;
  /** packChecksum over `files`: `sha256:<hex>`. */
  checksum: string;
  /** Relative path in the pack folder → the file's text (UTF-8, byte for byte). */
  files: Record<string, string>;
}

export interface SignedPack {
  /** The envelope file's bytes: RFC 8785 canonical JSON. */
  bytes: Uint8Array;
  /** Lowercase hex SHA-256 of `bytes`, as the index records it. */
  sha256: string;
  payload: PackPayload;
  keyids: string[];
}

export interface VerifiedPack {
  pack: ShippedPack;
  payload: PackPayload;
  /** Trusted keyids whose signatures verified. */
  keyids: string[];
}

// BOM kept (ignoreBOM), invalid UTF-8 refused (fatal): the text encodes back to the same bytes
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/**
 * The payload of a pack, every file as text. Throws PACK_ERROR when the pack has problems or a
 * file is not UTF-8 text: only a pack install would accept gets published.
 */
export function toPackPayload(pack: ShippedPack): PackPayload {
  if (pack.problems.length > 0) {
    throw new EdictError("PACK_ERROR", `pack ${pack.name} has problems and cannot be published: ${pack.problems.map((p) => p.message).join("; ")}; run \`edict lint\` and fix them`);
  }
  const files: Record<string, string> = {};
  for (const f of pack.files) {
    try {
      files[f.path] = strictUtf8.decode(f.bytes);
    } catch (e) {
      throw new EdictError("PACK_ERROR", `packs/${pack.name}/${f.path} is not UTF-8 text; save it as UTF-8 and publish again`, { cause: e });
    }
  }
  return {
    format: PACK_FORMAT,
    name: pack.name,
    version: pack.version,
    layer: pack.layer,
    ...(pack.description !== undefined ? { description: pack.description } : {}),
    dependencies: pack.dependencies.map((d) => d.raw),
    ...(pack.band ? { band: { min: pack.band.min, max: pack.band.max } } : {}),
    checksum: pack.checksum,
    files,
  };
}

/** Signs a pack into its envelope bytes (deterministic: the same pack and keys give the same bytes). */
export function signPack(pack: ShippedPack, privateKeys: readonly PrivateKey[]): SignedPack {
  const payload = toPackPayload(pack);
  const envelope = signEnvelope(canonicalBytes(payload), PACK_PAYLOAD_TYPE, privateKeys);
  const bytes = toEnvelopeBytes(envelope);
  return { bytes, sha256: sha256Hex(bytes), payload, keyids: envelope.signatures.map((s) => s.keyid!) };
}

function refuse(code: "PACK_SIGNATURE_ERROR" | "PACK_DIGEST_MISMATCH" | "PACK_NAME_MISMATCH", label: string, message: string, cause?: unknown): EdictError {
  return new EdictError(code, `${label}: ${message}`, cause === undefined ? {} : { cause });
}

/** Malleability: only the exact canonical bytes signPack writes are accepted, so one pack has one envelope file. */
function checkCanonical(bytes: Uint8Array, label: string): void {
  let canonical: Uint8Array;
  try {
    canonical = toEnvelopeBytes(parseEnvelope(bytes));
  } catch (e) {
    throw refuse("PACK_SIGNATURE_ERROR", label, `not a signed pack envelope (${(e as Error).message}); it was damaged or is not a file \`edict pack publish\` wrote`, e);
  }
  if (canonical.length !== bytes.length || canonical.some((b, i) => b !== bytes[i])) {
    throw refuse("PACK_SIGNATURE_ERROR", label, "the envelope is not in the canonical form `edict pack publish` writes; it was altered after signing");
  }
}

/** The signed payload's fields, each checked for its type; a signed but malformed payload is refused. */
function toPayload(bytes: Uint8Array, label: string): PackPayload {
  let value: unknown;
  try {
    value = parseStrictJson(strictUtf8.decode(bytes), { maxDepth: 8 });
  } catch (e) {
    throw refuse("PACK_SIGNATURE_ERROR", label, `the signed payload is not strict JSON (${(e as Error).message})`, e);
  }
  const bad = (what: string): never => {
    throw refuse("PACK_SIGNATURE_ERROR", label, `the signed payload is not an ${PACK_FORMAT} pack: ${what}; ask the publisher to publish it again with \`edict pack publish\``);
  };
  if (!isRecord(value)) return bad("expected an object");
  if (value.format !== PACK_FORMAT) return bad(`format is ${JSON.stringify(value.format)}, expected "${PACK_FORMAT}"`);
  const { name, version, layer, description, dependencies, band, checksum, files } = value;
  if (typeof name !== "string" || packNameProblem(name) !== undefined) return bad("name must be a valid pack name");
  if (typeof version !== "string" || semver.valid(version) === null) return bad("version must be a semantic version");
  if (typeof layer !== "string" || !(LAYERS as readonly string[]).includes(layer)) return bad(`layer must be one of ${LAYERS.join(", ")}`);
  if (description !== undefined && typeof description !== "string") return bad("description must be a string");
  if (!Array.isArray(dependencies) || !dependencies.every((d) => typeof d === "string")) return bad("dependencies must be a list of strings");
  if (band !== undefined && (!isRecord(band) || typeof band.min !== "number" || typeof band.max !== "number")) return bad("band must be {min, max}");
  if (typeof checksum !== "string" || !/^sha256:[0-9a-f]{64}$/.test(checksum)) return bad("checksum must be sha256:<64 hex>");
  if (!isRecord(files)) return bad("files must map paths to text");
  for (const [path, text] of Object.entries(files)) {
    // path traversal: only metadata.yaml and policies/NN_slug.yaml, never a path out of the pack folder
    if (!isPackContentPath(path) || path.split("/").some((s) => s === ".." || s === ".")) return bad(`files has ${JSON.stringify(path.slice(0, 100))}, which is not a pack file`);
    if (typeof text !== "string") return bad(`files[${JSON.stringify(path)}] must be text`);
  }
  return value as unknown as PackPayload;
}

/**
 * Verifies a pack envelope against trusted keys (any one of them suffices) and returns the pack.
 * Refuses, each with its code: bytes that are not the canonical envelope, a wrong payload type,
 * no signature, a signature by no trusted key or one that does not verify (PACK_SIGNATURE_ERROR);
 * a checksum that does not match the files (PACK_DIGEST_MISMATCH); files whose metadata names
 * another pack, version or layer than the payload (PACK_NAME_MISMATCH); files with problems
 * (PACK_SIGNATURE_ERROR: signed, but not a pack edict installs). `label` names the envelope in messages.
 */
export function verifyPackEnvelope(bytes: Uint8Array, trustedKeys: readonly PublicKey[], label = "pack envelope"): VerifiedPack {
  if (trustedKeys.length === 0) throw new TypeError("verifyPackEnvelope: at least one trusted key is required");
  checkCanonical(bytes, label);
  let verified;
  try {
    verified = verifyEnvelope(bytes, { trustedKeys, expectedPayloadType: PACK_PAYLOAD_TYPE });
  } catch (e) {
    if (!isEdictError(e)) throw e;
    // tampered, unsigned or wrongly signed: the signature is the pack's only proof of origin
    throw refuse("PACK_SIGNATURE_ERROR", label, `${e.code}: ${e.message}`, e);
  }
  const payload = toPayload(verified.payload, label);
  const files: PackFile[] = Object.entries(payload.files).map(([path, text]) => ({ path, bytes: utf8.encode(text) }));

  // a checksum that does not cover exactly these files means the payload was assembled wrongly
  const actual = packChecksum(files);
  if (actual !== payload.checksum) throw refuse("PACK_DIGEST_MISMATCH", label, `pack checksum is ${actual} but the payload says ${payload.checksum}`);

  const read = toShippedPack(payload.name, files);
  const pack = read.pack;
  // name confusion: the files must be the pack the payload says they are
  const nameProblem = read.problems.find((p) => p.pointer === "/__pack_meta/name");
  if (nameProblem) throw refuse("PACK_NAME_MISMATCH", label, `the payload names pack ${payload.name} but ${nameProblem.message}`);
  if (!pack || read.problems.length > 0) {
    const problems = read.problems.map((p) => p.message).join("; ");
    throw refuse("PACK_SIGNATURE_ERROR", label, `the signed pack ${payload.name} ${payload.version} is not a valid pack (${problems || "no metadata.yaml"}); ask the publisher to fix it and publish a new version`);
  }
  if (pack.version !== payload.version) throw refuse("PACK_NAME_MISMATCH", label, `the payload says version ${payload.version} but its metadata.yaml says ${pack.version}`);
  if (pack.layer !== payload.layer) throw refuse("PACK_NAME_MISMATCH", label, `the payload says layer ${payload.layer} but its metadata.yaml says ${pack.layer}`);
  return { pack, payload, keyids: verified.keyids };
}
