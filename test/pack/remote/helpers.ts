/** Shared fixtures of the remote-pack tests: a publisher repository, key pairs, a static host on 127.0.0.1. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { PrivateKey } from "../../../src/bundle/keys.js";
import { toPublicKeyPem } from "../../../src/bundle/keys.js";

export const repoRoot = join(import.meta.dirname, "..", "..", "..");

/** A fixed key pair per label, so failures reproduce. */
export function keyPair(label: string): PrivateKey {
  const seed = new Uint8Array(32);
  for (let i = 0; i < label.length; i++) seed[i % 32] = (seed[i % 32]! * 31 + label.charCodeAt(i)) & 0xff;
  seed[31] = label.length;
  return PrivateKey.fromSeed(seed);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `edict-${prefix}-`));
}

/** A publisher repository: edict.yaml and a copy of the packs edict ships. */
export function publisherRepo(): string {
  const dir = tempDir("publisher");
  cpSync(join(repoRoot, "edict.yaml"), join(dir, "edict.yaml"));
  cpSync(join(repoRoot, "packs"), join(dir, "packs"), { recursive: true });
  return dir;
}

/** Writes `<dir>/keys/<label>.pub` and returns its path relative to `dir`. */
export function writePublicKey(dir: string, key: PrivateKey, label: string): string {
  mkdirSync(join(dir, "keys"), { recursive: true });
  writeFileSync(join(dir, "keys", `${label}.pub`), toPublicKeyPem(key.publicKey));
  return `keys/${label}.pub`;
}

/** Rewrites a pack's version in its metadata.yaml. */
export function setVersion(repo: string, pack: string, version: string): void {
  const file = join(repo, "packs", pack, "metadata.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/version: "[^"]+"/, `version: "${version}"`));
}

export interface Served {
  origin: string;
  /** Every request: path and headers. */
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Answer 401 unless `authorization: Bearer <token>`. */
  token?: string;
  /** Path → answer before the folder is consulted. */
  routes?: Record<string, (res: ServerResponse) => void>;
}

/** A static host for `dir` on 127.0.0.1 (an ephemeral port). */
export async function serveFolder(dir: string | undefined, options: ServeOptions = {}): Promise<Served> {
  const requests: Served["requests"] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path, headers: req.headers });
    const route = options.routes?.[path];
    if (route) return route(res);
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, "Unauthorized").end();
      return;
    }
    if (dir === undefined) {
      res.writeHead(404, "Not Found").end();
      return;
    }
    const file = normalize(join(dir, decodeURIComponent(path)));
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      res.writeHead(404, "Not Found").end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length) }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
