/** github: sources against a fake GitHub (web and REST API) and a second origin for asset storage. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkRedirectTarget, mayCarryCredentials } from "../../src/loader/fetch.js";
import { createLoader } from "../../src/loader/index.js";
import { githubReleaseApiUrl } from "../../src/loader/github-api.js";
import { githubDownloadUrl, parseSource } from "../../src/loader/source.js";
import { BUNDLE_4, BUNDLE_5, loaderTracker, optionsFor, rejectionOf, serveBytes, startServer } from "./helpers.js";
import type { Handler, TestServer } from "./helpers.js";

const TOKEN = "ghp_test0123456789";

let github: TestServer; // github.com and api.github.com
let storage: TestServer; // objects.githubusercontent.com: another origin
const { track, closeAll } = loaderTracker();

beforeAll(async () => {
  github = await startServer();
  storage = await startServer();
});
afterEach(() => {
  closeAll();
  github.requests.length = 0;
  storage.requests.length = 0;
});
afterAll(async () => {
  await github.close();
  await storage.close();
});

function githubOptions(source: string, extra: Parameters<typeof optionsFor>[1] = {}) {
  return optionsFor(source, { githubUrl: github.origin, githubApiUrl: `${github.origin}/api`, ...extra });
}

/** The REST API: a release with assets, each asset redirecting to storage, only with the token. */
function fakeApi(options: { tag: string; bundle: Uint8Array; releaseEtag?: string; assetName?: string }): Handler {
  const releasePath = options.tag === "latest" ? "/api/repos/acme/policies/releases/latest" : `/api/repos/acme/policies/releases/tags/${options.tag}`;
  const assetPath = "/api/repos/acme/policies/releases/assets/7";
  const etag = options.releaseEtag ?? '"release-1"';
  storage.handle = serveBytes(options.bundle);
  return (req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"message":"Not Found"}');
      return;
    }
    if (req.url === releasePath) {
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      const assets = [
        { name: "acme.bundle.json.sha256", url: `${github.origin}/api/repos/acme/policies/releases/assets/6` },
        { name: options.assetName ?? "acme.bundle.json", url: `${github.origin}${assetPath}` },
      ];
      res.writeHead(200, { "content-type": "application/json", etag });
      res.end(JSON.stringify({ tag_name: options.tag, assets }));
      return;
    }
    if (req.url === assetPath && req.headers.accept === "application/octet-stream") {
      res.writeHead(302, { location: `${storage.origin}/blobs/acme.bundle.json?X-Amz-Signature=abc` });
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  };
}

describe("github: sources without a token", () => {
  it("a tag reads <githubUrl>/owner/repo/releases/download/<tag>/<name>.bundle.json", async () => {
    github.handle = serveBytes(BUNDLE_4);
    const engine = await track(githubOptions("github:acme/policies@policy-v1.2.3")).load();
    expect(engine.meta.serial).toBe(4);
    expect(github.requests.map((r) => r.url)).toEqual(["/acme/policies/releases/download/policy-v1.2.3/acme.bundle.json"]);
    expect(github.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("@latest reads …/releases/latest/download/<name>.bundle.json, following the redirect to storage", async () => {
    storage.handle = serveBytes(BUNDLE_5);
    github.handle = (_req, res) => {
      res.writeHead(302, { location: `${storage.origin}/blobs/acme.bundle.json` });
      res.end();
    };
    const engine = await track(githubOptions("github:acme/policies@latest")).load();
    expect(engine.meta.serial).toBe(5);
    expect(github.requests.map((r) => r.url)).toEqual(["/acme/policies/releases/latest/download/acme.bundle.json"]);
    expect(storage.requests).toHaveLength(1);
  });

  it("needs expectedName, which names the asset", () => {
    expect(() => createLoader({ ...githubOptions("github:acme/policies@latest"), expectedName: undefined })).toThrow(/expectedName/);
  });
});

describe("github: sources with a token (REST API)", () => {
  it("reads the release, then the asset as application/octet-stream with the token", async () => {
    github.handle = fakeApi({ tag: "policy-v1.2.3", bundle: BUNDLE_4 });
    const engine = await track(githubOptions("github:acme/policies@policy-v1.2.3", { token: TOKEN })).load();
    expect(engine.meta.serial).toBe(4);
    const [release, asset] = github.requests;
    expect(release!.url).toBe("/api/repos/acme/policies/releases/tags/policy-v1.2.3");
    expect(release!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(asset!.url).toBe("/api/repos/acme/policies/releases/assets/7");
    expect(asset!.headers.accept).toBe("application/octet-stream");
    expect(asset!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("credential leak: the redirect to another origin does not receive the Authorization header", async () => {
    github.handle = fakeApi({ tag: "latest", bundle: BUNDLE_5 });
    const engine = await track(githubOptions("github:acme/policies@latest", { token: TOKEN })).load();
    expect(engine.meta.serial).toBe(5);
    expect(github.requests[0]!.url).toBe("/api/repos/acme/policies/releases/latest");
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.url).toBe("/blobs/acme.bundle.json?X-Amz-Signature=abc");
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(storage.requests[0]!.headers)).not.toContain(TOKEN);
  });

  it("an unchanged release (304 on the release's ETag) is a successful no-op without downloading", async () => {
    github.handle = fakeApi({ tag: "latest", bundle: BUNDLE_4 });
    const loader = track(githubOptions("github:acme/policies@latest", { token: TOKEN }));
    await loader.load();
    expect(await loader.refresh()).toBe(false);
    expect(github.requests.at(-1)!.headers["if-none-match"]).toBe('"release-1"');
    expect(storage.requests).toHaveLength(1);
    expect(loader.status().lastError).toBeUndefined();
  });

  it("a release without the asset fails with FETCH_FAILED naming the assets it has", async () => {
    github.handle = fakeApi({ tag: "latest", bundle: BUNDLE_4, assetName: "other.bundle.json" });
    const e = await rejectionOf(track(githubOptions("github:acme/policies@latest", { token: TOKEN })).load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toMatch(/no asset acme\.bundle\.json \(it has acme\.bundle\.json\.sha256, other\.bundle\.json\)/);
  });

  it("a refused token fails with FETCH_FAILED, and the token appears in no message or status", async () => {
    github.handle = fakeApi({ tag: "latest", bundle: BUNDLE_4 });
    const loader = track(githubOptions("github:acme/policies@latest", { token: "ghp_wrong" }));
    const e = await rejectionOf(loader.load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toMatch(/HTTP 404/);
    expect(`${e.message} ${JSON.stringify(loader.status())}`).not.toContain("ghp_");
  });
});

describe("source parsing and redirect rules", () => {
  it("parses github:owner/repo@tag and builds the download and API URLs", () => {
    const spec = parseSource("github:acme/policies@policy-v1.4.0");
    expect(spec).toEqual({ kind: "github", owner: "acme", repo: "policies", tag: "policy-v1.4.0", latest: false });
    if (spec.kind !== "github") throw new Error("unreachable");
    expect(githubDownloadUrl(spec, "https://github.com/", "acme.bundle.json")).toBe("https://github.com/acme/policies/releases/download/policy-v1.4.0/acme.bundle.json");
    expect(githubReleaseApiUrl(spec, "https://api.github.com")).toBe("https://api.github.com/repos/acme/policies/releases/tags/policy-v1.4.0");
    const latest = parseSource("github:acme/policies@latest");
    if (latest.kind !== "github") throw new Error("unreachable");
    expect(githubDownloadUrl(latest, "https://github.com", "acme.bundle.json")).toBe("https://github.com/acme/policies/releases/latest/download/acme.bundle.json");
    expect(githubReleaseApiUrl(latest, "https://api.github.com")).toBe("https://api.github.com/repos/acme/policies/releases/latest");
  });

  it("path injection: owner, repo and tag are restricted to GitHub's characters", () => {
    for (const bad of ["github:acme/policies", "github:acme/../x@v1", "github:acme/policies@../../x", "github:ac/me/policies@v1", "github:acme/policies@v1?x=1", "github:acme/..@v1"]) {
      expect(() => parseSource(bad), bad).toThrow(TypeError);
    }
    expect(parseSource("/var/lib/acme.bundle.json")).toEqual({ kind: "file", path: "/var/lib/acme.bundle.json" });
    expect(parseSource("HTTPS://example.com/a")).toEqual({ kind: "url", url: "https://example.com/a" });
  });

  it("credential leak: credentials only go to the origin they were issued for", () => {
    expect(mayCarryCredentials(new URL("https://api.github.com/repos/a/b"), "https://api.github.com")).toBe(true);
    expect(mayCarryCredentials(new URL("https://objects.githubusercontent.com/x"), "https://api.github.com")).toBe(false);
    expect(mayCarryCredentials(new URL("http://api.github.com/x"), "https://api.github.com")).toBe(false);
    expect(mayCarryCredentials(new URL("https://api.github.com:8443/x"), "https://api.github.com")).toBe(false);
    expect(mayCarryCredentials(new URL("https://api.github.com/x"), undefined)).toBe(false);
  });

  it("downgrade: a redirect from https to http (or another scheme) is refused", () => {
    expect(() => checkRedirectTarget(new URL("https://a.example/"), new URL("http://b.example/"), "src")).toThrow(/redirect from https: to http:/);
    expect(() => checkRedirectTarget(new URL("http://a.example/"), new URL("file:///etc/passwd"), "src")).toThrow(/redirect/);
    expect(() => checkRedirectTarget(new URL("https://a.example/"), new URL("https://b.example/"), "src")).not.toThrow();
  });
});
