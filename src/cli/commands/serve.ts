/**
 * `edict serve`: answers decisions over HTTP for any language. The loader retrieves and verifies
 * the bundle (same verification, cache, rollback floor and polling as `edict/loader`), the server
 * (src/serve) answers with its engine. SIGTERM or SIGINT: stop accepting, finish the requests in
 * flight (at most 5 s), flush the decision log, exit 0.
 */
import { isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { readPublicKeys } from "../../bundle/key-files.js";
import { parseDurationMs } from "../../engine/data/duration.js";
import { EdictError } from "../../errors.js";
import { createLoader } from "../../loader/index.js";
import type { Loader } from "../../loader/index.js";
import { createDecisionLog } from "../../serve/decision-log.js";
import type { DecisionLog } from "../../serve/decision-log.js";
import { createOverlaySet, loadOverlays } from "../../serve/overlays.js";
import type { OverlaySet } from "../../serve/overlays.js";
import { startServe } from "../../serve/server.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseCount } from "../options.js";

export interface ServeCommandOptions {
  source: string;
  key: string[];
  target: string;
  name?: string;
  threshold?: number;
  listen: { host: string; port: number };
  cacheDir?: string;
  poll: number;
  decisionLog?: string;
  decisionLogAll?: boolean;
  tokenEnv?: string;
  overlay: string[];
  maxBody: number;
}

const SIZE_UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** `1mb`, `512kb`, `4096`: bytes, with kb/mb/gb counted in 1024s. */
export function parseSize(value: string, flag = "--max-body"): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError(`${flag} takes a size such as 1mb, 512kb or 65536 (bytes), got "${value}"`);
  const bytes = Number(m[1]) * unit;
  if (bytes < 1 || !Number.isSafeInteger(bytes)) throw new InvalidArgumentError(`${flag} must be at least 1 byte, got "${value}"`);
  return bytes;
}

/** `HOST:PORT` (`[::1]:8181` for IPv6); port 0 picks a free one. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError(`--listen takes HOST:PORT such as 127.0.0.1:8181 (port 0 picks a free one), got "${value}"`);
  return { host: (m[1] ?? m[2])!, port };
}

/** `60s`, `5m`, `0` (no polling): milliseconds. */
export function parsePoll(value: string): number {
  if (value === "0") return 0;
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError(`--poll takes a duration such as 60s, 5m or 0 (no polling), got "${value}"`);
  return ms;
}

/** A file source relative to the working folder; URLs and github: sources as they are. */
function resolveSource(io: CliIO, source: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(source) || source.startsWith("github:") || isAbsolute(source)) return source;
  return resolve(io.cwd, source);
}

/** Resolves on the first SIGTERM or SIGINT with its name. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      done(signal);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}

function tokenFrom(io: CliIO, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const token = io.env[variable];
  if (token === undefined || token.trim() === "") throw new EdictError("USAGE", `--token-env ${variable}: the variable is not set or empty; export the API token in it`);
  return token.trim();
}

function createServeLoader(io: CliIO, opts: ServeCommandOptions): Loader {
  if (opts.key.length === 0) throw new EdictError("USAGE", "--key PUB is required: a bundle is never served unverified");
  const trustedKeys = readPublicKeys(opts.key.map((k) => resolve(io.cwd, k)));
  try {
    return createLoader({
      source: resolveSource(io, opts.source),
      trustedKeys,
      target: opts.target,
      ...(opts.name === undefined ? {} : { expectedName: opts.name }),
      ...(opts.threshold === undefined ? {} : { threshold: opts.threshold }),
      ...(opts.cacheDir === undefined ? {} : { cacheDir: resolve(io.cwd, opts.cacheDir) }),
      pollIntervalMs: opts.poll,
    });
  } catch (e) {
    // bad options are the caller's: say so as a usage error
    if (e instanceof TypeError) throw new EdictError("USAGE", e.message.replace(/^createLoader: /, ""), { cause: e });
    throw e;
  }
}

/** startServe, with an address that cannot be used as an IO_ERROR naming it. */
async function listen(options: Parameters<typeof startServe>[0]): Promise<Awaited<ReturnType<typeof startServe>>> {
  try {
    return await startServe(options);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    const { host, port } = options.listen;
    throw new EdictError("IO_ERROR", `cannot listen on ${host}:${port} (${code}); choose another --listen address`, { cause: e });
  }
}

/** Runs the server until SIGTERM or SIGINT; returns the exit code. `stop` replaces the signals (tests). */
export async function serveCommand(io: CliIO, opts: ServeCommandOptions, stop: () => Promise<string> = nextSignal): Promise<number> {
  const token = tokenFrom(io, opts.tokenEnv);
  const docs = opts.overlay.length > 0 ? await loadOverlays(opts.overlay.map((f) => resolve(io.cwd, f))) : undefined;
  const loader = createServeLoader(io, opts);
  let overlays: OverlaySet | undefined;
  let decisionLog: DecisionLog | undefined;
  try {
    if (docs !== undefined) overlays = createOverlaySet(docs, loader);
    if (opts.decisionLog !== undefined) {
      const destination = opts.decisionLog === "-" ? "-" : resolve(io.cwd, opts.decisionLog);
      decisionLog = createDecisionLog({
        destination,
        all: opts.decisionLogAll === true,
        scan: (text) => (overlays?.engine() ?? loader.engine)?.scan(text, "input") ?? [],
        onError: (e) => io.stderr(`edict serve: decision log: ${e.message}\n`),
      });
    }
    const handle = await listen({
      loader,
      listen: opts.listen,
      maxBodyBytes: opts.maxBody,
      ...(token === undefined ? {} : { token }),
      ...(decisionLog === undefined ? {} : { decisionLog }),
      ...(overlays === undefined ? {} : { overlays }),
      log: (line) => io.stderr(`${line}\n`),
    });
    const stopped = stop();
    io.stdout(`edict serve listening on ${handle.url} (target ${opts.target})\n`);
    const signal = await stopped;
    io.stderr(`edict serve: ${signal}: finishing the requests in flight\n`);
    await handle.close();
    return EXIT.OK;
  } finally {
    overlays?.close();
    loader.close();
    await decisionLog?.close();
  }
}

export function registerServe(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("serve")
    .description("answer decisions over HTTP from a signed bundle (a sidecar for any language)")
    .requiredOption("--source <source>", "the bundle: a file path, an https:// URL or github:owner/repo@tag (with --name)")
    .option("-k, --key <pub>", "trusted public key file (SPKI PEM or base64); repeatable", collect, [])
    .requiredOption("-t, --target <name>", "the target whose policy is answered")
    .option("--name <name>", "the bundle name (edict.yaml name); required for github: sources")
    .option("--threshold <n>", "how many distinct trusted keys must have signed (default 1)", (v) => parseCount(v, "--threshold"))
    .option("--listen <host:port>", "address to listen on; loopback unless told (port 0 picks a free one)", parseListen, parseListen("127.0.0.1:8181"))
    .option("--cache-dir <dir>", "keep the last verified bundle and the rollback floor here")
    .option("--poll <duration>", "how often to look for a new bundle, e.g. 60s, 5m; 0 = never", parsePoll, 60_000)
    .option("--decision-log <file>", "write one JSON line per decision to FILE (appended), or - for stdout")
    .option("--decision-log-all", "log every decision, whatever the policy's AuditLog settings say")
    .option("--token-env <var>", "require Authorization: Bearer <token> on /v1/* and /metrics, the token read from this variable")
    .option("--overlay <file>", "a host policy document merged on top of the bundle's target where it only tightens; repeatable", collect, [])
    .option("--max-body <size>", "largest request body, e.g. 1mb, 512kb", (v) => parseSize(v), parseSize("1mb"))
    .addHelpText(
      "after",
      "\nIt prints `edict serve listening on http://HOST:PORT (target T)` once listening. SIGTERM/SIGINT: stop\n" +
        "accepting, finish the requests in flight (at most 5 s), flush the decision log, exit 0.\n" +
        "\nExamples:\n" +
        "  edict serve --source dist/acme.bundle.json --key edict.pub --target production\n" +
        "  edict serve --source https://policies.example.com/acme.bundle.json --key edict.pub --target production \\\n" +
        "      --listen 127.0.0.1:0 --cache-dir /var/cache/edict --decision-log decisions.jsonl --token-env EDICT_API_TOKEN\n" +
        "  edict serve --source github:acme/policies@latest --name acme --key edict.pub --target production --overlay /etc/edict/host.yaml\n" +
        "  curl -s localhost:8181/v1/authorize -H 'content-type: application/json' -d '{\"action\":\"db:Select\",\"resource\":\"db://production/users\"}'\n",
    )
    .action(async (opts: ServeCommandOptions) => setExit(await serveCommand(io, opts)));
}
