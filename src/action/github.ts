/**
 * The GitHub REST calls the Action makes, on an injected Octokit (`createGitHubClient`, whose
 * every request is retried as github-retry.ts says): the sticky pull-request comment, releases
 * and their assets. Each function is one small step so the modes read as a sequence of them;
 * tests run them against a loopback server standing in for GitHub.
 */
import { getOctokit } from "@actions/github";
import { concatBytes } from "../bundle/bytes.js";
import { BundleRetrievalError } from "../bundle/errors.js";
import { EdictError } from "../errors.js";
import { retriesOf, retryPlugin } from "./github-retry.js";
import type { RetryOptions } from "./github-retry.js";

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions extends RetryOptions {
  /** The REST API's root: GITHUB_API_URL on the runner. */
  baseUrl: string;
}

/**
 * The client every mode uses: `@actions/github`'s Octokit, whose every request is retried on
 * 5xx answers, failed connections, 429 and secondary rate limits (see retry-policy.ts).
 *
 * @example
 * const octokit = createGitHubClient(token, { baseUrl: process.env.GITHUB_API_URL!, onRetry: (l) => core.info(l) });
 */
export function createGitHubClient(token: string, options: GitHubClientOptions): Octokit {
  const { baseUrl, ...retry } = options;
  return getOctokit(token, { baseUrl }, retryPlugin(retry));
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The hidden marker that finds the Action's own comment among all the others. */
export const COMMENT_MARKER = "<!-- edict:report -->";

/** The marker of a policy repository in a sub-folder, so two edict steps keep two comments. */
export function commentMarker(workingDirectory: string): string {
  const dir = workingDirectory.replace(/\\/g, "/").replace(/^\.\/+/, "").replace(/\/+$/, "");
  return dir === "" || dir === "." ? COMMENT_MARKER : `<!-- edict:report:${dir.replace(/-->/g, "")} -->`;
}

export interface StickyComment {
  id: number;
  body: string;
  url: string;
}

/** The HTTP status of an Octokit RequestError, if the error is one. */
export function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : undefined;
}

/** The HTTP status of a failed call, also when it is the cause of an error that reports it. */
function causeStatusOf(e: unknown): number | undefined {
  return statusOf(e) ?? statusOf((e as { cause?: unknown } | undefined)?.cause);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * One line for a failed call: `subject`, the HTTP status, GitHub's message, and what retrying
 * did: "listing the releases failed (HTTP 502): Server Error; gave up after 4 attempts (14 s of waiting)".
 */
export function describeGitHubFailure(subject: string, e: unknown): string {
  const status = statusOf(e);
  const answered = typeof e === "object" && e !== null && "response" in e && (e as { response?: unknown }).response !== undefined;
  let message = (e instanceof Error ? e.message : String(e)).split("\n")[0]?.trim() ?? "";
  // a gateway's HTML error page says nothing a log line can show
  if (message.startsWith("<")) message = "GitHub answered with an error page";
  // Octokit reports a connection that failed without an answer as HTTP 500
  const where = status === undefined ? "" : status === 500 && !answered ? " (no answer)" : ` (HTTP ${status})`;
  const r = retriesOf(e);
  let note = "";
  if (r && r.stopped === undefined) note = `; on attempt ${r.attempts}, after ${seconds(r.waitedMs)} of waiting`;
  else if (r) {
    note = `; ${r.attempts > 1 ? `gave up after ${r.attempts} attempts (${seconds(r.waitedMs)} of waiting)` : "not retried"}${r.stopped ? `: ${r.stopped}` : ""}`;
  }
  return `${subject}${where}: ${message}${note}`;
}

function apiError(what: string, e: unknown): EdictError {
  return new EdictError("IO_ERROR", `GitHub API: ${describeGitHubFailure(`${what} failed`, e)}`, { cause: e });
}

/**
 * Whether a call failed with `status` on a retry: its earlier attempt may have taken effect
 * with only the answer lost (a gateway's 502 after the work was done).
 */
export function failedAfterRetry(e: unknown, status: number): boolean {
  return causeStatusOf(e) === status && (retriesOf(e)?.attempts ?? 1) > 1;
}

/**
 * The first comment on the issue or pull request whose body starts with `marker`, searching
 * every page (a busy pull request has more than one page of comments).
 */
export async function findStickyComment(octokit: Octokit, ref: RepoRef, issueNumber: number, marker: string): Promise<StickyComment | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...ref, issue_number: issueNumber, per_page: 100 });
  for await (const page of pages) {
    for (const c of page.data) {
      // a quote of the marker in someone's reply does not start the body
      if (typeof c.body === "string" && c.body.startsWith(marker)) return { id: c.id, body: c.body, url: c.html_url };
    }
  }
  return undefined;
}

export type CommentAction = "created" | "updated" | "unchanged";

/**
 * Updates the Action's comment in place, or creates it when there is none: one comment per
 * pull request, however often the Action runs. Errors keep their HTTP status (403: read-only token).
 */
export async function upsertStickyComment(
  octokit: Octokit,
  ref: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<{ action: CommentAction; id: number; url: string }> {
  const existing = await findStickyComment(octokit, ref, issueNumber, marker);
  if (existing) {
    if (existing.body === body) return { action: "unchanged", id: existing.id, url: existing.url };
    const { data } = await octokit.rest.issues.updateComment({ ...ref, comment_id: existing.id, body });
    return { action: "updated", id: data.id, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ ...ref, issue_number: issueNumber, body });
  return { action: "created", id: data.id, url: data.html_url };
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  contentType: string;
}

export interface ReleaseInfo {
  id: number;
  tag: string;
  draft: boolean;
  prerelease: boolean;
  htmlUrl: string;
  /** A URI template: `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`. */
  uploadUrl: string;
  targetCommitish: string;
  assets: ReleaseAsset[];
}

interface ApiRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  upload_url: string;
  target_commitish: string;
  assets?: Array<{ id: number; name: string; size: number; content_type: string }>;
}

function toRelease(r: ApiRelease): ReleaseInfo {
  return {
    id: r.id,
    tag: r.tag_name,
    draft: r.draft,
    prerelease: r.prerelease,
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
    targetCommitish: r.target_commitish,
    assets: (r.assets ?? []).map((a) => ({ id: a.id, name: a.name, size: a.size, contentType: a.content_type })),
  };
}

/** Every release of the repository, drafts included (the token can see them with contents: write). */
export async function listReleases(octokit: Octokit, ref: RepoRef): Promise<ReleaseInfo[]> {
  try {
    const all = await octokit.paginate(octokit.rest.repos.listReleases, { ...ref, per_page: 100 });
    return all.map((r) => toRelease(r as ApiRelease));
  } catch (e) {
    throw apiError("listing the releases", e);
  }
}

/** The published release with this tag, or undefined (GitHub does not return drafts here). */
export async function getReleaseByTag(octokit: Octokit, ref: RepoRef, tag: string): Promise<ReleaseInfo | undefined> {
  try {
    const { data } = await octokit.rest.repos.getReleaseByTag({ ...ref, tag });
    return toRelease(data as ApiRelease);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw apiError(`reading release ${tag}`, e);
  }
}

/** The release with this id, drafts included. */
export async function getRelease(octokit: Octokit, ref: RepoRef, id: number): Promise<ReleaseInfo> {
  try {
    const { data } = await octokit.rest.repos.getRelease({ ...ref, release_id: id });
    return toRelease(data as ApiRelease);
  } catch (e) {
    throw apiError(`reading release ${id}`, e);
  }
}

export interface NewRelease {
  tag: string;
  /** The commit the tag is created at. */
  sha: string;
  name: string;
  body: string;
}

/** Creates the release as a draft, so nobody sees it before both assets are uploaded. */
export async function createDraftRelease(octokit: Octokit, ref: RepoRef, release: NewRelease): Promise<ReleaseInfo> {
  try {
    const { data } = await octokit.rest.repos.createRelease({
      ...ref,
      tag_name: release.tag,
      target_commitish: release.sha,
      name: release.name,
      body: release.body,
      draft: true,
      prerelease: false,
    });
    return toRelease(data as ApiRelease);
  } catch (e) {
    if (failedAfterRetry(e, 422)) {
      // an earlier attempt created it and only its answer was lost: carry on with that draft
      const made = (await listReleases(octokit, ref)).find((r) => r.draft && r.tag === release.tag && r.targetCommitish === release.sha);
      if (made) return made;
    }
    if (statusOf(e) === 422) {
      throw new EdictError("IO_ERROR", `GitHub refused to create release ${release.tag} (HTTP 422): the tag may already exist, e.g. created by a run at the same time; re-run the job`, { cause: e });
    }
    throw apiError(`creating release ${release.tag}`, e);
  }
}

/**
 * Uploads one asset to the release's `upload_url` (which names the uploads host, also on
 * GitHub Enterprise Server), with an exact content-type and content-length.
 */
export async function uploadReleaseAsset(
  octokit: Octokit,
  release: ReleaseInfo,
  asset: { name: string; bytes: Uint8Array; contentType: string },
): Promise<ReleaseAsset> {
  try {
    const { data } = await octokit.request({
      method: "POST",
      url: release.uploadUrl,
      name: asset.name,
      data: asset.bytes,
      headers: { "content-type": asset.contentType, "content-length": String(asset.bytes.length) },
    });
    const a = data as { id: number; name: string; size: number; content_type: string };
    return { id: a.id, name: a.name, size: a.size, contentType: a.content_type };
  } catch (e) {
    throw apiError(`uploading ${asset.name} to release ${release.tag}`, e);
  }
}

export async function deleteReleaseAsset(octokit: Octokit, ref: RepoRef, assetId: number): Promise<void> {
  try {
    await octokit.rest.repos.deleteReleaseAsset({ ...ref, asset_id: assetId });
  } catch (e) {
    // an earlier attempt deleted it and only its answer was lost
    if (failedAfterRetry(e, 404)) return;
    throw apiError(`deleting release asset ${assetId}`, e);
  }
}

/** Turns the draft into a published release, marked latest. */
export async function publishRelease(octokit: Octokit, ref: RepoRef, release: ReleaseInfo): Promise<ReleaseInfo> {
  try {
    const { data } = await octokit.rest.repos.updateRelease({ ...ref, release_id: release.id, draft: false, make_latest: "true" });
    return toRelease(data as ApiRelease);
  } catch (e) {
    throw apiError(`publishing release ${release.tag}`, e);
  }
}

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Downloads a release asset's bytes (`Accept: application/octet-stream`, following GitHub's
 * redirect to its storage). Capped in bytes while streaming and in time.
 */
export async function downloadReleaseAsset(octokit: Octokit, ref: RepoRef, asset: ReleaseAsset, limits: DownloadLimits): Promise<Uint8Array> {
  // endless data: a size the listing already shows over the cap is not even requested
  if (asset.size > limits.maxBytes) throw new BundleRetrievalError("TOO_LARGE", `release asset ${asset.name} is ${asset.size} bytes, more than the limit of ${limits.maxBytes}`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let body: ReadableStream<Uint8Array> | null;
  try {
    const response = await octokit.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      ...ref,
      asset_id: asset.id,
      headers: { accept: "application/octet-stream" },
      request: { parseSuccessResponseBody: false, signal },
    });
    body = response.data as unknown as ReadableStream<Uint8Array> | null;
  } catch (e) {
    throw apiError(`downloading ${asset.name}`, e);
  }
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      // stop the moment the cap is passed, not after the whole body arrived
      if (length > limits.maxBytes) throw new BundleRetrievalError("TOO_LARGE", `release asset ${asset.name} is more than the limit of ${limits.maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (e instanceof EdictError) throw e;
    throw apiError(`downloading ${asset.name}`, signal.aborted ? new Error(`timed out after ${limits.timeoutMs} ms`) : e);
  }
  return concatBytes(...chunks);
}
