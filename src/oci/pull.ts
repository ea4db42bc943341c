/**
 * Reading a bundle from a registry (distribution specification v1.1, "Pull"): HEAD the manifest
 * for its digest, GET the manifest and check its bytes against the digest asked for, GET the
 * bundle layer and check its bytes against the layer's digest. Every body is capped while it
 * streams. SHA-256 from WebCrypto, so the loader's OCI entry point imports no package.
 */
import { BundleIntegrityError } from "../bundle/errors.js";
import { checkStatus, readBodyBounded } from "../loader/fetch.js";
import { sha256Hex } from "../loader/web-crypto.js";
import type { Registry } from "./client.js";
import { MANIFEST_MEDIA_TYPE, readBundleManifest } from "./manifest.js";
import type { BundleLayer } from "./manifest.js";

const ACCEPT = { accept: MANIFEST_MEDIA_TYPE };

export interface PulledManifest {
  /** `sha256:…` of the manifest's bytes, computed here. */
  digest: string;
  layer: BundleLayer;
}

/** `sha256:<hex>` of `bytes`. */
export async function ociDigest(bytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(bytes)}`;
}

/**
 * Substitution: bytes that do not hash to the digest that named them are refused
 * (DIGEST_MISMATCH), whatever the registry, a mirror or a proxy served.
 */
export async function checkDigest(bytes: Uint8Array, expected: string, what: string): Promise<void> {
  const actual = await ociDigest(bytes);
  if (actual !== expected) throw new BundleIntegrityError("DIGEST_MISMATCH", `${what}: the bytes served hash to ${actual}, not ${expected}: refusing them`);
}

/**
 * HEAD of the manifest: its `Docker-Content-Digest` (or ETag), the cheap "has it changed?";
 * undefined when the registry answers without either, or not with 200.
 */
export async function headManifest(registry: Registry, reference: string, signal: AbortSignal): Promise<string | undefined> {
  const response = await registry.send(`${registry.base}/manifests/${reference}`, { method: "HEAD", signal, headers: ACCEPT });
  if (response.status !== 200) return undefined;
  return response.headers.get("docker-content-digest") ?? response.headers.get("etag") ?? undefined;
}

/** GET of the manifest by tag or digest; a digest reference must match the bytes (DIGEST_MISMATCH). */
export async function getManifest(registry: Registry, reference: string, signal: AbortSignal, maxBytes: number): Promise<PulledManifest> {
  const label = `${registry.label}: manifest`;
  const response = await registry.send(`${registry.base}/manifests/${reference}`, { method: "GET", signal, headers: ACCEPT });
  checkStatus(response, label, false);
  const bytes = await readBodyBounded(response, maxBytes, signal, label);
  if (reference.startsWith("sha256:")) await checkDigest(bytes, reference, label);
  return { digest: await ociDigest(bytes), layer: readBundleManifest(bytes, label) };
}

/** GET of the bundle layer, capped at `maxBytes`, refused unless it hashes to the layer's digest. */
export async function getBundleBlob(registry: Registry, layer: BundleLayer, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
  const label = `${registry.label}: layer ${layer.digest.slice(0, 19)}…`;
  const response = await registry.send(`${registry.base}/blobs/${layer.digest}`, { method: "GET", signal });
  checkStatus(response, label, false);
  const bytes = await readBodyBounded(response, Math.min(maxBytes, layer.size), signal, label);
  await checkDigest(bytes, layer.digest, label);
  return bytes;
}
