/**
 * The evaluators of the kinds besides access are modules the loader imports on demand (chunks of
 * their own in dist/). Where one cannot be loaded, a loader that serves its kind refuses the bundle
 * with FETCH_FAILED saying so, and serves nothing; a loader that does not serve it never asks for it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLoader } from "../../src/loader/index.js";
import { BUNDLE_4, OUTSIDER, bundleWith, optionsFor, rejectionOf, serveBytes, startServer } from "./helpers.js";
import type { TestServer } from "./helpers.js";

vi.mock("../../src/engine/kinds/posture.js", () => {
  throw new Error("chunk not found");
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer(serveBytes(BUNDLE_4));
});
afterAll(() => server.close());

describe("a kind whose evaluator module cannot be loaded", () => {
  it("refuses the load with FETCH_FAILED and serves nothing, and a retry fails the same way", async () => {
    const loader = createLoader(optionsFor(server.url));
    try {
      for (let i = 0; i < 2; i++) {
        const e = await rejectionOf(loader.load());
        expect(e.code).toBe("FETCH_FAILED");
        // vitest words the import's failure in its own way: only the loader's part is pinned
        expect(e.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acme\.bundle\.json: could not load the posture evaluator module \(.+\)$/s);
        expect(loader.engine).toBeUndefined();
      }
    } finally {
      loader.close();
    }
  });

  it("reports a bundle that fails verification first: nothing of an unverified bundle depends on the module", async () => {
    server.handle = serveBytes(bundleWith({}, [OUTSIDER]));
    const loader = createLoader(optionsFor(server.url));
    try {
      expect((await rejectionOf(loader.load())).code).toBe("UNTRUSTED_KEY");
    } finally {
      loader.close();
      server.handle = serveBytes(BUNDLE_4);
    }
  });

  it("does not matter to a loader that does not serve that kind", async () => {
    const loader = createLoader(optionsFor(server.url, { kinds: ["access", "runtime", "data"] }));
    try {
      const engine = await loader.load();
      expect(engine.authorize({ action: "db:Select", resource: "db://production/users" }).decision).toBe("allow");
      expect(engine.checkTool("mcp://vision/detect@1.2.0").allowed).toBe(true);
    } finally {
      loader.close();
    }
  });
});
