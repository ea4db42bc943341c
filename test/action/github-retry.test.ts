/**
 * The Action's GitHub client against the fake GitHub with injected faults: a 502, a secondary
 * rate limit, a dropped connection, a gateway that fails after the work was done, a GitHub that
 * stays down. Asserts what the server saw and what came out; the waits are recorded, not waited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_MARKER,
  createDraftRelease,
  downloadReleaseAsset,
  getReleaseByTag,
  listReleases,
  statusOf,
  uploadReleaseAsset,
  upsertStickyComment,
} from "../../src/action/github.js";
import { publishBundleRelease } from "../../src/action/release.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";

const gh = new FakeGitHub();
const ref = { owner: gh.owner, repo: gh.repo };
const RELEASES = "/repos/acme/policies/releases";
const COMMENTS_7 = "/repos/acme/policies/issues/7/comments";
const UPLOAD = /^\/uploads\/repos\/acme\/policies\/releases\/\d+\/assets$/;
const UNICORN = "<!DOCTYPE html>\n<html><body>Unicorn! We're having a really bad day.</body></html>";
const log = () => undefined;
const bytes = new TextEncoder().encode('{"payload":"x"}');
const files = [
  { name: "acme.bundle.json", bytes, contentType: "application/json" },
  { name: "acme.bundle.json.sha256", bytes: new TextEncoder().encode("abc  acme.bundle.json\n"), contentType: "text/plain" },
];
const spec = { tag: "policy-v0.1.0", sha: "b".repeat(40), name: "acme 0.1.0", body: "" };

/** The error `promise` fails with; a promise that succeeds fails the test. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

beforeAll(() => gh.start());
afterAll(() => gh.stop());
beforeEach(() => gh.reset());

describe("retried", () => {
  it("one 502 on listing the releases: retried after 2 s, and the listing is whole", async () => {
    const client = fakeClient(gh);
    await createDraftRelease(client.octokit, ref, { ...spec, tag: "policy-v1.0.0" });
    gh.inject({ method: "GET", path: RELEASES, status: 502, body: UNICORN });
    const releases = await listReleases(client.octokit, ref);
    expect(releases.map((r) => r.tag)).toEqual(["policy-v1.0.0"]);
    expect(gh.requestsTo("GET", RELEASES).map((r) => r.status)).toEqual([502, 200]);
    expect(client.waits).toEqual([2000]);
    expect(client.log).toEqual(["GitHub answered HTTP 502 (server error) to GET /repos/acme/policies/releases: retrying in 2 s (attempt 2 of 4)"]);
  });

  it("a secondary rate limit (403, retry-after: 1) on posting the comment: retried after 1 s, and posted once", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "POST", path: COMMENTS_7, status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit." } });
    const result = await upsertStickyComment(client.octokit, ref, 7, COMMENT_MARKER, `${COMMENT_MARKER}\nreport`);
    expect(result.action).toBe("created");
    expect(gh.requestsTo("POST", COMMENTS_7).map((r) => r.status)).toEqual([403, 201]);
    expect(gh.commentsOn(7)).toHaveLength(1);
    expect(client.waits).toEqual([1000]);
  });

  it("a 429 that does not say how long: waits a minute", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "GET", path: COMMENTS_7, status: 429 });
    await upsertStickyComment(client.octokit, ref, 7, COMMENT_MARKER, `${COMMENT_MARKER}\nreport`);
    expect(gh.requestsTo("GET", COMMENTS_7).map((r) => r.status)).toEqual([429, 200]);
    expect(client.waits).toEqual([60_000]);
  });

  it("a dropped connection and a 503 on reading a release by tag", async () => {
    const client = fakeClient(gh);
    const draft = await createDraftRelease(client.octokit, ref, spec);
    await client.octokit.rest.repos.updateRelease({ ...ref, release_id: draft.id, draft: false });
    const path = `${RELEASES}/tags/${spec.tag}`;
    gh.inject({ method: "GET", path, status: 0 });
    gh.inject({ method: "GET", path, status: 503, headers: { "retry-after": "3" } });
    expect((await getReleaseByTag(client.octokit, ref, spec.tag))?.id).toBe(draft.id);
    expect(gh.requestsTo("GET", path).map((r) => r.status)).toEqual([0, 503, 200]);
    expect(client.waits).toEqual([2000, 3000]);
    expect(client.log).toEqual([
      `GitHub answered nothing (connection failed) to GET ${path}: retrying in 2 s (attempt 2 of 4)`,
      `GitHub answered HTTP 503 (server error) to GET ${path}: retrying in 3 s (attempt 3 of 4)`,
    ]);
  });

  it("a 502 on an asset upload and on the download's storage redirect", async () => {
    const client = fakeClient(gh);
    const draft = await createDraftRelease(client.octokit, ref, spec);
    gh.inject({ method: "POST", path: UPLOAD, status: 502 });
    const asset = await uploadReleaseAsset(client.octokit, draft, files[0]!);
    expect(gh.requestsTo("POST", UPLOAD).map((r) => r.status)).toEqual([502, 201]);
    expect(gh.releases[0]!.assets.map((a) => a.name)).toEqual(["acme.bundle.json"]);

    gh.inject({ method: "GET", path: `/storage/assets/${asset.id}`, status: 502 });
    const downloaded = await downloadReleaseAsset(client.octokit, ref, asset, { maxBytes: 1024, timeoutMs: 5000 });
    expect([...downloaded]).toEqual([...bytes]);
    expect(gh.requestsTo("GET", `/storage/assets/${asset.id}`).map((r) => r.status)).toEqual([502, 200]);
    expect(client.waits).toEqual([2000, 2000]);
  });

  it("publishes when the asset upload gets a 502", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "POST", path: UPLOAD, status: 502 });
    const result = await publishBundleRelease(client.octokit, ref, spec, files, [], log);
    expect(result.action).toBe("created");
    expect(gh.published().map((r) => [r.tag, r.assets.map((a) => a.name)])).toEqual([[spec.tag, files.map((f) => f.name)]]);
    expect(gh.requestsTo("POST", UPLOAD).map((r) => r.status)).toEqual([502, 201, 201]);
  });
});

describe("a 502 after the work was done", () => {
  it("an upload stored before its 502: the retry's 422 finds it with the same bytes, and publish goes on", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "POST", path: UPLOAD, status: 502, afterEffect: true });
    const result = await publishBundleRelease(client.octokit, ref, spec, files, [], log);
    expect(result.action).toBe("created");
    expect(gh.requestsTo("POST", UPLOAD).map((r) => r.status)).toEqual([502, 422, 201]);
    const release = gh.published()[0]!;
    expect(release.assets.map((a) => [a.name, a.bytes.toString()])).toEqual(files.map((f) => [f.name, Buffer.from(f.bytes).toString()]));
  });

  it("a release created before its 502: the retry's 422 carries on with that draft, one release in the end", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "POST", path: RELEASES, status: 502, afterEffect: true });
    const result = await publishBundleRelease(client.octokit, ref, spec, files, [], log);
    expect(result.action).toBe("created");
    expect(gh.requestsTo("POST", RELEASES).map((r) => r.status)).toEqual([502, 422]);
    expect(gh.releases.map((r) => [r.tag, r.draft, r.assets.length])).toEqual([[spec.tag, false, 2]]);
  });

  it("an asset deleted before its 502, while completing a draft: the retry's 404 means it is gone", async () => {
    const client = fakeClient(gh);
    const draft = await createDraftRelease(client.octokit, ref, spec);
    await uploadReleaseAsset(client.octokit, draft, { ...files[0]!, bytes: new TextEncoder().encode("partial") });
    gh.inject({ method: "DELETE", path: /^\/repos\/acme\/policies\/releases\/assets\/\d+$/, status: 502, afterEffect: true });
    const result = await publishBundleRelease(client.octokit, ref, spec, files, await listReleases(client.octokit, ref), log);
    expect(result.action).toBe("resumed");
    expect(gh.requestsTo("DELETE", /\/releases\/assets\//).map((r) => r.status)).toEqual([502, 404]);
    expect(gh.published()[0]!.assets.map((a) => a.bytes.toString())).toEqual(files.map((f) => Buffer.from(f.bytes).toString()));
  });
});

describe("not retried, or not for ever", () => {
  it("a 404, a 422 and a read-only token's 403 fail at once, as before", async () => {
    const client = fakeClient(gh);
    expect(await getReleaseByTag(client.octokit, ref, "policy-v9.9.9")).toBeUndefined();
    expect(gh.requestsTo("GET", `${RELEASES}/tags/policy-v9.9.9`)).toHaveLength(1);

    await createDraftRelease(client.octokit, ref, spec);
    await expect(createDraftRelease(client.octokit, ref, spec)).rejects.toThrow(/GitHub refused to create release policy-v0\.1\.0 \(HTTP 422\)/);
    expect(gh.requestsTo("POST", RELEASES).map((r) => r.status)).toEqual([201, 422]);

    gh.forbidCommentWrites = true;
    const error = await upsertStickyComment(client.octokit, ref, 7, COMMENT_MARKER, `${COMMENT_MARKER}\nx`).catch((e: unknown) => e);
    expect(statusOf(error)).toBe(403);
    expect(gh.requestsTo("POST", COMMENTS_7)).toHaveLength(1);
    expect(client.waits).toEqual([]);
  });

  it("a GitHub that stays down: four attempts, then a message that says so", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "GET", path: RELEASES, status: 502, body: UNICORN, times: Infinity });
    const error = await failureOf(listReleases(client.octokit, ref));
    expect(error).toMatchObject({ code: "IO_ERROR" });
    expect(error.message).toBe(
      "GitHub API: listing the releases failed (HTTP 502): GitHub answered with an error page; gave up after 4 attempts (14 s of waiting)",
    );
    expect(gh.requestsTo("GET", RELEASES)).toHaveLength(4);
    expect(client.waits).toEqual([2000, 4000, 8000]);
  });

  it("a wait longer than a minute is not waited for", async () => {
    const client = fakeClient(gh);
    gh.inject({ method: "POST", path: RELEASES, status: 403, headers: { "retry-after": "3600" }, body: { message: "You have exceeded a secondary rate limit." } });
    const error = await failureOf(createDraftRelease(client.octokit, ref, spec));
    expect(error.message).toBe(
      "GitHub API: creating release policy-v0.1.0 failed (HTTP 403): You have exceeded a secondary rate limit.; not retried: GitHub asks to wait 3600 s, longer than the 60 s the Action waits at a time; re-run the job later",
    );
    expect(gh.requestsTo("POST", RELEASES)).toHaveLength(1);
    expect(client.waits).toEqual([]);
  });

  it("one budget of waiting for all the calls of a client", async () => {
    const client = fakeClient(gh, { policy: { maxTotalDelayMs: 5000 } });
    gh.inject({ method: "GET", path: RELEASES, status: 502 });
    await listReleases(client.octokit, ref);
    gh.inject({ method: "GET", path: RELEASES, status: 502, times: Infinity });
    const error = await failureOf(listReleases(client.octokit, ref));
    expect(error.message).toMatch(/\(HTTP 502\): Server Error; gave up after 2 attempts \(2 s of waiting\): the 5 s the Action waits for GitHub in all are spent$/);
    expect(gh.requestsTo("GET", RELEASES)).toHaveLength(4);
    expect(client.waits).toEqual([2000, 2000]);
  });
});
