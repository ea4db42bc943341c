/**
 * `edict serve`: flags and usage errors in-process through runCli, a running server through
 * serveCommand (stopped by the test instead of a signal), and the real CLI in a child process:
 * the listening line, SIGTERM drain of a request in flight, exit 0, flushed decision log.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseListen, parsePoll, parseSize, serveCommand } from "../../src/cli/commands/serve.js";
import type { ServeCommandOptions } from "../../src/cli/commands/serve.js";
import { captureIO, runIn } from "../helpers/cli.js";
import { call, exampleBundle } from "../serve/fixtures.js";
import type { ExampleBundle } from "../serve/fixtures.js";

const MAIN = join(import.meta.dirname, "..", "..");
const ALLOW = { action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } };
const DENY = { action: "db:Delete", resource: "db://production/users" };

let example: ExampleBundle;
let work: string;
beforeAll(async () => {
  example = await exampleBundle();
  work = mkdtempSync(join(tmpdir(), "edict-serve-cli-"));
}, 60_000);

const baseArgs = () => ["serve", "--source", example.bundle, "--key", example.pub, "--target", "production"];

describe("flag parsing", () => {
  it("reads sizes in bytes, kb, mb (1024s)", () => {
    expect(parseSize("1mb")).toBe(1024 * 1024);
    expect(parseSize("512kb")).toBe(512 * 1024);
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("2MiB")).toBe(2 * 1024 * 1024);
    expect(() => parseSize("1.5mb")).toThrow(/--max-body takes a size such as 1mb/);
    expect(() => parseSize("0")).toThrow(/at least 1 byte/);
    expect(() => parseSize("1tb")).toThrow(/takes a size/);
  });

  it("reads HOST:PORT, IPv6 in brackets, and poll durations", () => {
    expect(parseListen("127.0.0.1:8181")).toEqual({ host: "127.0.0.1", port: 8181 });
    expect(parseListen("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(() => parseListen("8181")).toThrow(/--listen takes HOST:PORT/);
    expect(() => parseListen("127.0.0.1:70000")).toThrow(/--listen takes HOST:PORT/);
    expect(parsePoll("60s")).toBe(60_000);
    expect(parsePoll("0")).toBe(0);
    expect(() => parsePoll("soon")).toThrow(/--poll takes a duration/);
  });
});

describe("usage errors (exit 2)", () => {
  it("shows --help with every flag and examples", async () => {
    const r = await runIn(work, ["serve", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--source", "--key", "--target", "--threshold", "--listen", "--cache-dir", "--poll", "--decision-log ", "--decision-log-all", "--token-env", "--overlay", "--max-body"]) expect(r.out).toContain(flag);
    expect(r.out).toContain("Examples:");
    expect(r.out).toContain("edict serve listening on http://HOST:PORT (target T)");
  });

  it("refuses missing or bad flags before listening", async () => {
    expect((await runIn(work, ["serve", "--key", example.pub, "--target", "production"])).code).toBe(2);
    const bad: Array<[string[], RegExp]> = [
      [[...baseArgs(), "--listen", "nowhere"], /--listen takes HOST:PORT/],
      [[...baseArgs(), "--max-body", "lots"], /--max-body takes a size/],
      [[...baseArgs(), "--poll", "often"], /--poll takes a duration/],
      [["serve", "--source", example.bundle, "--target", "production"], /--key PUB is required/],
      [[...baseArgs(), "--token-env", "EDICT_TEST_UNSET_TOKEN"], /--token-env EDICT_TEST_UNSET_TOKEN: the variable is not set or empty/],
      [["serve", "--source", "github:acme/policies@latest", "--key", example.pub, "--target", "production"], /github: source needs expectedName/],
    ];
    for (const [argv, message] of bad) {
      const r = await runIn(work, argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err, argv.join(" ")).toMatch(message);
      expect(r.out).not.toContain("listening");
    }
  });

  it("refuses an overlay file that is not a policy document, with its position", async () => {
    const overlay = join(work, "broken-overlay.yaml");
    writeFileSync(overlay, "apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: host }\nspec:\n  Statement: [1\n");
    const r = await runIn(work, [...baseArgs(), "--listen", "127.0.0.1:0", "--overlay", overlay]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${overlay}:`);
    expect(r.out).not.toContain("listening");
  });

  it("says so when the address is in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await runIn(work, [...baseArgs(), "--listen", `127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      blocker.close();
    }
  });
});

function options(extra: Partial<ServeCommandOptions> = {}): ServeCommandOptions {
  return { source: example.bundle, key: [example.pub], target: "production", listen: { host: "127.0.0.1", port: 0 }, poll: 0, overlay: [], maxBody: 1024 * 1024, ...extra };
}

/** Runs serveCommand until `body(url)` is done, then stops it as a signal would. */
async function serving(opts: ServeCommandOptions, body: (url: string) => Promise<void>, env: Record<string, string> = {}) {
  const io = captureIO(work, env);
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const running = serveCommand(io, opts, () => stopped);
  const deadline = Date.now() + 20_000;
  while (!io.out.includes("\n")) {
    if (Date.now() > deadline) throw new Error(`not listening: ${io.err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const url = /^edict serve listening on (http:\/\/127\.0\.0\.1:\d+) \(target production\)\n$/.exec(io.out)?.[1];
  expect(url, io.out).toBeDefined();
  try {
    await body(url!);
  } finally {
    stop("SIGTERM");
  }
  return { code: await running, io };
}

describe("serving in-process", () => {
  it("prints the listening line with the real port, answers, writes the decision log, and requires the token", async () => {
    const logFile = join(work, "decisions.jsonl");
    const { code, io } = await serving(
      options({ decisionLog: logFile, tokenEnv: "EDICT_TEST_TOKEN" }),
      async (url) => {
        expect((await call(url, "/v1/authorize", { body: DENY })).status).toBe(401);
        const auth = { authorization: "Bearer t0ken" };
        await waitReady(url, auth);
        const r = await call(url, "/v1/authorize", { body: DENY, headers: auth });
        expect(r.status).toBe(200);
        expect(r.json.decision).toBe("deny");
        expect(r.json.bundle.name).toBe("acme-policies");
      },
      { EDICT_TEST_TOKEN: "t0ken" },
    );
    expect(code).toBe(0);
    expect(io.err).toContain("SIGTERM: finishing the requests in flight");
    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: "authorize", bundle: { name: "acme-policies" } });
    expect(lines[0].result.decision).toBe("deny");
  });

  it("applies a tightening --overlay: its Deny answers, its digest is in /v1/status", async () => {
    const overlay = join(work, "host-deny.yaml");
    writeFileSync(
      overlay,
      "apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: host_deny_select, priority: 900 }\nspec:\n  Version: \"2024-12-02\"\n  Statement:\n    - Sid: HostDenySelect\n      Effect: Deny\n      Action: [db:Select]\n      Resource: \"*\"\n",
    );
    const { code } = await serving(options({ overlay: [overlay] }), async (url) => {
      await waitReady(url);
      const status = await call(url, "/v1/status");
      expect(status.json.overlay.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(status.json.overlay.error).toBeUndefined();
      const r = await call(url, "/v1/authorize", { body: ALLOW });
      expect(r.json.decision).toBe("deny");
      expect(r.json.reasons.map((x: { sid?: string }) => x.sid)).toContain("HostDenySelect");
    });
    expect(code).toBe(0);
  });
  it("refuses an --overlay that touches a path the bundle's documents locked: the bundle keeps serving, readiness says why", async () => {
    const overlay = join(work, "host-tokens.yaml");
    // production.yaml locks ResourceLimits.MaxTokens; a lower value would tighten, and is still refused
    writeFileSync(overlay, "apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: host_tokens, priority: 900 }\nspec:\n  Version: \"2024-12-02\"\n  ResourceLimits:\n    MaxTokens: 1\n");
    const { code } = await serving(options({ overlay: [overlay] }), async (url) => {
      const deadline = Date.now() + 20_000;
      let status = await call(url, "/v1/status");
      while (status.json?.overlay?.error === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        status = await call(url, "/v1/status");
      }
      expect(status.json.overlay.error).toMatch(new RegExp(`${overlay.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:7:16: .*access ResourceLimits\\.MaxTokens is locked by policy prod_access \\(policies/access/production\\.yaml\\) of the bundle`));
      const ready = await call(url, "/health/ready");
      expect(ready.status).toBe(503);
      expect(ready.text).toMatch(/locked/);
      // the bundle's own decisions keep answering
      expect((await call(url, "/v1/authorize", { body: ALLOW })).json.decision).toBe("allow");
    });
    expect(code).toBe(0);
  });
});

async function waitReady(url: string, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await call(url, "/health/ready", { headers })).status !== 200) {
    if (Date.now() > deadline) throw new Error("never ready");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the real CLI in a child process", () => {
  it("drains a request in flight on SIGTERM, flushes the decision log and exits 0", async () => {
    const tsx = fileURLToPath(import.meta.resolve("tsx"));
    const logFile = join(work, "drain.jsonl");
    const child = spawn(process.execPath, ["--import", tsx, join(MAIN, "src/cli/bin.ts"), ...baseArgs(), "--listen", "127.0.0.1:0", "--poll", "0", "--decision-log", logFile, "--max-body", "4mb"], {
      cwd: work,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const until = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!condition()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what}: stdout ${out} stderr ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await until(() => out.includes("\n"), "no listening line");
      const m = /^edict serve listening on http:\/\/127\.0\.0\.1:(\d+) \(target production\)\n$/.exec(out);
      expect(m, out).not.toBeNull();
      const url = `http://127.0.0.1:${m![1]}`;
      await waitReady(url);

      // a request the server has accepted (it answered 100 Continue) but whose body is still coming
      const requests = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? ALLOW : DENY));
      const body = JSON.stringify({ requests });
      let continued!: () => void;
      const accepted = new Promise<void>((resolve) => (continued = resolve));
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${url}/v1/authorize/batch`, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" } }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", reject);
        req.on("continue", () => {
          continued();
          void sigtermed.then(() => req.end(body));
        });
      });
      let sigterm!: () => void;
      const sigtermed = new Promise<void>((resolve) => (sigterm = resolve));
      await accepted;
      child.kill("SIGTERM");
      await until(() => err.includes("SIGTERM: finishing the requests in flight"), "SIGTERM not seen");
      sigterm();

      const answer = await response;
      expect(answer.status).toBe(200);
      const decisions = JSON.parse(answer.text).decisions as Array<{ decision: string }>;
      expect(decisions).toHaveLength(500);
      expect(decisions.slice(0, 2).map((d) => d.decision)).toEqual(["allow", "deny"]);
      expect(await exited).toBe(0);
      // AuditLog.Required is true in production: every decision is logged, and the log was flushed before exit
      const lines = readFileSync(logFile, "utf8").trim().split("\n");
      expect(lines).toHaveLength(500);
      expect(JSON.parse(lines[0]!).result.decision).toBe("allow");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});
