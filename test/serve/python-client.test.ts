/**
 * examples/python/edict_client.py against a live server: a non-JavaScript runtime gets the same
 * decisions as `edict eval` on the same bundle.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoader } from "../../src/loader/index.js";
import type { Loader } from "../../src/loader/index.js";
import { startServe } from "../../src/serve/server.js";
import type { ServeHandle } from "../../src/serve/server.js";
import { runIn } from "../helpers/cli.js";
import { exampleBundle } from "./fixtures.js";
import type { ExampleBundle } from "./fixtures.js";

const CLIENT = join(import.meta.dirname, "..", "..", "examples", "python", "edict_client.py");
const TOKEN = "py-client-token";

const REQUESTS = [
  { action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } },
  { action: "db:Select", resource: "db://production/users", context: { "source.ip": "192.0.2.7" } },
  { action: "db:Delete", resource: "db://production/users" },
  { action: "db:Update", resource: "db://production/orders", context: { "principal.role": "dba" } },
  { action: "api:Post", resource: "https://tickets.acme.example/api/tickets" },
  { action: "tool:bash:execute", resource: "*" },
];

let example: ExampleBundle;
let loader: Loader;
let server: ServeHandle;

beforeAll(async () => {
  example = await exampleBundle();
  loader = createLoader({ source: example.bundle, trustedKeys: [readFileSync(example.pub, "utf8")], target: "production", pollIntervalMs: 0 });
  await loader.load();
  server = await startServe({ loader, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: 1024 * 1024, token: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.close();
  loader?.close();
});

/** Runs python3 (asynchronously: the server answers from this process). */
function python(args: string[], input: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", args, { env: { ...process.env, EDICT_API_TOKEN: TOKEN, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("the Python client", () => {
  it("gets the same decisions as edict eval for the same requests", async () => {
    const r = await python([CLIENT, server.url], REQUESTS.map((q) => JSON.stringify(q)).join("\n") + "\n");
    expect(r.status, r.stderr).toBe(0);
    const answers = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(answers).toHaveLength(REQUESTS.length);
    for (const [i, q] of REQUESTS.entries()) {
      const argv = ["eval", "--bundle", example.bundle, "--key", example.pub, "-t", "production", "-a", q.action, "-r", q.resource, "--format", "json"];
      if (q.context) argv.push("--context-json", JSON.stringify(q.context));
      const evaluated = await runIn(example.repo, argv);
      expect(evaluated.code, evaluated.err).toBe(0);
      const { bundle, ...decision } = answers[i];
      expect(decision, JSON.stringify(q)).toEqual(JSON.parse(evaluated.out));
      expect(bundle.name).toBe("acme-policies");
    }
    expect(answers.map((a) => a.decision)).toEqual(["allow", "deny", "deny", "approval_required", "allow", "deny"]);
  });

  it("raises EdictError for a refused request, never a decision", async () => {
    const bad = await python([CLIENT, server.url], JSON.stringify({ action: "db:Select", resource: "" }) + "\n");
    expect(bad.status, bad.stderr).toBe(0);
    expect(JSON.parse(bad.stdout)).toEqual({ error: { status: 400, code: "BAD_REQUEST", message: '"resource" must be a non-empty string, got an empty string' } });
    const unauthorized = await python([CLIENT, server.url], JSON.stringify(REQUESTS[0]) + "\n", { EDICT_API_TOKEN: "wrong" });
    expect(JSON.parse(unauthorized.stdout).error).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });

  it("covers the other endpoints as a library", async () => {
    const script = [
      "import json, sys",
      `sys.path.insert(0, ${JSON.stringify(join(CLIENT, ".."))})`,
      "from edict_client import EdictClient",
      `c = EdictClient(sys.argv[1], token=${JSON.stringify(TOKEN)})`,
      "out = {",
      "  'batch': [d['decision'] for d in c.authorize_batch([{'action': 'db:Delete', 'resource': 'db://x'}, {'action': 'api:Post', 'resource': 'https://tickets.acme.example/api/1'}])],",
      "  'tool': c.check_tool('mcp://other/tool@1')['allowed'],",
      "  'scan': len(c.scan('password=hunter2', 'output')) > 0,",
      "  'ready': c.ready(),",
      "  'serial': c.status()['serial'],",
      "}",
      "print(json.dumps(out))",
    ].join("\n");
    const r = await python(["-c", script, server.url], "");
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ batch: ["deny", "allow"], tool: false, scan: true, ready: true, serial: loader.status().serial });
  });
});
