/**
 * Pushing a bundle to a registry as an OCI artifact (distribution specification v1.1, "Push"):
 * each blob is checked with HEAD and uploaded only when missing (POST, then a monolithic PUT with
 * `?digest=`), then the manifest is PUT under every tag. Pushing the same bundle again uploads
 * nothing and writes the same manifest bytes, so it is idempotent. Not part of the loader.
 */
import { BundleRetrievalError } from "../bundle/errors.js";
import type { BundlePayload } from "../bundle/payload.js";
import { utf8Encode } from "../bundle/bytes.js";
import { checkStatus } from "../loader/fetch.js";
import type { Registry } from "./client.js";
import { BUNDLE_MEDIA_TYPE, EMPTY_CONFIG, EMPTY_MEDIA_TYPE, MANIFEST_MEDIA_TYPE, toManifestBytes } from "./manifest.js";
import { ociDigest } from "./pull.js";

export interface PushResult {
  /** `sha256:…` of the manifest. */
  digest: string;
  /** Size of the manifest in bytes (with `digest`, its OCI descriptor). */
  size: number;
  tags: string[];
  /** Blobs that were missing and uploaded (0 when everything was already there). */
  uploaded: number;
}

/** The manifest annotations of a bundle: its signed metadata, for people and registry UIs. */
export function bundleAnnotations(payload: Pick<BundlePayload, "version" | "revision" | "created_at" | "serial">): Record<string, string> {
  return {
    "org.opencontainers.image.version": payload.version,
    "org.opencontainers.image.revision": payload.revision,
    "org.opencontainers.image.created": payload.created_at,
    "dev.edict.serial": String(payload.serial),
  };
}

async function blobExists(registry: Registry, digest: string, signal: AbortSignal): Promise<boolean> {
  const response = await registry.send(`${registry.base}/blobs/${digest}`, { method: "HEAD", signal });
  if (response.status === 200) return true;
  if (response.status === 404) return false;
  checkStatus(response, `${registry.label}: HEAD blob`, false);
  return false;
}

/** Uploads one blob unless the repository already has it; true when it was uploaded. */
export async function pushBlob(registry: Registry, bytes: Uint8Array, digest: string, signal: AbortSignal): Promise<boolean> {
  if (await blobExists(registry, digest, signal)) return false;
  const started = await registry.send(`${registry.base}/blobs/uploads/`, { method: "POST", signal, headers: { "content-length": "0" } });
  checkStatus(started, `${registry.label}: starting an upload`, false);
  const location = started.headers.get("location");
  if (location === null) throw new BundleRetrievalError("FETCH_FAILED", `${registry.label}: the registry started an upload without a Location`);
  const url = new URL(location, `${registry.base}/`);
  url.searchParams.set("digest", digest);
  const put = await registry.send(url.href, { method: "PUT", signal, headers: { "content-type": "application/octet-stream" }, body: bytes });
  checkStatus(put, `${registry.label}: uploading blob ${digest.slice(0, 19)}…`, false);
  return true;
}

export interface PushInput {
  /** The bundle file's exact bytes. */
  bytes: Uint8Array;
  /** `<name>.bundle.json`. */
  title: string;
  payload: Pick<BundlePayload, "version" | "revision" | "created_at" | "serial">;
  tags: readonly string[];
}

/** Pushes the empty config, the bundle and the manifest under each tag; returns the manifest's digest. */
export async function pushBundle(registry: Registry, input: PushInput, signal: AbortSignal): Promise<PushResult> {
  const layerDigest = await ociDigest(input.bytes);
  let uploaded = 0;
  if (await pushBlob(registry, utf8Encode("{}"), EMPTY_CONFIG.digest, signal)) uploaded++;
  if (await pushBlob(registry, input.bytes, layerDigest, signal)) uploaded++;
  const manifest = toManifestBytes({ layer: { digest: layerDigest, size: input.bytes.length, title: input.title }, annotations: bundleAnnotations(input.payload) });
  const digest = await ociDigest(manifest);
  for (const tag of input.tags) {
    const response = await registry.send(`${registry.base}/manifests/${tag}`, { method: "PUT", signal, headers: { "content-type": MANIFEST_MEDIA_TYPE }, body: manifest });
    checkStatus(response, `${registry.label}: putting the manifest as ${tag}`, false);
    const stored = response.headers.get("docker-content-digest");
    if (stored !== null && stored !== digest) {
      throw new BundleRetrievalError("FETCH_FAILED", `${registry.label}: the registry stored the manifest as ${stored}, not ${digest}; it may rewrite manifests or not support ${EMPTY_MEDIA_TYPE} artifacts of type ${BUNDLE_MEDIA_TYPE}`);
    }
  }
  return { digest, size: manifest.length, tags: [...input.tags], uploaded };
}
