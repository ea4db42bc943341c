/**
 * The published loader entry points (dist/loader.js, dist/loader-oci.js) as an application gets
 * them: what they import statically is runtime-neutral (only relative chunks: no `node:*`, no
 * package), so a browser or a worker can load them; the Node-only file cache, the GitHub REST
 * API path and the evaluators of the kinds besides access are chunks fetched with `import()` only
 * when used, and they work from dist/ too.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_4, optionsFor, startServer } from "../loader/helpers.js";
import type { TestServer } from "../loader/helpers.js";
import type * as LoaderModule from "../../src/loader/index.js";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");

const STATIC_IMPORT = /^\s*(?:import|export)\s*(?:[\s\S]*?\sfrom\s*)?["']([^"']+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every file reachable from `entry` through static imports, and the dynamic imports they make. */
function importGraph(entry: string): { files: string[]; bare: string[]; dynamic: string[] } {
  const files: string[] = [];
  const bare: string[] = [];
  const dynamic: string[] = [];
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    const text = readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(STATIC_IMPORT)) {
      if (spec!.startsWith("./") || spec!.startsWith("../")) queue.push(resolve(dirname(file), spec!));
      else bare.push(spec!);
    }
    for (const [, spec] of text.matchAll(DYNAMIC_IMPORT)) dynamic.push(resolve(dirname(file), spec!));
  }
  return { files, bare, dynamic };
}

describe("dist/loader.js and dist/loader-oci.js", () => {
  for (const entry of ["loader.js", "loader-oci.js"]) {
    it(`${entry} imports nothing but its own chunks statically; the on-demand chunks exist`, () => {
      const graph = importGraph(join(dist, entry));
      expect(graph.bare).toEqual([]);
      expect(graph.files.length).toBeGreaterThan(1);
      const names = graph.dynamic.map((f) => f.slice(dist.length + 1).replace(/-[A-Z0-9]+\.js$/, ""));
      expect([...new Set(names)].sort()).toEqual(["chunks/data", "chunks/file-cache", "chunks/github-api", "chunks/posture", "chunks/runtime"]);
      // no evaluator of a kind besides access is loaded statically
      expect(graph.files.filter((f) => /\/(data|posture|runtime)-[A-Z0-9]+\.js$/.test(f))).toEqual([]);
      for (const file of graph.dynamic) expect(() => readFileSync(file)).not.toThrow();
      // the Node-only chunk is not among the static ones, and it is the one that needs node:*
      const fileCache = graph.dynamic.find((f) => f.includes("file-cache"))!;
      expect(graph.files).not.toContain(fileCache);
      expect(importGraph(fileCache).bare.some((s) => s.startsWith("node:"))).toBe(true);
    });
  }
});

describe("the loader from dist/ loads its on-demand chunks", () => {
  let api: TestServer;
  let loader: typeof LoaderModule;

  beforeAll(async () => {
    loader = (await import(pathToFileURL(join(dist, "loader.js")).href)) as typeof LoaderModule;
    api = await startServer((req, res) => {
      if (req.headers.authorization !== "Bearer t0ken") {
        res.writeHead(401).end();
      } else if (req.url === "/api/repos/acme/policies/releases/tags/v1") {
        res.writeHead(200, { "content-type": "application/json", etag: '"r1"' }).end(JSON.stringify({ assets: [{ name: "acme.bundle.json", url: `${api.origin}/api/assets/7` }] }));
      } else if (req.url === "/api/assets/7" && req.headers.accept === "application/octet-stream") {
        res.writeHead(200).end(BUNDLE_4);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  afterAll(() => api.close());

  it("a file source with a cache directory (the file-cache chunk)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-dist-loader-"));
    writeFileSync(join(dir, "acme.bundle.json"), BUNDLE_4);
    const l = loader.createLoader(optionsFor(join(dir, "acme.bundle.json"), { cacheDir: join(dir, "cache") }));
    try {
      const engine = await l.load();
      expect(engine.meta.serial).toBe(4);
      expect(readFileSync(join(dir, "cache", "acme.bundle.json"))).toEqual(Buffer.from(BUNDLE_4));
    } finally {
      l.close();
    }
  });

  it("every kind's evaluator (the runtime, data and posture chunks), and access alone without them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-dist-loader-"));
    writeFileSync(join(dir, "acme.bundle.json"), BUNDLE_4);
    for (const kinds of [undefined, ["access"] as const]) {
      const l = loader.createLoader(optionsFor(join(dir, "acme.bundle.json"), { kinds }));
      try {
        const engine = await l.load();
        expect(engine.authorize({ action: "db:Select", resource: "db://production/users" }).decision).toBe("allow");
        if (kinds) expect(() => engine.checkTool("mcp://vision/detect")).toThrow(TypeError);
        else {
          expect(engine.checkTool("mcp://vision/detect").allowed).toBe(true);
          expect(engine.decideData({ requester: { role: "analyst" }, dataset: "users", fields: [{ name: "email" }] })).toMatchObject({ action: "deny", reason: "no rule matched" });
          expect(engine.posture({ environment: "local" }).environment).toBe("local");
        }
      } finally {
        l.close();
      }
    }
  });

  it("a private release with a token (the GitHub API chunk)", async () => {
    const l = loader.createLoader(optionsFor("github:acme/policies@v1", { token: "t0ken", githubApiUrl: `${api.origin}/api` }));
    try {
      const engine = await l.load();
      expect(engine.meta.serial).toBe(4);
      expect(api.requests.map((r) => r.url)).toEqual(["/api/repos/acme/policies/releases/tags/v1", "/api/assets/7"]);
    } finally {
      l.close();
    }
  });
});
