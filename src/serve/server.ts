/**
 * `edict serve`'s HTTP server: the loader's engine over a small JSON API (./routes.ts), with
 * metrics, an optional decision log and host overlays. It listens at once and answers 503 until
 * the first bundle is verified; loader failures afterwards never stop it (the last verified bundle
 * keeps answering). Node only; nothing in src/loader or src/engine imports it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BundleError } from "../bundle/errors.js";
import { dispatch, tokenDigest } from "./routes.js";
import type { ServeState } from "./routes.js";
import { createServeMetrics } from "./serve-metrics.js";
import type { ServeHandle, ServeOptions } from "./types.js";

export type { DecisionLogSink, OverlaySource, ServeHandle, ServeOptions, ServedDecision } from "./types.js";

export const DEFAULT_GRACE_MS = 5_000;
const DEFAULT_LOAD_RETRY_MS = 5_000;

/** The URL host of an address: IPv6 in brackets. */
function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const { loader } = options;
  const log = options.log ?? (() => undefined);
  const metrics = createServeMetrics(loader, options.decisionLog);
  const state: ServeState = {
    loader,
    overlays: options.overlays,
    decisionLog: options.decisionLog,
    metrics,
    now: options.now ?? (() => new Date()),
    maxBodyBytes: options.maxBodyBytes,
    tokenDigest: options.token === undefined ? undefined : tokenDigest(options.token),
    log,
    closing: false,
  };

  const unsubscribe = loader.on("error", (error: BundleError) => {
    metrics.bundleErrors.inc([error.code]);
    log(`edict serve: bundle ${error.code}: ${error.message}${loader.engine === undefined ? "" : " (still serving the last verified bundle)"}`);
  });

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, (req, res) => dispatch(state, req, res));
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  // the first load, retried until it succeeds; afterwards the loader polls by itself
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retryMs = options.loadRetryMs ?? DEFAULT_LOAD_RETRY_MS;
  const firstLoad = (): void => {
    loader.load().then(
      (engine) => log(`edict serve: bundle ${engine.meta.name} ${engine.meta.version} (serial ${engine.meta.serial}) is active`),
      () => {
        // the error was reported through the loader's "error" event
        if (!state.closing) retry = setTimeout(firstLoad, retryMs);
      },
    );
  };
  firstLoad();

  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    url: `http://${urlHost(address.address)}:${address.port}`,
    close(opts = {}) {
      closing ??= (async () => {
        state.closing = true;
        if (retry !== undefined) clearTimeout(retry);
        unsubscribe();
        // stop accepting; idle keep-alive connections close now, busy ones after their answer
        server.close();
        server.closeIdleConnections();
        const grace = opts.graceMs ?? DEFAULT_GRACE_MS;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), grace)));
        if ((await Promise.race([closed, late])) === "late") {
          log(`edict serve: requests still in flight after ${grace} ms were cut`);
          server.closeAllConnections();
          await closed;
        }
        clearTimeout(timer);
        await options.decisionLog?.flush();
      })();
      return closing;
    },
  };
}
