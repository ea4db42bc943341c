/**
 * Bundle sources of the loader: an http(s) URL, a file path, or a GitHub release
 * (`github:owner/repo@tag`, `github:owner/repo@latest`). With a token, a private release is read
 * through the REST API (GET a release, then its asset with `Accept: application/octet-stream`).
 */
import { utf8Decode } from "../bundle/bytes.js";
import { fetchFailed, retrieve, withDeadline } from "./fetch.js";
import type { Retrieved, RetrieveOptions } from "./fetch.js";
import type { Config } from "./options.js";
import type { FileModule } from "./types.js";

export type SourceSpec =
  | { kind: "url"; url: string }
  | { kind: "file"; path: string }
  | { kind: "github"; owner: string; repo: string; tag: string; latest: boolean };

/** `github:owner/repo@tag` in GitHub's characters; a repo may not be `.` or `..` (path injection). */
const GITHUB = /^github:([A-Za-z0-9][A-Za-z0-9-]{0,38})\/(?!\.\.?@)([A-Za-z0-9._-]{1,100})@([A-Za-z0-9][A-Za-z0-9._+-]{0,200})$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** Parses a `source` option; throws a `TypeError` naming what is expected. */
export function parseSource(source: string): SourceSpec {
  if (typeof source !== "string" || source.trim() === "") throw new TypeError("createLoader: source must be a URL, a file path or github:owner/repo@tag");
  if (source.startsWith("github:")) {
    const m = GITHUB.exec(source);
    if (!m) {
      throw new TypeError(`createLoader: expected github:owner/repo@tag or github:owner/repo@latest, got ${JSON.stringify(source.slice(0, 200))}`);
    }
    return { kind: "github", owner: m[1]!, repo: m[2]!, tag: m[3]!, latest: m[3] === "latest" };
  }
  const scheme = SCHEME.exec(source)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") {
    let url: URL;
    try {
      url = new URL(source);
    } catch (e) {
      throw new TypeError("createLoader: source is not a valid URL", { cause: e });
    }
    if (url.username !== "" || url.password !== "") throw new TypeError("createLoader: credentials in the source URL are not supported (fetch refuses them)");
    return { kind: "url", url: url.href };
  }
  if (scheme !== undefined) throw new TypeError(`createLoader: unsupported source scheme ${JSON.stringify(scheme)}: expected https://, http://, github: or a file path`);
  return { kind: "file", path: source };
}

/**
 * The source for status and messages: a URL without credentials, query or fragment. Only for a
 * source `parseSource` accepted (or `oci://` references, which parse as URLs).
 */
export function describeSource(source: string): string {
  if (!SCHEME.test(source)) return source;
  const url = new URL(source);
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? "?…" : ""}`;
}

function trimSlash(base: string): string {
  return base.replace(/\/+$/, "");
}

/** `…/releases/download/<tag>/<asset>`, or `…/releases/latest/download/<asset>`. */
export function githubDownloadUrl(spec: Extract<SourceSpec, { kind: "github" }>, githubUrl: string, asset: string): string {
  const path = spec.latest ? "releases/latest/download" : `releases/download/${encodeURIComponent(spec.tag)}`;
  return `${trimSlash(githubUrl)}/${spec.owner}/${spec.repo}/${path}/${encodeURIComponent(asset)}`;
}

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

/**
 * One retrieval from the configured source within the caps: `timeoutMs` for the whole of it
 * (slow retrieval), `maxBytes` while reading (endless data); `closed` aborts it. `etag` is sent as
 * If-None-Match. File sources read through the Node-only file module, imported on demand.
 */
export function retrieveSource(config: Config, etag: string | undefined, closed: AbortSignal, files: () => Promise<FileModule>): Promise<Retrieved> {
  const { spec } = config;
  return withDeadline(config.label, config.timeoutMs, closed, async (signal) => {
    if (spec.kind === "file") {
      const mod = await files().catch((e: unknown) => {
        throw fetchFailed(`${config.label}: file sources need Node's file system; use an https:// URL or a github: source`, e);
      });
      return { notModified: false, bytes: await mod.readFileBounded(spec.path, config.maxBytes, signal) };
    }
    const common = { fetch: config.fetch!, signal, label: config.label, maxBytes: config.maxBytes, etag };
    if (spec.kind === "url") return retrieve(spec.url, common);
    const asset = `${config.expectedName!}.bundle.json`;
    if (config.token !== undefined) {
      return retrieveGithubAsset(spec, { ...common, token: config.token, githubApiUrl: config.githubApiUrl, asset });
    }
    return retrieve(githubDownloadUrl(spec, config.githubUrl, asset), common);
  });
}
