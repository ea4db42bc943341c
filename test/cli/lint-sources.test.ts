import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateKeyPair, toPublicKeyPem } from "../../src/bundle/keys.js";
import { runCli } from "../../src/cli/main.js";
import { sourcesTimeoutOf } from "../../src/pack/sources/lint-options.js";
import { captureIO } from "../helpers/cli.js";

const io = captureIO;

const SHA = "0".repeat(64);
const INDEX = JSON.stringify({
  format: "edict.pack-index/v1",
  packs: [
    { name: "starter", version: "1.0.0", layer: "foundation", description: "baseline", dependencies: [], url: "starter-1.0.0.pack.json", sha256: SHA },
    { name: "starter", version: "1.3.0", layer: "foundation", description: "baseline", dependencies: [], url: "starter-1.3.0.pack.json", sha256: SHA },
    { name: "starter", version: "2.0.0", layer: "foundation", description: "baseline", dependencies: [], url: "starter-2.0.0.pack.json", sha256: SHA },
  ],
});

const STATE = `format_version: v1
installed_packs:
  starter:
    name: starter
    version: 1.0.0
    layer: foundation
    source: acme
    files: []
`;

let served: Server;
let silent: Server;
let base: string;
let silentBase: string;
let closedBase: string;
const requests: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  served = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === "/index.json") res.writeHead(200, { "content-type": "application/json" }).end(INDEX);
    else res.writeHead(404).end("not found");
  });
  base = await listen(served);
  // accepts connections and never answers
  silent = createServer(() => {});
  silentBase = await listen(silent);
  // a port that was open a moment ago and is closed now: connection refused
  const closing = createServer();
  closedBase = await listen(closing);
  await new Promise((done) => closing.close(done));
});

afterAll(async () => {
  silent.closeAllConnections();
  await Promise.all([served, silent].map((s) => new Promise((done) => s.close(done))));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function repo(sources: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-lint-sources-"));
  writeFileSync(join(dir, "edict.yaml"), `name: t\ntargets: { production: {} }\n${sources}`);
  mkdirSync(join(dir, "keys"));
  writeFileSync(join(dir, "keys", "acme.pub"), toPublicKeyPem(generateKeyPair().publicKey));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const source = (name: string, url: string, keys = "[keys/acme.pub]") => `    - name: ${name}\n      url: ${url}\n      keys: ${keys}\n`;

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

async function lintJson(dir: string, env: Record<string, string> = {}): Promise<{ code: number; findings: JsonFinding[] }> {
  const o = io(dir, env);
  const code = await runCli(["lint", "--format", "json"], o);
  return { code, findings: (JSON.parse(o.out) as { findings: JsonFinding[] }).findings };
}

const brief = (f: JsonFinding) => `${f.severity} ${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`;

describe("edict lint with packs.sources", () => {
  it("reads a reachable source: a newer version within range is info; an unreachable one is a warning; exit 0", async () => {
    const dir = repo(`packs:\n  sources:\n${source("acme", `${base}/index.json`)}${source("down", `${closedBase}/index.json`)}`, { ".edict/packs.yaml": STATE });
    const fetch = vi.fn(globalThis.fetch);
    vi.stubGlobal("fetch", fetch);
    const { code, findings } = await lintJson(dir);
    expect(code).toBe(0);
    expect(findings.map(brief)).toEqual([
      "info pack-newer-in-range .edict/packs.yaml:3:3 pack starter v1.3.0 is available from acme within ^1.0.0 (installed v1.0.0)",
      expect.stringMatching(/^warning pack-source-unreachable edict\.yaml:9:12 source down cannot be read: /),
    ]);
    expect(fetch).toHaveBeenCalled();
    expect(requests).toContain("/index.json");
  });

  it("gives up on a source that does not answer within EDICT_SOURCES_TIMEOUT_MS, with a warning", async () => {
    const dir = repo(`packs:\n  sources:\n${source("slow", `${silentBase}/index.json`)}`);
    const { code, findings } = await lintJson(dir, { EDICT_SOURCES_TIMEOUT_MS: "300" });
    expect(code).toBe(0);
    expect(findings.map(brief)).toEqual(["warning pack-source-unreachable edict.yaml:6:12 source slow cannot be read: no answer within 300 ms"]);
  });

  it("warns about a file:// index that does not exist", async () => {
    const dir = repo(`packs:\n  sources:\n${source("local", "file:///nonexistent/edict/index.json")}`);
    const { code, findings } = await lintJson(dir);
    expect(code).toBe(0);
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.line}:${f.column}`)).toEqual(["warning pack-source-unreachable 6:12"]);
  });

  it("does no network at all without configured sources", async () => {
    const fetch = vi.fn(() => {
      throw new Error("lint must not use the network here");
    });
    vi.stubGlobal("fetch", fetch);
    const dir = repo("", { ".edict/packs.yaml": STATE });
    const o = io(dir);
    expect(await runCli(["lint"], o)).toBe(0);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("does not read a url source without keys (already an error), and exits 1 for it", async () => {
    const before = requests.length;
    const dir = repo(`packs:\n  sources:\n    - name: acme\n      url: ${base}/index.json\n`);
    const { code, findings } = await lintJson(dir);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.line}:${f.column}`)).toEqual(["error pack-source-without-keys 6:7"]);
    expect(requests.length).toBe(before);
  });

  it("reports a key file that is missing or not a public key at its list item, exit 1", async () => {
    const dir = repo(`packs:\n  sources:\n${source("acme", `${base}/index.json`, "[keys/acme.pub, keys/missing.pub, edict.yaml]")}`);
    const { code, findings } = await lintJson(dir);
    expect(code).toBe(1);
    expect(findings.map(brief)).toEqual([
      "error pack-source-invalid-key edict.yaml:7:29 cannot read key file keys/missing.pub: no such file in the repository",
      expect.stringMatching(/^error pack-source-invalid-key edict\.yaml:7:47 edict\.yaml: public key: /),
    ]);
  });

  it("still lints when the sources cannot be built (duplicate names), without reading them", async () => {
    const before = requests.length;
    const dir = repo(`packs:\n  sources:\n${source("acme", `${base}/index.json`)}${source("acme", `${base}/index.json`)}`);
    const { code, findings } = await lintJson(dir);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.rule} ${f.line}:${f.column}`)).toEqual(["pack-source-duplicate-name 8:13"]);
    expect(requests.length).toBe(before);
  });
});

describe("sourcesTimeoutOf", () => {
  it("takes EDICT_SOURCES_TIMEOUT_MS when it is a positive integer, else 5 s", () => {
    expect(sourcesTimeoutOf({})).toBe(5000);
    expect(sourcesTimeoutOf({ EDICT_SOURCES_TIMEOUT_MS: "250" })).toBe(250);
    expect(sourcesTimeoutOf({ EDICT_SOURCES_TIMEOUT_MS: "0" })).toBe(5000);
    expect(sourcesTimeoutOf({ EDICT_SOURCES_TIMEOUT_MS: "soon" })).toBe(5000);
  });
});
