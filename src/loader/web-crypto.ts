/**
 * The runtime's own primitives, so the loader ships no implementation of them: SHA-256 and
 * Ed25519 from WebCrypto (`crypto.subtle`: Node ≥ 20, Deno, Bun, workers, current browsers) and
 * base64 from `atob`/`btoa`. Any failure here refuses; nothing is ever accepted on error.
 */

const ALGORITHM = { name: "Ed25519" };

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new TypeError("edict loader: this runtime has no WebCrypto (crypto.subtle) to verify bundles with");
  return s;
}

/** The WebCrypto key of a checked raw public key; a runtime without Ed25519 fails here, closed. */
export async function importPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  try {
    return await subtle().importKey("raw", raw as Uint8Array<ArrayBuffer>, ALGORITHM, false, ["verify"]);
  } catch (e) {
    throw new TypeError(`edict loader: this runtime's WebCrypto has no Ed25519 (${(e as Error).message})`, { cause: e });
  }
}

/** Whether `signature` is an Ed25519 signature of `message` under `key`; false for any malformed input. */
export async function verifyEd25519(key: CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  try {
    return signature.length === 64 && (await subtle().verify(ALGORITHM, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>));
  } catch {
    return false;
  }
}

/** Lowercase hex SHA-256 of `bytes`, computed by the runtime's WebCrypto. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle().digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Bytes of canonical standard base64 (RFC 4648 §4, padded, zero trailing bits), or undefined for
 * anything else: `atob` is lenient (whitespace, missing padding), so the text must also be
 * exactly what `btoa` writes for the decoded bytes.
 */
export function fromCanonicalBase64(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  if (btoa(binary) !== text) return undefined;
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
