/** github.ts with the Action's Octokit client (`createGitHubClient`) against the loopback fake GitHub. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_MARKER,
  commentMarker,
  createDraftRelease,
  downloadReleaseAsset,
  findStickyComment,
  getReleaseByTag,
  listReleases,
  publishRelease,
  statusOf,
  uploadReleaseAsset,
  upsertStickyComment,
} from "../../src/action/github.js";
import type { Octokit } from "../../src/action/github.js";
import { publishBundleRelease, releaseCandidates } from "../../src/action/release.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";

const gh = new FakeGitHub();
let octokit: Octokit;
const ref = { owner: gh.owner, repo: gh.repo };
const log = () => undefined;

beforeAll(async () => {
  await gh.start();
  octokit = fakeClient(gh).octokit;
});
afterAll(() => gh.stop());
beforeEach(() => gh.reset());

describe("sticky comment", () => {
  it("finds the marked comment on the third page and updates it in place", async () => {
    for (let i = 0; i < 230; i++) gh.addComment(7, `chatter ${i}`);
    const mine = gh.addComment(7, `${COMMENT_MARKER}\nold report`, "github-actions[bot]");
    gh.addComment(7, "after");
    const found = await findStickyComment(octokit, ref, 7, COMMENT_MARKER);
    expect(found?.id).toBe(mine.id);
    const pages = gh.requests.filter((r) => r.path.endsWith("/issues/7/comments"));
    expect(pages.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2", "3"]);
    expect(pages.every((r) => r.query.get("per_page") === "100")).toBe(true);

    const result = await upsertStickyComment(octokit, ref, 7, COMMENT_MARKER, `${COMMENT_MARKER}\nnew report`);
    expect(result).toMatchObject({ action: "updated", id: mine.id });
    expect(gh.commentsOn(7)).toHaveLength(232);
    expect(mine.body).toBe(`${COMMENT_MARKER}\nnew report`);
  });

  it("creates one comment, then updates it, and leaves an identical body alone", async () => {
    gh.addComment(8, `someone quoting it: ${COMMENT_MARKER}`);
    const first = await upsertStickyComment(octokit, ref, 8, COMMENT_MARKER, `${COMMENT_MARKER}\nv1`);
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(octokit, ref, 8, COMMENT_MARKER, `${COMMENT_MARKER}\nv2`);
    expect(second).toMatchObject({ action: "updated", id: first.id });
    const third = await upsertStickyComment(octokit, ref, 8, COMMENT_MARKER, `${COMMENT_MARKER}\nv2`);
    expect(third.action).toBe("unchanged");
    expect(gh.commentsOn(8).filter((c) => c.body.startsWith(COMMENT_MARKER))).toHaveLength(1);
  });

  it("keeps the HTTP status of a read-only token's 403", async () => {
    gh.forbidCommentWrites = true;
    const error = await upsertStickyComment(octokit, ref, 9, COMMENT_MARKER, `${COMMENT_MARKER}\nx`).catch((e: unknown) => e);
    expect(statusOf(error)).toBe(403);
  });

  it("gives a policy repository in a sub-folder its own marker", () => {
    expect(commentMarker(".")).toBe(COMMENT_MARKER);
    expect(commentMarker("./")).toBe(COMMENT_MARKER);
    expect(commentMarker("./governance/")).toBe("<!-- edict:report:governance -->");
  });
});

describe("releases", () => {
  const bytes = new TextEncoder().encode('{"payload":"x"}');

  it("creates a draft, uploads on upload_url with content-type and content-length, publishes, downloads through the redirect", async () => {
    const draft = await createDraftRelease(octokit, ref, { tag: "policy-v1.0.0", sha: "a".repeat(40), name: "acme 1.0.0", body: "b" });
    expect(draft.draft).toBe(true);
    expect(await getReleaseByTag(octokit, ref, "policy-v1.0.0")).toBeUndefined();
    const asset = await uploadReleaseAsset(octokit, draft, { name: "acme.bundle.json", bytes, contentType: "application/json" });
    const upload = gh.requests.find((r) => r.path.startsWith("/uploads/"))!;
    expect(upload.query.get("name")).toBe("acme.bundle.json");
    expect(upload.headers["content-type"]).toBe("application/json");
    expect(upload.headers["content-length"]).toBe(String(bytes.length));
    expect([...upload.body]).toEqual([...bytes]);

    const published = await publishRelease(octokit, ref, draft);
    expect(published.draft).toBe(false);
    expect((await getReleaseByTag(octokit, ref, "policy-v1.0.0"))?.id).toBe(draft.id);

    const downloaded = await downloadReleaseAsset(octokit, ref, asset, { maxBytes: 1024, timeoutMs: 5000 });
    expect([...downloaded]).toEqual([...bytes]);
    const paths = gh.requests.slice(-2).map((r) => r.path);
    expect(paths).toEqual([`/repos/acme/policies/releases/assets/${asset.id}`, `/storage/assets/${asset.id}`]);
  });

  it("refuses an asset over the byte cap", async () => {
    const draft = await createDraftRelease(octokit, ref, { tag: "t", sha: "a".repeat(40), name: "t", body: "" });
    const asset = await uploadReleaseAsset(octokit, draft, { name: "big", bytes: new Uint8Array(5000), contentType: "application/octet-stream" });
    await expect(downloadReleaseAsset(octokit, ref, asset, { maxBytes: 100, timeoutMs: 5000 })).rejects.toThrow(/more than the limit of 100/);
    // a listing that under-reports the size is caught while streaming
    await expect(downloadReleaseAsset(octokit, ref, { ...asset, size: 10 }, { maxBytes: 100, timeoutMs: 5000 })).rejects.toThrow(/more than the limit of 100 bytes/);
  });

  it("lists every page of releases and orders tags by semantic version", async () => {
    for (let i = 0; i < 120; i++) {
      const r = await createDraftRelease(octokit, ref, { tag: `policy-v0.${i}.0`, sha: "a".repeat(40), name: "", body: "" });
      if (i % 2 === 0) await publishRelease(octokit, ref, r);
    }
    await createDraftRelease(octokit, ref, { tag: "other-1.0.0", sha: "a".repeat(40), name: "", body: "" });
    const all = await listReleases(octokit, ref);
    expect(all).toHaveLength(121);
    const candidates = releaseCandidates(all.filter((r) => !r.draft), "policy-v");
    expect(candidates[0]?.version).toBe("0.118.0");
    expect(candidates).toHaveLength(60);
  });

  it("publishes idempotently: identical assets are a no-op, different ones an error, a draft is completed", async () => {
    const files = [
      { name: "acme.bundle.json", bytes, contentType: "application/json" },
      { name: "acme.bundle.json.sha256", bytes: new TextEncoder().encode("abc  acme.bundle.json\n"), contentType: "text/plain" },
    ];
    const spec = { tag: "policy-v0.1.0", sha: "b".repeat(40), name: "acme 0.1.0", body: "" };
    const first = await publishBundleRelease(octokit, ref, spec, files, [], log);
    expect(first.action).toBe("created");
    expect(gh.published()).toHaveLength(1);
    expect(gh.published()[0]!.assets.map((a) => [a.name, a.contentType])).toEqual([
      ["acme.bundle.json", "application/json"],
      ["acme.bundle.json.sha256", "text/plain"],
    ]);

    const again = await publishBundleRelease(octokit, ref, spec, files, await listReleases(octokit, ref), log);
    expect(again.action).toBe("unchanged");
    expect(gh.releases).toHaveLength(1);

    const other = [{ ...files[0]!, bytes: new TextEncoder().encode('{"payload":"y"}') }, files[1]!];
    await expect(publishBundleRelease(octokit, ref, spec, other, [], log)).rejects.toThrow(/already exists, and its acme.bundle.json differ/);
    await expect(publishBundleRelease(octokit, ref, spec, other, [], log)).rejects.toMatchObject({ code: "RELEASE_CONFLICT" });
    // a derived file (the report page) that the published release lacks or holds otherwise is no conflict, and is not added
    const page = { name: "acme.report.html", bytes: new TextEncoder().encode("<!doctype html>"), contentType: "text/html", derived: true };
    expect((await publishBundleRelease(octokit, ref, spec, [...files, page], await listReleases(octokit, ref), log)).action).toBe("unchanged");
    expect(gh.published()[0]!.assets.map((a) => a.name)).toEqual(["acme.bundle.json", "acme.bundle.json.sha256"]);
    // but a derived file does not excuse the bundle itself
    await expect(publishBundleRelease(octokit, ref, spec, [...other, page], [], log)).rejects.toMatchObject({ code: "RELEASE_CONFLICT" });

    // a run that stopped after creating the draft and one upload
    const draft = await createDraftRelease(octokit, ref, { ...spec, tag: "policy-v0.2.0" });
    await uploadReleaseAsset(octokit, draft, { ...files[0]!, bytes: new TextEncoder().encode("partial") });
    const resumed = await publishBundleRelease(octokit, ref, { ...spec, tag: "policy-v0.2.0" }, files, await listReleases(octokit, ref), log);
    expect(resumed.action).toBe("resumed");
    const done = gh.releases.find((r) => r.tag === "policy-v0.2.0")!;
    expect(done.draft).toBe(false);
    expect(done.assets.map((a) => a.bytes.toString())).toEqual([files[0]!.bytes, files[1]!.bytes].map((b) => Buffer.from(b).toString()));
  });
});
