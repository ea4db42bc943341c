/** Source parsing, labels, GitHub URLs and the release API's answer. */
import { describe, expect, it } from "vitest";
import { findAssetUrl, githubReleaseApiUrl, retrieveGithubAsset } from "../../src/loader/github-api.js";
import { describeSource, githubDownloadUrl, parseSource } from "../../src/loader/source.js";
import type { FetchLike } from "../../src/loader/types.js";

const json = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

function failureOf(run: () => unknown): [string | undefined, string] {
  try {
    run();
  } catch (e) {
    return [(e as { code?: string }).code, (e as Error).message];
  }
  throw new Error("expected a failure");
}

describe("describeSource", () => {
  it("keeps paths and github: sources; drops a URL's credentials, query and fragment", () => {
    expect(describeSource("/var/lib/a.bundle.json")).toBe("/var/lib/a.bundle.json");
    expect(describeSource("github:acme/policies@latest")).toBe("github:acme/policies@latest");
    expect(describeSource("https://u:p@example.com:8443/a/b.json?sig=x#f")).toBe("https://example.com:8443/a/b.json?…");
    expect(describeSource("HTTP://Example.com/a#f")).toBe("http://example.com/a");
    expect(describeSource("oci://registry.example/acme/policies:prod")).toBe("oci://registry.example/acme/policies:prod");
    // an http(s) source that is no URL is refused before it is ever described
    expect(() => parseSource("https://exa mple.com/")).toThrow(/^createLoader: source is not a valid URL$/);
  });
});

describe("GitHub URLs", () => {
  it("encode the tag and asset and trim trailing slashes of the base", () => {
    const spec = parseSource("github:acme/policies@v1+build.2");
    if (spec.kind !== "github") throw new Error("unreachable");
    expect(githubDownloadUrl(spec, "https://gh.example/base//", "a b.bundle.json")).toBe("https://gh.example/base/acme/policies/releases/download/v1%2Bbuild.2/a%20b.bundle.json");
    expect(githubReleaseApiUrl(spec, "https://api.example/api/")).toBe("https://api.example/api/repos/acme/policies/releases/tags/v1%2Bbuild.2");
  });
});

describe("findAssetUrl", () => {
  it("returns the API url of the named asset", () => {
    const release = { assets: [{ name: "x" }, { name: "acme.bundle.json", url: "https://api.example/assets/7" }] };
    expect(findAssetUrl(json(release), "acme.bundle.json", "src")).toBe("https://api.example/assets/7");
  });

  it("fails with FETCH_FAILED saying what the answer lacks", () => {
    expect(failureOf(() => findAssetUrl(json("{nope"), "a.json", "src"))).toEqual(["FETCH_FAILED", "src: the release API's answer is not JSON"]);
    expect(failureOf(() => findAssetUrl(json(null), "a.json", "src"))).toEqual(["FETCH_FAILED", "src: the release has no assets list"]);
    expect(failureOf(() => findAssetUrl(json({ assets: {} }), "a.json", "src"))).toEqual(["FETCH_FAILED", "src: the release has no assets list"]);
    expect(failureOf(() => findAssetUrl(json({ assets: [] }), "a.json", "src"))).toEqual(["FETCH_FAILED", "src: the release has no asset a.json (it has none)"]);
    const many = { assets: [null, ...Array.from({ length: 25 }, (_, i) => ({ name: `n${i}` }))] };
    expect(failureOf(() => findAssetUrl(json(many), "a.json", "src"))[1]).toBe(`src: the release has no asset a.json (it has undefined, ${Array.from({ length: 19 }, (_, i) => `n${i}`).join(", ")})`);
    for (const url of [undefined, 7, "ftp://x/y", "/relative"]) {
      expect(failureOf(() => findAssetUrl(json({ assets: [{ name: "a.json", url }] }), "a.json", "src"))).toEqual(["FETCH_FAILED", "src: asset a.json has no API url"]);
    }
  });
});

describe("retrieveGithubAsset", () => {
  const spec = parseSource("github:acme/policies@latest");
  if (spec.kind !== "github") throw new Error("unreachable");
  const release = JSON.stringify({ assets: [{ name: "acme.bundle.json", url: "https://api.example/repos/acme/policies/releases/assets/7" }] });

  async function run(releaseHeaders: Record<string, string>, etag?: string) {
    const calls: [string, Record<string, string>][] = [];
    const fetch: FetchLike = async (url, init) => {
      const headers = init.headers as Record<string, string>;
      calls.push([url, headers]);
      if (url.endsWith("/releases/latest")) {
        return headers["if-none-match"] === '"r1"' ? new Response(null, { status: 304 }) : new Response(release, { status: 200, headers: releaseHeaders });
      }
      return new Response("bundle", { status: 200, headers: { etag: '"asset"' } });
    };
    const options = { fetch, signal: new AbortController().signal, label: "src", maxBytes: 1000, etag, token: "T", githubApiUrl: "https://api.example", asset: "acme.bundle.json" };
    return { result: await retrieveGithubAsset(spec as Extract<typeof spec, { kind: "github" }>, options), calls };
  }

  it("answers with the asset under the release's ETag, or the asset's own when the release has none", async () => {
    const tagged = await run({ etag: '"r1"' });
    expect(tagged.result).toEqual({ notModified: false, bytes: new TextEncoder().encode("bundle"), etag: '"r1"' });
    expect(tagged.calls.map(([url, headers]) => [url, headers.authorization, headers["if-none-match"]])).toEqual([
      ["https://api.example/repos/acme/policies/releases/latest", "Bearer T", undefined],
      ["https://api.example/repos/acme/policies/releases/assets/7", "Bearer T", undefined],
    ]);
    expect((await run({})).result).toEqual({ notModified: false, bytes: new TextEncoder().encode("bundle"), etag: '"asset"' });
  });

  it("an unchanged release is not modified, without asking for the asset", async () => {
    const unchanged = await run({ etag: '"r1"' }, '"r1"');
    expect(unchanged.result).toEqual({ notModified: true });
    expect(unchanged.calls).toHaveLength(1);
  });
});
