/**
 * The OCI image manifest of an edict bundle (OCI image specification v1.1, "Guidelines for
 * artifact usage"): `artifactType` and the one layer are `application/vnd.edict.bundle.v1+json`,
 * the config is the empty descriptor, and the annotations repeat the bundle's signed metadata for
 * registry UIs (never trusted: the loader verifies the bundle itself). Pure and runtime-neutral.
 */
import { BundleIntegrityError } from "../bundle/errors.js";
import { utf8Decode, utf8Encode } from "../bundle/bytes.js";
import { BUNDLE_PAYLOAD_TYPE } from "../bundle/payload.js";

export const MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
/** The artifact type and the bundle layer's media type: the DSSE payload type of bundles. */
export const BUNDLE_MEDIA_TYPE = BUNDLE_PAYLOAD_TYPE;
export const EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
/** The empty config blob `{}`'s digest and size. */
export const EMPTY_CONFIG = { digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", size: 2 };
export const TITLE_ANNOTATION = "org.opencontainers.image.title";

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TITLE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.bundle\.json$/;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** The bundle layer a manifest names. */
export interface BundleLayer {
  digest: string;
  size: number;
  /** `<name>.bundle.json`; undefined when the annotation is missing or not a plain bundle file name. */
  title?: string;
}

export interface BundleManifestInput {
  layer: { digest: string; size: number; title: string };
  /** `org.opencontainers.image.*` and `dev.edict.serial`, from the bundle's payload. */
  annotations: Record<string, string>;
}

/** The manifest's exact bytes: fixed key order, so one bundle always gives one manifest digest. */
export function toManifestBytes(input: BundleManifestInput): Uint8Array {
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    artifactType: BUNDLE_MEDIA_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size },
    layers: [{ mediaType: BUNDLE_MEDIA_TYPE, digest: input.layer.digest, size: input.layer.size, annotations: { [TITLE_ANNOTATION]: input.layer.title } }],
    annotations: input.annotations,
  };
  return utf8Encode(JSON.stringify(manifest));
}

function malformed(label: string): BundleIntegrityError {
  return new BundleIntegrityError("FORMAT_ERROR", `${label}: not an edict bundle manifest (one ${BUNDLE_MEDIA_TYPE} layer); push it with \`edict bundle push\``);
}

/**
 * The bundle layer of a manifest's bytes: an OCI image manifest with exactly one layer of the
 * bundle media type and a sha256 digest. FORMAT_ERROR otherwise (an image, an index, garbage).
 */
export function readBundleManifest(bytes: Uint8Array, label: string): BundleLayer {
  let manifest: { mediaType?: unknown; layers?: unknown };
  try {
    manifest = JSON.parse(utf8Decode(bytes)) as typeof manifest;
  } catch {
    throw malformed(label);
  }
  const layers = (Array.isArray(manifest?.layers) && (manifest.mediaType ?? MANIFEST_MEDIA_TYPE) === MANIFEST_MEDIA_TYPE ? manifest.layers : []) as Array<Partial<Descriptor> | null>;
  const bundles = layers.filter((l) => l?.mediaType === BUNDLE_MEDIA_TYPE);
  const layer = bundles[0];
  if (bundles.length !== 1 || !DIGEST.test(String(layer?.digest)) || !Number.isSafeInteger(layer?.size) || layer!.size! < 0) throw malformed(label);
  const title = layer!.annotations?.[TITLE_ANNOTATION];
  return { digest: layer!.digest!, size: layer!.size!, ...(typeof title === "string" && TITLE.test(title) ? { title } : {}) };
}
