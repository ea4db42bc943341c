/**
 * The private-release REST API path is a module the loader imports on demand (a chunk of its own
 * in dist/). Where it cannot be loaded (a bundler dropped the chunk, a network error fetching it),
 * the load fails closed with FETCH_FAILED saying so, and nothing is requested with the token.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLoader } from "../../src/loader/index.js";
import { optionsFor, rejectionOf, startServer } from "./helpers.js";
import type { TestServer } from "./helpers.js";

vi.mock("../../src/loader/github-api.js", () => {
  throw new Error("chunk not found");
});

let api: TestServer;
beforeAll(async () => {
  api = await startServer();
});
afterAll(() => api.close());

describe("a token source without its on-demand module", () => {
  it("refuses the load with FETCH_FAILED, serves nothing and sends no request", async () => {
    const loader = createLoader(optionsFor("github:acme/policies@v1", { token: "t0ken", githubApiUrl: `${api.origin}/api` }));
    try {
      const e = await rejectionOf(loader.load());
      expect(e.code).toBe("FETCH_FAILED");
      // vitest words the import's failure in its own way: only the loader's part is pinned
      expect(e.message).toMatch(/^github:acme\/policies@v1: could not load the GitHub API module \(.+\)$/s);
      expect(loader.engine).toBeUndefined();
      expect(loader.status().lastError?.code).toBe("FETCH_FAILED");
      expect(api.requests).toEqual([]);
    } finally {
      loader.close();
    }
  });
});
