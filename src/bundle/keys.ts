/**
 * Ed25519 keys (RFC 8032) in the encodings openssl and the rest of the world use: PKCS#8 and
 * SubjectPublicKeyInfo DER/PEM (RFC 8410, RFC 7468), and raw 32-byte keys in base64.
 * Pure; no Node-only APIs, so the loader can parse its pinned keys anywhere.
 *
 * Error contract: key *text or bytes a user supplies* that cannot be parsed throws
 * `BundleKeyError` (code KEY_ERROR) saying what was expected and what arrived (a PEM label, a
 * byte count), never the key material itself. Programming errors (a non-Uint8Array where bytes
 * are required) throw `TypeError`. A signature that does not verify returns `false`.
 */
import { fromBase64Either } from "./base64.js";
import { assertBytes, bytesEqual, fromHex, toHex } from "./bytes.js";
import { sha256 } from "./digest.js";
import { ed, signer } from "./ed25519.js";
import { BundleKeyError } from "./errors.js";
import { looksLikePem, parsePemBlocks, readTlv, toPem } from "./pem.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

// RFC 8410 §4: id-Ed25519 OBJECT IDENTIFIER ::= { 1 3 101 112 }, parameters absent.
const ED25519_ALGORITHM = fromHex("06032b6570");
const ED448_ALGORITHM = fromHex("06032b6571");
const SPKI_PREFIX = fromHex("302a300506032b6570032100");
const PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");

export interface KeyParseOptions {
  /** Where the key came from ("keys/release.key", "$EDICT_SIGNING_KEY"), for messages. */
  source?: string;
}

function keyError(options: KeyParseOptions, what: string, message: string, cause?: unknown): BundleKeyError {
  const where = options.source ? `${options.source}: ` : "";
  return new BundleKeyError(`${where}${what}: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * `"ed25519:"` + the first 16 hex characters of SHA-256 of the raw 32-byte public key.
 */
export function keyId(publicKey: PublicKey | Uint8Array): string {
  const raw = publicKey instanceof PublicKey ? publicKey.bytes : publicKey;
  assertBytes(raw, "keyId", 32);
  return `ed25519:${toHex(sha256(raw)).slice(0, 16)}`;
}

/** An Ed25519 public key: validated point, with its keyid. */
export class PublicKey {
  readonly algorithm = "ed25519" as const;
  readonly keyid: string;
  readonly #raw: Uint8Array;

  private constructor(raw: Uint8Array) {
    this.#raw = raw;
    this.keyid = keyId(raw);
  }

  /**
   * From the raw 32-byte encoding. Throws `BundleKeyError` when the bytes are not a valid
   * Ed25519 point or are a small-order (weak) point.
   */
  static fromRaw(raw: Uint8Array, options: KeyParseOptions = {}): PublicKey {
    assertBytes(raw, "public key");
    if (raw.length !== 32) throw keyError(options, "public key", `expected 32 raw bytes, got ${raw.length}`);
    let point;
    try {
      point = ed.Point.fromBytes(raw, false);
    } catch (e) {
      throw keyError(options, "public key", "the 32 bytes are not a valid Ed25519 point", e);
    }
    // weak keys: a small-order point verifies signatures on many messages
    if (point.isSmallOrder()) throw keyError(options, "public key", "small-order (weak) Ed25519 point");
    return new PublicKey(Uint8Array.from(raw));
  }

  /** A copy of the raw 32 bytes. */
  get bytes(): Uint8Array {
    return Uint8Array.from(this.#raw);
  }

  equals(other: PublicKey): boolean {
    return other instanceof PublicKey && bytesEqual(this.#raw, other.#raw);
  }

  /** Ed25519 verification, RFC 8032 §5.1.7 (strict: canonical encodings, no small-order keys). */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    assertBytes(message, "message");
    assertBytes(signature, "signature");
    if (signature.length !== 64) return false;
    try {
      return ed.verify(signature, message, this.#raw, { zip215: false });
    } catch {
      return false;
    }
  }

  toString(): string {
    return `PublicKey(${this.keyid})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * An Ed25519 private key. The seed lives in a private field and is left out of `toString`,
 * `JSON.stringify` and `util.inspect`, so logging a key object leaks nothing.
 */
export class PrivateKey {
  readonly algorithm = "ed25519" as const;
  readonly publicKey: PublicKey;
  readonly #seed: Uint8Array;

  private constructor(seed: Uint8Array) {
    this.#seed = seed;
    this.publicKey = PublicKey.fromRaw(ed.getPublicKey(seed));
  }

  /** From the 32-byte RFC 8032 secret key (the seed). Throws `TypeError` on any other length. */
  static fromSeed(seed: Uint8Array): PrivateKey {
    assertBytes(seed, "private key seed", 32);
    return new PrivateKey(Uint8Array.from(seed));
  }

  get keyid(): string {
    return this.publicKey.keyid;
  }

  /** Ed25519 signature (RFC 8032 §5.1.6), 64 bytes, deterministic. */
  sign(message: Uint8Array): Uint8Array {
    assertBytes(message, "message");
    return signer.sign(message, this.#seed);
  }

  /** A copy of the 32-byte seed; only for writing the key out. */
  exportSeed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  toString(): string {
    return `PrivateKey(${this.keyid})`;
  }

  toJSON(): { algorithm: "ed25519"; keyid: string } {
    return { algorithm: this.algorithm, keyid: this.keyid };
  }

  [INSPECT](): string {
    return this.toString();
  }
}

export interface KeyPair {
  privateKey: PrivateKey;
  publicKey: PublicKey;
}

/** A fresh key pair from the platform CSPRNG (`crypto.getRandomValues`). */
export function generateKeyPair(): KeyPair {
  const privateKey = PrivateKey.fromSeed(ed.utils.randomSecretKey());
  return { privateKey, publicKey: privateKey.publicKey };
}

function describeBlocks(labels: string[]): string {
  return labels.length === 0 ? "no PEM block" : `PEM block(s) ${labels.map((l) => `"${l}"`).join(", ")}`;
}

/**
 * A hint when key text looks like a file path (`edict.key`, `./keys/ci.pub`, `~/.config/edict/signing.key`):
 * the path was given where the key's content belongs.
 */
function pathHint(text: string): string {
  if (!/^\S{1,255}$/.test(text) || !/^(?:~|\.{1,2})?\/|\.(?:key|pub|pem)$/i.test(text)) return "";
  return ` (this looks like a file path, not a key: give the file's content, e.g. "$(cat ${text})", or pass the path itself with --key)`;
}

function decodeKeyText(text: string, options: KeyParseOptions, what: string, expected: string): Uint8Array {
  if (/^ssh-ed25519 /.test(text)) throw keyError(options, what, `${expected}; got an OpenSSH key`);
  try {
    return fromBase64Either(text.replace(/[ \t\r\n]+/g, ""));
  } catch (e) {
    throw keyError(options, what, `${expected}; got text that is neither PEM nor base64${pathHint(text)}`, e);
  }
}

// RFC 5958 OneAsymmetricKey for Ed25519 (RFC 8410 §7): v1 (version 0) as openssl writes it, or
// v2 (version 1) with optional attributes and the public key, which must then match the seed.
function seedFromPkcs8(der: Uint8Array, options: KeyParseOptions): Uint8Array {
  const what = "private key";
  if (der.length === 48 && bytesEqual(der.subarray(0, 16), PKCS8_PREFIX)) return der.subarray(16);
  try {
    const outer = readTlv(der, 0);
    if (outer.tag !== 0x30 || outer.end !== der.length) throw new TypeError("not a DER SEQUENCE");
    const body = outer.value;
    const version = readTlv(body, 0);
    if (version.tag !== 0x02 || version.value.length !== 1 || version.value[0]! > 1) {
      throw new TypeError("unsupported PKCS#8 version");
    }
    const algorithm = readTlv(body, version.end);
    if (algorithm.tag !== 0x30) throw new TypeError("missing AlgorithmIdentifier");
    if (!bytesEqual(algorithm.value, ED25519_ALGORITHM)) {
      const kind = bytesEqual(algorithm.value, ED448_ALGORITHM) ? "an Ed448 key" : "not an Ed25519 key";
      throw keyError(options, what, `expected an Ed25519 key; got ${kind}`);
    }
    const octets = readTlv(body, algorithm.end);
    if (octets.tag !== 0x04) throw new TypeError("missing privateKey OCTET STRING");
    const inner = readTlv(octets.value, 0);
    if (inner.tag !== 0x04 || inner.end !== octets.value.length || inner.value.length !== 32) {
      throw new TypeError("privateKey is not a 32-byte CurvePrivateKey");
    }
    let offset = octets.end;
    let embeddedPublic: Uint8Array | undefined;
    if (offset < body.length && body[offset] === 0xa0) offset = readTlv(body, offset).end; // attributes
    if (offset < body.length && body[offset] === 0x81) {
      const pub = readTlv(body, offset);
      if (version.value[0] !== 1 || pub.value.length !== 33 || pub.value[0] !== 0) {
        throw new TypeError("malformed publicKey field");
      }
      embeddedPublic = pub.value.subarray(1);
      offset = pub.end;
    }
    if (offset !== body.length) throw new TypeError("unexpected trailing fields");
    if (embeddedPublic && !bytesEqual(embeddedPublic, ed.getPublicKey(inner.value))) {
      throw keyError(options, what, "the embedded public key does not match the private key");
    }
    return inner.value;
  } catch (e) {
    if (e instanceof BundleKeyError) throw e;
    throw keyError(options, what, `expected an Ed25519 PKCS#8 key (RFC 8410); ${(e as Error).message}`, e);
  }
}

const PRIVATE_EXPECTED =
  "expected an Ed25519 PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----) or base64 of a raw 32-byte seed";

/**
 * Parses an Ed25519 private key: PKCS#8 PEM (what `openssl genpkey -algorithm ed25519` and
 * `edict keygen` write), or base64 of the raw 32-byte seed (or of seed ‖ public key, 64 bytes,
 * as NaCl libraries export it), or those as bytes (32 raw bytes, or PKCS#8 DER).
 * Throws `BundleKeyError` (KEY_ERROR) naming what arrived, never its contents.
 */
export function parsePrivateKey(input: string | Uint8Array, options: KeyParseOptions = {}): PrivateKey {
  const what = "private key";
  let bytes: Uint8Array;
  if (typeof input === "string") {
    const text = input.trim();
    if (text === "") throw keyError(options, what, `${PRIVATE_EXPECTED}; got empty text`);
    if (looksLikePem(text)) {
      let blocks;
      try {
        blocks = parsePemBlocks(text);
      } catch (e) {
        throw keyError(options, what, `${PRIVATE_EXPECTED}; ${(e as Error).message}`, e);
      }
      const keys = blocks.filter((b) => b.label === "PRIVATE KEY");
      if (keys.length !== 1) {
        const labels = blocks.map((b) => b.label);
        const hint = labels.includes("ENCRYPTED PRIVATE KEY")
          ? " (encrypted keys are not supported: decrypt with `openssl pkey -in KEY -out PLAIN`)"
          : labels.includes("PUBLIC KEY")
            ? " (this is a public key)"
            : "";
        throw keyError(options, what, `${PRIVATE_EXPECTED}; got ${describeBlocks(labels)}${hint}`);
      }
      return PrivateKey.fromSeed(seedFromPkcs8(keys[0]!.der, options));
    }
    bytes = decodeKeyText(text, options, what, PRIVATE_EXPECTED);
  } else {
    assertBytes(input, what);
    bytes = input;
  }
  if (bytes.length === 32) return PrivateKey.fromSeed(bytes);
  if (bytes.length === 64) {
    const key = PrivateKey.fromSeed(bytes.subarray(0, 32));
    if (!bytesEqual(bytes.subarray(32), key.publicKey.bytes)) {
      throw keyError(options, what, "64-byte key: the second half is not the public key of the first");
    }
    return key;
  }
  if (bytes[0] === 0x30) return PrivateKey.fromSeed(seedFromPkcs8(bytes, options));
  throw keyError(options, what, `${PRIVATE_EXPECTED}; got ${bytes.length} bytes${typeof input === "string" ? pathHint(input.trim()) : ""}`);
}

const PUBLIC_EXPECTED =
  "expected an Ed25519 SPKI PEM key (-----BEGIN PUBLIC KEY-----) or base64 of a raw 32-byte key";

function rawFromSpki(der: Uint8Array, options: KeyParseOptions): Uint8Array {
  if (der.length === 44 && bytesEqual(der.subarray(0, 12), SPKI_PREFIX)) return der.subarray(12);
  const ed448 = der.length > 12 && toHex(der.subarray(0, 12)).includes("06032b6571");
  throw keyError(
    options,
    "public key",
    `expected an Ed25519 SubjectPublicKeyInfo (RFC 8410); got ${ed448 ? "an Ed448 key" : `${der.length} bytes of another key type`}`,
  );
}

/**
 * Parses an Ed25519 public key: SPKI PEM (`openssl pkey -pubout`, `edict keygen`), base64 of the
 * raw 32 bytes, or those as bytes (32 raw bytes or SPKI DER).
 * Throws `BundleKeyError` (KEY_ERROR) naming what arrived.
 */
export function parsePublicKey(input: string | Uint8Array, options: KeyParseOptions = {}): PublicKey {
  const what = "public key";
  let bytes: Uint8Array;
  if (typeof input === "string") {
    const text = input.trim();
    if (text === "") throw keyError(options, what, `${PUBLIC_EXPECTED}; got empty text`);
    if (looksLikePem(text)) {
      let blocks;
      try {
        blocks = parsePemBlocks(text);
      } catch (e) {
        throw keyError(options, what, `${PUBLIC_EXPECTED}; ${(e as Error).message}`, e);
      }
      const keys = blocks.filter((b) => b.label === "PUBLIC KEY");
      if (keys.length !== 1) {
        const labels = blocks.map((b) => b.label);
        const hint = labels.some((l) => l.includes("PRIVATE KEY"))
          ? " (this is a private key: pass its public half, `openssl pkey -in KEY -pubout`)"
          : "";
        throw keyError(options, what, `${PUBLIC_EXPECTED}; got ${describeBlocks(labels)}${hint}`);
      }
      return PublicKey.fromRaw(rawFromSpki(keys[0]!.der, options), options);
    }
    bytes = decodeKeyText(text, options, what, PUBLIC_EXPECTED);
  } else {
    assertBytes(input, what);
    bytes = input;
  }
  if (bytes.length === 32) return PublicKey.fromRaw(bytes, options);
  if (bytes[0] === 0x30) return PublicKey.fromRaw(rawFromSpki(bytes, options), options);
  throw keyError(options, what, `${PUBLIC_EXPECTED}; got ${bytes.length} bytes${typeof input === "string" ? pathHint(input.trim()) : ""}`);
}

/** A `PublicKey` from a key object, PEM/base64 text, or bytes (see `parsePublicKey`). */
export function toPublicKey(input: PublicKey | string | Uint8Array, options: KeyParseOptions = {}): PublicKey {
  return input instanceof PublicKey ? input : parsePublicKey(input, options);
}

/** The public half of a private key given as an object, PEM/base64 text, or bytes. */
export function publicKeyFromPrivate(key: PrivateKey | string | Uint8Array, options: KeyParseOptions = {}): PublicKey {
  return (key instanceof PrivateKey ? key : parsePrivateKey(key, options)).publicKey;
}

/** PKCS#8 v1 PEM (`-----BEGIN PRIVATE KEY-----`), byte-identical to what openssl writes. */
export function toPrivateKeyPem(key: PrivateKey): string {
  const seed = key.exportSeed();
  const der = new Uint8Array(48);
  der.set(PKCS8_PREFIX);
  der.set(seed, 16);
  const pem = toPem("PRIVATE KEY", der);
  seed.fill(0);
  der.fill(0);
  return pem;
}

/** SPKI PEM (`-----BEGIN PUBLIC KEY-----`), byte-identical to `openssl pkey -pubout`. */
export function toPublicKeyPem(key: PublicKey): string {
  const der = new Uint8Array(44);
  der.set(SPKI_PREFIX);
  der.set(key.bytes, 12);
  return toPem("PUBLIC KEY", der);
}

/** Ed25519 signature of `message` (RFC 8032 §5.1.6). */
export function signMessage(key: PrivateKey, message: Uint8Array): Uint8Array {
  return key.sign(message);
}

/**
 * Ed25519 verification (RFC 8032 §5.1.7, strict). Returns `false` for a wrong or malformed
 * signature; throws `TypeError` only when the arguments are not bytes.
 */
export function verifySignature(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(key instanceof PublicKey)) throw new TypeError("verifySignature: expected a PublicKey");
  return key.verify(message, signature);
}
