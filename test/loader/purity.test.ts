/**
 * The loader stays tiny and runs wherever `fetch` does: src/loader/index.ts and
 * everything it imports reach no YAML, schema, git, Action, diff, CLI or semver code and no
 * `node:*` module; only the optional file module is Node-only, and only a dynamic import reaches it.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import { build } from "esbuild";
import type { BuildOptions, BuildResult, Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import { toPublicKeyPem } from "../../src/bundle/keys.js";
import type { LoadedEngine, LoaderStatus } from "../../src/loader/index.js";
import { BUNDLE_4, KEY, NOW } from "./helpers.js";

const SRC = path.resolve(import.meta.dirname, "../../src");
const ENTRY = path.join(SRC, "loader/index.ts");
const FILE_CACHE = path.join(SRC, "loader/file-cache.ts");
const GITHUB_API = path.join(SRC, "loader/github-api.ts");

const FORBIDDEN_PACKAGES = ["yaml", "ajv", "simple-git", "diff", "commander", "semver", "@actions/"];
const NODE_BUILTINS = new Set(builtinModules);

function isForbidden(spec: string): boolean {
  if (spec.startsWith("node:") || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split("/")[0]!)) return true;
  return FORBIDDEN_PACKAGES.some((p) => (p.endsWith("/") ? spec.startsWith(p) : spec === p || spec.startsWith(`${p}/`)));
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
}

/** Static runtime imports and re-exports (`import type` is erased and never reaches a bundle). */
function staticImportsOf(file: string): string[] {
  const text = stripComments(fs.readFileSync(file, "utf8"));
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm)]
    .filter((m) => !m[2])
    .map((m) => (m[3] ?? m[4])!);
}

function dynamicImportsOf(file: string): string[] {
  return [...stripComments(fs.readFileSync(file, "utf8")).matchAll(/\bimport\(\s*([^)]*?)\s*\)/g)].map((m) => m[1]!);
}

function resolveRelative(from: string, spec: string): string {
  return path.resolve(path.dirname(from), spec.replace(/\.js$/, ".ts"));
}

function staticGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImportsOf(file)) {
      if (spec.startsWith(".")) visit(resolveRelative(file, spec));
      else packages.set(spec, path.relative(SRC, file));
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the loader's static import graph", () => {
  const { files, packages } = staticGraph(ENTRY);
  const names = [...files].map((f) => path.relative(SRC, f));

  it("covers verification and evaluation", () => {
    for (const name of ["loader/loader.ts", "loader/trust-store.ts", "loader/fetch.ts", "loader/verify.ts", "bundle/dsse-checks.ts", "bundle/payload-read.ts", "engine/assemble.ts", "engine/access/compiled.ts"]) {
      expect(names).toContain(name);
    }
    // the synchronous reference verifier brings its own SHA-256/512 and Ed25519; the loader shares
    // only its crypto-free threshold core (dsse-checks.ts) and uses WebCrypto's
    for (const name of ["bundle/verify.ts", "bundle/dsse.ts", "bundle/keys.ts", "bundle/digest.ts", "bundle/ed25519.ts", "bundle/strict-json.ts"]) expect(names).not.toContain(name);
  });

  it("imports no yaml, ajv, simple-git, @actions/*, diff, commander, semver or node:* module", () => {
    const bad = [...packages].filter(([spec]) => isForbidden(spec)).map(([spec, file]) => `${file} imports ${spec}`);
    expect(bad).toEqual([]);
    // WebCrypto does SHA-256 and Ed25519: no hash, curve or JSON library is bundled
    expect([...packages.keys()], [...packages.keys()].join(", ")).toEqual([]);
  });

  it("never reaches lint, packs, the CLI, the Action, YAML reading or git", () => {
    expect(names.filter((n) => /^(lint|pack|cli|action|diff|posture)\//.test(n) || /policy\/(source|repository|read-git|merge\/)/.test(n))).toEqual([]);
    expect(names.filter((n) => /bundle\/(build|rebuild|key-files|version)\.ts$/.test(n) || n.startsWith("io/"))).toEqual([]);
  });

  it("reaches the Node-only file module, the REST API path and the evaluators of the kinds besides access only through import()", () => {
    expect(files.has(FILE_CACHE)).toBe(false);
    expect(files.has(GITHUB_API)).toBe(false);
    expect(names.filter((n) => /^engine\/(kinds|runtime|data|posture|scan)\/|^engine\/engine\.ts$/.test(n))).toEqual([]);
    const dynamic = [...files].flatMap((f) => dynamicImportsOf(f).map((spec) => `${path.relative(SRC, f)}: ${spec}`));
    expect(dynamic.sort()).toEqual([
      'loader/kinds.ts: "../engine/kinds/data.js"',
      'loader/kinds.ts: "../engine/kinds/posture.js"',
      'loader/kinds.ts: "../engine/kinds/runtime.js"',
      'loader/loader.ts: "./file-cache.js"',
      'loader/source.ts: "./github-api.js"',
    ]);
    expect(staticImportsOf(FILE_CACHE).filter((s) => s.startsWith("node:")).length).toBeGreaterThan(0);
  });

  it("uses no Node-only globals", () => {
    for (const file of files) {
      expect(stripComments(fs.readFileSync(file, "utf8")), path.relative(SRC, file)).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|__dirname|__filename/);
    }
  });

  it("the checker itself catches what it looks for", () => {
    for (const spec of ["node:fs", "fs", "fs/promises", "yaml", "yaml/util", "@actions/core", "semver/functions/gt", "diff", "commander"]) expect(isForbidden(spec), spec).toBe(true);
    for (const spec of ["@noble/ed25519", "canonicalize", "diffable", "yamlish"]) expect(isForbidden(spec), spec).toBe(false);
  });
});

/** Leaves the dynamic import of the file module as it is, as a worker or browser bundle would. */
const externalFileCache: Plugin = {
  name: "external-file-cache",
  setup(b) {
    b.onResolve({ filter: /(^|\/)file-cache\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** The loader bundled and minified as a fetch-only runtime's bundler would. */
function bundleLoader(options: Pick<BuildOptions, "format" | "platform" | "globalName">): Promise<BuildResult<{ write: false }>> {
  return build({ entryPoints: [ENTRY], bundle: true, minify: true, mainFields: ["module", "main"], target: "es2022", plugins: [externalFileCache], write: false, logLevel: "silent", ...options });
}

describe.each(["neutral", "browser"] as const)("bundling src/loader/index.ts for platform %s", (platform) => {
  it("builds without Node modules, keeping the file module behind import()", async () => {
    const result = await bundleLoader({ format: "esm", platform });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('import("./file-cache.js")');
    expect(code).not.toMatch(/["']node:|require\(/);
    expect(code).toMatch(/export\s*\{[^}]*createLoader/);
  });
});

/**
 * A fetch-only runtime: a bare V8 context with only the web platform globals a worker has (no
 * process, Buffer, require or node:*), running the browser bundle end to end: fetch, verify
 * (WebCrypto SHA-256 and Ed25519), compile, decide.
 */
describe("the browser bundle in a context with web globals only", () => {
  /** The browser bundle run in a bare context with these globals, and a loader over BUNDLE_4. */
  async function loaderIn(crypto: unknown): Promise<{ context: vm.Context; loader: { load(): Promise<LoadedEngine>; close(): void; status(): LoaderStatus } }> {
    const result = await bundleLoader({ format: "iife", globalName: "edict", platform: "browser" });
    const web = { crypto, atob, btoa, TextEncoder, TextDecoder, URL, AbortController, AbortSignal, setTimeout, clearTimeout };
    const context = vm.createContext({ ...web, console });
    vm.runInContext(result.outputFiles[0]!.text, context);
    // the response is made inside the context, as the runtime's own fetch would make it
    const fetch = vm.runInContext(
      `(bytes) => async () => ({ status: 200, statusText: "OK", type: "basic",
        headers: { get: (name) => (name === "etag" ? '"v4"' : null) },
        body: { getReader() { let sent = false; return { read: async () => (sent ? { done: true } : ((sent = true), { done: false, value: new Uint8Array(bytes) })), cancel: async () => {} }; } } })`,
      context,
    )(Array.from(BUNDLE_4));
    const loader = context.edict.createLoader({
      source: "https://policies.example/acme.bundle.json",
      trustedKeys: [toPublicKeyPem(KEY.publicKey)],
      target: "production",
      expectedName: "acme",
      pollIntervalMs: 0,
      now: vm.runInContext(`() => new Date(${NOW.getTime()})`, context),
      fetch,
    });
    return { context, loader };
  }

  it("loads, verifies and decides", async () => {
    const { context, loader } = await loaderIn(globalThis.crypto);
    expect(vm.runInContext("typeof process + typeof Buffer + typeof require", context)).toBe("undefinedundefinedundefined");
    const engine = await loader.load();
    expect(engine.meta.serial).toBe(4);
    expect(engine.meta.keyids).toEqual([KEY.publicKey.keyid]);
    expect(engine.authorize({ action: "db:Select", resource: "db://production/users" }).decision).toBe("allow");
    expect(engine.authorize({ action: "db:Delete", resource: "db://production/users" }).decision).toBe("deny");
    loader.close();
  });

  it.each([
    ["no WebCrypto at all", undefined, /no WebCrypto/],
    ["a WebCrypto without Ed25519", { subtle: { digest: globalThis.crypto.subtle.digest.bind(globalThis.crypto.subtle), importKey: () => Promise.reject(new Error("Unrecognized name")), verify: () => Promise.resolve(true) } }, /no Ed25519/],
    ["a WebCrypto whose verify throws", { subtle: { digest: globalThis.crypto.subtle.digest.bind(globalThis.crypto.subtle), importKey: globalThis.crypto.subtle.importKey.bind(globalThis.crypto.subtle), verify: () => Promise.reject(new Error("boom")) } }, /names trusted key .* but does not verify/],
  ])("fails closed with %s: load() rejects and nothing is served", async (_, crypto, message) => {
    const { loader } = await loaderIn(crypto);
    await expect(loader.load()).rejects.toThrow(message);
    expect(loader.status().version).toBeNull();
    loader.close();
  });
});
