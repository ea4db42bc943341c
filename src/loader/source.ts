/**
 * Bundle sources of the loader: an http(s) URL, a file path, or a GitHub release
 * (`github:owner/repo@tag`, `github:owner/repo@latest`). With a token, a private release is read
 * through the REST API (GET a release, then its asset with `Accept: application/octet-stream`).
 */
import { fetchFailed, retrieve, withDeadline } from "./fetch.js";
import type { Retrieved, RetrieveOptions } from "./fetch.js";
import type { Config } from "./options.js";
import type { FileModule } from "./types.js";
import type * as GithubApi from "./github-api.js";

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

export function trimSlash(base: string): string {
  return base.replace(/\/+$/, "");
}

/** `…/releases/download/<tag>/<asset>`, or `…/releases/latest/download/<asset>`. */
export function githubDownloadUrl(spec: Extract<SourceSpec, { kind: "github" }>, githubUrl: string, asset: string): string {
  const path = spec.latest ? "releases/latest/download" : `releases/download/${encodeURIComponent(spec.tag)}`;
  return `${trimSlash(githubUrl)}/${spec.owner}/${spec.repo}/${path}/${encodeURIComponent(asset)}`;
}

/** The REST API path, only for private releases (`token`): fetch-only bundles without it stay smaller. */
const githubApi = (): Promise<typeof GithubApi> => import("./github-api.js");

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
      const api = await githubApi().catch((e: unknown) => {
        throw fetchFailed(`${config.label}: could not load the GitHub API module (${(e as Error).message})`, e);
      });
      return api.retrieveGithubAsset(spec, { ...common, token: config.token, githubApiUrl: config.githubApiUrl, asset });
    }
    return retrieve(githubDownloadUrl(spec, config.githubUrl, asset), common);
  });
}
