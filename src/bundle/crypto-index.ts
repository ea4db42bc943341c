/**
 * Public API of the synchronous crypto and envelope core of signed bundles (Ed25519 and hashes from
 * @noble), used by the CLI, the build and the Action. Runtime-neutral: no Node-only APIs; the
 * loader verifies with WebCrypto instead and shares only the pure checks. Node-only key file I/O
 * lives in `key-files.ts` and is not re-exported here.
 */
export { BundleError, BundleIntegrityError, BundleKeyError, BundleRetrievalError, BundleTrustError, isBundleError } from "./errors.js";
export type { BundleErrorCode, BundleErrorOptions, IntegrityErrorCode, RetrievalErrorCode, TrustErrorCode } from "./errors.js";

export { fromBase64, fromBase64Either, fromBase64Url, toBase64, toBase64Url } from "./base64.js";
export { bytesEqual, fromHex, toHex, utf8Decode, utf8Encode } from "./bytes.js";
export { canonicalBytes, canonicalJson } from "./canonical-json.js";
export { JsonSyntaxError, parseStrictJson } from "./strict-json.js";
export type { StrictJsonOptions } from "./strict-json.js";
export { parseSha256sum, sha256, sha256Hex, toSha256sumLine } from "./digest.js";
export { blake3Hex } from "./digest-blake3.js";
export type { Sha256sumEntry } from "./digest.js";

export {
  PrivateKey,
  PublicKey,
  generateKeyPair,
  keyId,
  parsePrivateKey,
  parsePublicKey,
  publicKeyFromPrivate,
  signMessage,
  toPrivateKeyPem,
  toPublicKey,
  toPublicKeyPem,
  verifySignature,
} from "./keys.js";
export type { KeyPair, KeyParseOptions } from "./keys.js";

export { MAX_SIGNATURES, pae, parseEnvelope, signEnvelope, toEnvelopeBytes, toEnvelopeJson, verifyEnvelope } from "./dsse.js";
export type { DsseEnvelope, DsseSignature, VerifiedEnvelope, VerifyEnvelopeOptions } from "./dsse.js";
