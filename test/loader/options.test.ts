/** The loader's options: every refusal, its class, code and message, in the order the checks run; and the defaults. */
import { describe, expect, it } from "vitest";
import { toConfig } from "../../src/loader/options.js";
import type { LoaderOptions } from "../../src/loader/types.js";
import { KEY, KEY2 } from "../bundle/fixtures.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const base: any = { source: "https://policies.example/acme.bundle.json", trustedKeys: [KEY.publicKey], target: "production", expectedName: "acme" };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const refusals: [string, any, string, string | null, string][] = [
  ["no options", null, "TypeError", null, "createLoader: options are required"],
  ["source missing", { ...base, source: undefined }, "TypeError", null, "createLoader: source must be a URL, a file path or github:owner/repo@tag"],
  ["source blank", { ...base, source: "  " }, "TypeError", null, "createLoader: source must be a URL, a file path or github:owner/repo@tag"],
  ["github without tag", { ...base, source: "github:acme/policies" }, "TypeError", null, "createLoader: expected github:owner/repo@tag or github:owner/repo@latest, got \"github:acme/policies\""],
  ["github dotdot repo", { ...base, source: "github:acme/..@v1" }, "TypeError", null, "createLoader: expected github:owner/repo@tag or github:owner/repo@latest, got \"github:acme/..@v1\""],
  ["bad url", { ...base, source: "https://exa mple.com:99999/x" }, "TypeError", null, "createLoader: source is not a valid URL"],
  ["credentials", { ...base, source: "https://u:p@example.com/x" }, "TypeError", null, "createLoader: credentials in the source URL are not supported (fetch refuses them)"],
  ["ftp", { ...base, source: "ftp://example.com/x" }, "TypeError", null, "createLoader: unsupported source scheme \"ftp\": expected https://, http://, github: or a file path"],
  ["target", { ...base, target: "Bad Target" }, "TypeError", null, "createLoader: target must match ^[a-z0-9][a-z0-9_-]*$"],
  ["target missing", { ...base, target: undefined }, "TypeError", null, "createLoader: target must match ^[a-z0-9][a-z0-9_-]*$"],
  ["expectedName", { ...base, expectedName: 5 }, "TypeError", null, "createLoader: expectedName must match ^[a-z0-9][a-z0-9_-]*$"],
  ["github needs expectedName", { ...base, source: "github:acme/policies@latest", expectedName: undefined }, "TypeError", null, "createLoader: a github: source needs expectedName (its asset is <expectedName>.bundle.json)"],
  ["token on url", { ...base, token: "t" }, "TypeError", null, "createLoader: token must be a non-empty string and is only used with github: sources"],
  ["token empty", { ...base, source: "github:acme/policies@latest", token: "" }, "TypeError", null, "createLoader: token must be a non-empty string and is only used with github: sources"],
  ["token number", { ...base, source: "github:acme/policies@latest", token: 5 }, "TypeError", null, "createLoader: token must be a non-empty string and is only used with github: sources"],
  ["no keys", { ...base, trustedKeys: [] }, "BundleKeyError", "KEY_ERROR", "createLoader: trustedKeys must list a public key: a signature is always required"],
  ["keys not array", { ...base, trustedKeys: "x" }, "BundleKeyError", "KEY_ERROR", "createLoader: trustedKeys must list a public key: a signature is always required"],
  ["bad key", { ...base, trustedKeys: ["not a key"] }, "BundleKeyError", "KEY_ERROR", "trustedKeys[0]: public key: expected an Ed25519 SPKI PEM key (-----BEGIN PUBLIC KEY-----) or base64 of a raw 32-byte key; got text that is neither PEM nor base64"],
  ["threshold 0", { ...base, threshold: 0 }, "TypeError", null, "createLoader: threshold must be an integer ≥ 1, got 0"],
  ["threshold 1.5", { ...base, threshold: 1.5 }, "TypeError", null, "createLoader: threshold must be an integer ≥ 1, got 1.5"],
  ["threshold string", { ...base, threshold: "2" }, "TypeError", null, "createLoader: threshold must be an integer ≥ 1, got 2"],
  ["threshold above keys", { ...base, threshold: 2 }, "TypeError", null, "createLoader: threshold 2 is more than the 1 distinct trusted keys"],
  ["threshold above distinct keys", { ...base, trustedKeys: [KEY.publicKey, KEY.publicKey], threshold: 2 }, "TypeError", null, "createLoader: threshold 2 is more than the 1 distinct trusted keys"],
  ["cacheDir empty", { ...base, cacheDir: "" }, "TypeError", null, "createLoader: cacheDir must be a directory path"],
  ["cacheDir number", { ...base, cacheDir: 5 }, "TypeError", null, "createLoader: cacheDir must be a directory path"],
  ["fetch not function", { ...base, fetch: 5 }, "TypeError", null, "createLoader: fetch must be a function"],
  ["now not function", { ...base, now: "x" }, "TypeError", null, "createLoader: now must be a function"],
  ["random not function", { ...base, random: 1 }, "TypeError", null, "createLoader: random must be a function"],
  ["pollIntervalMs -1", { ...base, pollIntervalMs: -1 }, "TypeError", null, "createLoader: pollIntervalMs must be an integer ≥ 0, got -1"],
  ["pollIntervalMs NaN", { ...base, pollIntervalMs: NaN }, "TypeError", null, "createLoader: pollIntervalMs must be an integer ≥ 0, got NaN"],
  ["timeoutMs 0", { ...base, timeoutMs: 0 }, "TypeError", null, "createLoader: timeoutMs must be an integer ≥ 1, got 0"],
  ["timeoutMs Infinity", { ...base, timeoutMs: Infinity }, "TypeError", null, "createLoader: timeoutMs must be an integer ≥ 1, got Infinity"],
  ["maxBytes 1.5", { ...base, maxBytes: 1.5 }, "TypeError", null, "createLoader: maxBytes must be an integer ≥ 1, got 1.5"],
  ["maxBytes huge", { ...base, maxBytes: 2 ** 60 }, "TypeError", null, "createLoader: maxBytes must be an integer ≥ 1, got 1152921504606847000"],
  ["githubUrl", { ...base, githubUrl: "ftp://x" }, "TypeError", null, "createLoader: githubUrl must be an http(s) URL"],
  ["githubUrl no host", { ...base, githubUrl: "https:///x" }, "TypeError", null, "createLoader: githubUrl must be an http(s) URL"],
  ["githubApiUrl", { ...base, githubApiUrl: 5 }, "TypeError", null, "createLoader: githubApiUrl must be an http(s) URL"],
  ["order fetch before poll", { ...base, pollIntervalMs: -1, fetch: 5 }, "TypeError", null, "createLoader: fetch must be a function"],
  ["order threshold before cacheDir", { ...base, cacheDir: "", threshold: 0 }, "TypeError", null, "createLoader: threshold must be an integer ≥ 1, got 0"],
  ["order target before keys", { ...base, target: "", trustedKeys: [] }, "TypeError", null, "createLoader: target must match ^[a-z0-9][a-z0-9_-]*$"],
  ["order poll before githubUrl", { ...base, pollIntervalMs: -1, githubUrl: 5 }, "TypeError", null, "createLoader: pollIntervalMs must be an integer ≥ 0, got -1"],
  ["order keys before threshold", { ...base, trustedKeys: [], threshold: 0 }, "BundleKeyError", "KEY_ERROR", "createLoader: trustedKeys must list a public key: a signature is always required"],
];

function refusalOf(options: unknown): [string, string | null, string] {
  try {
    toConfig(options as LoaderOptions);
  } catch (e) {
    return [(e as Error).constructor.name, (e as { code?: string }).code ?? null, (e as Error).message];
  }
  throw new Error("expected a refusal");
}

/** The config as JSON, with keys counted and functions named by type. */
function shape(options: unknown): unknown {
  const c = toConfig(options as LoaderOptions);
  return { ...JSON.parse(JSON.stringify(c)), keys: c.keys.length, fetch: typeof c.fetch, now: typeof c.now, random: c.random === Math.random ? "Math.random" : typeof c.random };
}

describe("toConfig", () => {
  it.each(refusals)("refuses %s", (_name, options, kind, code, message) => {
    expect(refusalOf(options)).toEqual([kind, code, message]);
  });

  it("fills in the defaults and keeps distinct keys", () => {
    expect(shape({ ...base, trustedKeys: [KEY.publicKey, KEY2.publicKey, KEY.publicKey] })).toEqual(
      {"source": "https://policies.example/acme.bundle.json", "label": "https://policies.example/acme.bundle.json", "spec": {"kind": "url", "url": "https://policies.example/acme.bundle.json"}, "keys": 2, "threshold": 1, "target": "production", "kinds": ["runtime", "data", "posture"], "expectedName": "acme", "pollIntervalMs": 60000, "timeoutMs": 10000, "maxBytes": 5242880, "fetch": "function", "githubUrl": "https://github.com", "githubApiUrl": "https://api.github.com", "now": "function", "random": "Math.random"},
    );
  });

  it("takes every option given", () => {
    const now = (): Date => new Date(0);
    const random = (): number => 0.5;
    const options = { ...base, source: "github:acme/policies@latest", token: "tok", kinds: ["posture", "access", "runtime"] as const, threshold: 2, trustedKeys: [KEY.publicKey, KEY2.publicKey], cacheDir: "/tmp/x", pollIntervalMs: 0, timeoutMs: 5, maxBytes: 9, githubUrl: "http://127.0.0.1:1/", githubApiUrl: "http://127.0.0.1:2/api", now, random };
    expect(shape(options)).toEqual(
      {"source": "github:acme/policies@latest", "label": "github:acme/policies@latest", "spec": {"kind": "github", "owner": "acme", "repo": "policies", "tag": "latest", "latest": true}, "keys": 2, "threshold": 2, "target": "production", "kinds": ["runtime", "posture"], "expectedName": "acme", "cacheDir": "/tmp/x", "pollIntervalMs": 0, "timeoutMs": 5, "maxBytes": 9, "fetch": "function", "token": "tok", "githubUrl": "http://127.0.0.1:1/", "githubApiUrl": "http://127.0.0.1:2/api", "now": "function", "random": "function"},
    );
    const c = toConfig(options);
    expect(c.now).toBe(now);
    expect(c.random).toBe(random);
  });

  it("a file source needs no fetch and no expectedName", () => {
    expect(shape({ ...base, source: "./a.bundle.json", expectedName: undefined, fetch: undefined })).toEqual(
      {"source": "./a.bundle.json", "label": "./a.bundle.json", "spec": {"kind": "file", "path": "./a.bundle.json"}, "keys": 1, "threshold": 1, "target": "production", "kinds": ["runtime", "data", "posture"], "pollIntervalMs": 60000, "timeoutMs": 10000, "maxBytes": 5242880, "fetch": "function", "githubUrl": "https://github.com", "githubApiUrl": "https://api.github.com", "now": "function", "random": "Math.random"},
    );
  });

  it("an injected fetch is used as it is; without one, the global fetch is called", async () => {
    const fetch = async (): Promise<Response> => new Response("x");
    expect(toConfig({ ...base, fetch }).fetch).toBe(fetch);
    expect(toConfig(base).fetch).not.toBe(globalThis.fetch);
  });
});
