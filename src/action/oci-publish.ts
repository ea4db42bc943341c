/**
 * publish mode's `oci` input: after the release, the same bundle bytes are pushed to an OCI
 * registry (`ghcr.io/OWNER/REPO`) as `<version>` and `latest`, with the job's token answering the
 * registry's bearer challenge (how GHCR takes GITHUB_TOKEN; the job needs `packages: write`).
 * Idempotent like the release: a re-run pushes the same bytes and uploads nothing.
 */
import type { BundlePayload } from "../bundle/payload.js";
import { bundleFileNames } from "../bundle/payload.js";
import { isBundleError } from "../bundle/errors.js";
import { EdictError } from "../errors.js";
import { createRegistry, parseOciReference, pushBundle } from "../oci/index.js";
import type { PushResult } from "../oci/index.js";
import type { OciReference } from "../oci/reference.js";
import type { ModeRun } from "./mode.js";

const DEADLINE_MS = 300_000;

/** A registry on this machine talks plain http, as Docker treats localhost registries. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(name) || name === "[::1]";
}

/** A release version as a tag: OCI tags have no `+`, so build metadata is joined with `_`. */
export function versionTag(version: string): string {
  return version.replace(/\+/g, "_");
}

/** The `oci` input (`ghcr.io/OWNER/REPO`, with or without `oci://`) with `tag`. */
export function parseOciInput(value: string, tag: string): OciReference {
  const text = value.trim().replace(/^oci:\/\//, "");
  // the tag is the release's version: a tag or digest in the input is a mistake
  const ref = /[:@]/.test(text.slice(text.indexOf("/"))) ? undefined : parseOciReference(`oci://${text}:${tag}`);
  if (ref === undefined) {
    throw new EdictError("USAGE", `input oci must be a registry repository without a tag, e.g. ghcr.io/OWNER/REPO (lowercase), got ${JSON.stringify(value.slice(0, 100))}`);
  }
  return ref;
}

/** Pushes the released bundle as `<version>` and `latest`; returns the manifest digest. */
export async function publishToRegistry(run: ModeRun, bytes: Uint8Array, payload: BundlePayload): Promise<PushResult> {
  const { inputs, io, env } = run;
  const ref = parseOciInput(inputs.oci ?? "", versionTag(payload.version));
  const where = `${ref.host}/${ref.repository}`;
  const registry = createRegistry(ref, {
    fetch: (input, init) => globalThis.fetch(input, init),
    label: `oci://${where}`,
    credentials: `${env.GITHUB_ACTOR || "edict"}:${inputs.githubToken}`,
    ...(isLoopbackHost(ref.host) ? { plainHttp: true } : {}),
  });
  let result: PushResult;
  try {
    result = await pushBundle(registry, { bytes, title: bundleFileNames(payload.name).bundle, payload, tags: [ref.tag!, "latest"] }, AbortSignal.timeout(DEADLINE_MS));
  } catch (e) {
    if (!isBundleError(e)) throw e;
    throw new EdictError("IO_ERROR", `the release is published, but pushing it to ${where} failed: ${e.message}; the job needs \`packages: write\`, and a re-run pushes again`, { cause: e });
  }
  io.info(`pushed ${payload.name} ${payload.version} to ${where} as ${result.tags.join(", ")}: ${result.digest}${result.uploaded === 0 ? " (already there)" : ""}`);
  await io.writeSummary(`\nOCI: \`${where}:${ref.tag}\` · \`${result.digest}\`\n`);
  return result;
}
