/**
 * Private GitHub releases through the REST API (a `token` with a `github:` source): GET the
 * release, then its asset with `Accept: application/octet-stream`. Loaded with `import()` by the
 * loader only when a token is configured, so the loader core does not carry it.
 */
import { utf8Decode } from "../bundle/bytes.js";
import { fetchFailed, retrieve } from "./fetch.js";
import type { Retrieved, RetrieveOptions } from "./fetch.js";
import { trimSlash } from "./source.js";
import type { SourceSpec } from "./source.js";

/** `GET /repos/{owner}/{repo}/releases/tags/{tag}` or `/releases/latest` of the REST API. */
export function githubReleaseApiUrl(spec: Extract<SourceSpec, { kind: "github" }>, githubApiUrl: string): string {
  const path = spec.latest ? "releases/latest" : `releases/tags/${encodeURIComponent(spec.tag)}`;
  return `${trimSlash(githubApiUrl)}/repos/${spec.owner}/${spec.repo}/${path}`;
}

/** The API URL of asset `asset` in a release's JSON. */
export function findAssetUrl(releaseJson: Uint8Array, asset: string, label: string): string {
  let release: unknown;
  try {
    release = JSON.parse(utf8Decode(releaseJson));
  } catch (e) {
    throw fetchFailed(`${label}: the release API's answer is not JSON`, e);
  }
  const assets = (release as { assets?: unknown } | null)?.assets;
  if (!Array.isArray(assets)) throw fetchFailed(`${label}: the release has no assets list`);
  const found = assets.find((a: unknown) => (a as { name?: unknown } | null)?.name === asset) as { url?: unknown } | undefined;
  if (found === undefined) {
    const names = assets.map((a: unknown) => String((a as { name?: unknown } | null)?.name)).slice(0, 20);
    throw fetchFailed(`${label}: the release has no asset ${asset} (it has ${names.length === 0 ? "none" : names.join(", ")})`);
  }
  if (typeof found.url !== "string" || !/^https?:\/\//.test(found.url)) throw fetchFailed(`${label}: asset ${asset} has no API url`);
  return found.url;
}

export interface GithubApiOptions extends RetrieveOptions {
  token: string;
  githubApiUrl: string;
  asset: string;
}

/**
 * A private release through the REST API. The validator is the release's ETag: an unchanged
 * release (304) means an unchanged asset, and a conditional request costs no rate limit.
 */
export async function retrieveGithubAsset(spec: Extract<SourceSpec, { kind: "github" }>, options: GithubApiOptions): Promise<Retrieved> {
  const common = { ...options, authorization: `Bearer ${options.token}`, authOrigin: new URL(options.githubApiUrl).origin };
  const release = await retrieve(githubReleaseApiUrl(spec, options.githubApiUrl), {
    ...common,
    headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
  });
  if (release.notModified) return release;
  // unconditional (so never "not modified"): the release's ETag already said something changed
  const assetUrl = findAssetUrl(release.bytes, options.asset, options.label);
  const asset = (await retrieve(assetUrl, { ...common, etag: undefined, label: `${options.label}: asset ${options.asset}`, headers: { accept: "application/octet-stream" } })) as Retrieved & { notModified: false };
  return release.etag === undefined ? asset : { ...asset, etag: release.etag };
}
