/**
 * A real OCI registry for the tests: Debian's `docker-registry` (CNCF distribution 2.8) started on
 * 127.0.0.1 with a free port and a temporary storage folder, optionally behind htpasswd basic auth
 * or its own `auth: token:` (JWTs signed by the tests with a certificate made by openssl), and
 * killed afterwards.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createPrivateKey, createSign, randomUUID, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export interface RegistryAuth {
  /** htpasswd basic auth with this user and password. */
  basic?: { user: string; password: string };
  /** The registry's token auth: its realm is a token server of the tests' own. */
  token?: { user: string; password: string };
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** Requests the token server answered (token auth only). */
  tokenRequests: Array<{ authorization?: string; query: string }>;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

interface TokenServer {
  realm: string;
  requests: TestRegistry["tokenRequests"];
  server: Server;
}

/**
 * The Docker token protocol's server side: GET /token?service=…&scope=… with basic credentials
 * → `{token, access_token}`, a JWT (RS256, `x5c` header) granting what the scope asks.
 */
async function startTokenServer(dir: string, service: string, user: string, password: string): Promise<TokenServer & { cert: string }> {
  const keyFile = join(dir, "token.key");
  const certFile = join(dir, "token.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=edict-test-token"], { stdio: "ignore" });
  const key = createPrivateKey(readFileSync(keyFile));
  const der = new X509Certificate(readFileSync(certFile)).raw;
  const requests: TestRegistry["tokenRequests"] = [];
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({ ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }), query: url.search });
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const access = url.searchParams.getAll("scope").flatMap((scope) =>
      scope.split(" ").map((s) => {
        const [type, name, actions] = s.split(":");
        return { type, name, actions: (actions ?? "").split(",").filter(Boolean) };
      }),
    );
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [der.toString("base64")] }));
    const claims = base64url(JSON.stringify({ iss: "edict-test", sub: user, aud: url.searchParams.get("service") ?? service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const signer = createSign("RSA-SHA256");
    signer.update(`${header}.${claims}`);
    const token = `${header}.${claims}.${base64url(signer.sign(key))}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { realm: `http://127.0.0.1:${port}/token`, requests, server, cert: certFile };
}

async function waitUntilUp(origin: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    try {
      const res = await fetch(`${origin}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${origin}/v2/ within 10 s: ${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a registry (and its token server); `stop()` kills it and removes its storage. */
export async function startRegistry(auth: RegistryAuth = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "edict-registry-"));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let authConfig = "";
  let tokenServer: TokenServer | undefined;
  if (auth.basic) {
    const line = execFileSync("htpasswd", ["-Bbn", auth.basic.user, auth.basic.password], { encoding: "utf8" }).trim();
    writeFileSync(join(dir, "htpasswd"), `${line}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: edict-test\n    path: ${join(dir, "htpasswd")}\n`;
  } else if (auth.token) {
    const t = await startTokenServer(dir, "edict-test-registry", auth.token.user, auth.token.password);
    tokenServer = t;
    authConfig = `auth:\n  token:\n    realm: ${t.realm}\n    service: edict-test-registry\n    issuer: edict-test\n    rootcertbundle: ${t.cert}\n`;
  }
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authConfig}`,
  );
  const child = spawn(REGISTRY_BINARY, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    }
    if (tokenServer) {
      tokenServer.server.closeAllConnections();
      await new Promise<void>((resolve) => tokenServer!.server.close(() => resolve()));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(origin, child, () => stderr);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: `127.0.0.1:${port}`, origin, tokenRequests: tokenServer?.requests ?? [], stop };
}
