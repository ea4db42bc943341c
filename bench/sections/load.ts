/**
 * Load: what a service pays to start serving a bundle from a file — read, verify (signature,
 * canonical form, digests), parse and compile the target's engine — through `createLoader`, with
 * the verify and compile steps also timed alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoader } from "../../src/loader/index.js";
import { readTrustedKey, withKeyids } from "../../src/loader/keys.js";
import { verifyBundleBytes } from "../../src/loader/verify.js";
import { compileEngine } from "../../src/engine/engine.js";
import { benchKey, bundleOfSize } from "../lib/bundles.js";
import { bytes as fmtBytes, ms, timeRounds } from "../lib/measure.js";
import type { Row } from "../lib/report.js";

/** The load goals of issue 22, by bundle size. */
const GOAL_MS: Readonly<Record<string, number>> = { "1 MB": 25, "5 MB": 100 };

export interface LoadOptions {
  sizes: ReadonlyArray<{ label: string; bytes: number }>;
  rounds: number;
  log: (line: string) => void;
}

export interface LoadResult {
  rows: Row[];
  details: Array<{ label: string; bytes: number; statements: number; loadMs: number; verifyMs: number; compileMs: number }>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { publicKey } = benchKey();
  const dir = mkdtempSync(join(tmpdir(), "edict-bench-load-"));
  const rows: Row[] = [];
  const details: LoadResult["details"] = [];
  try {
    for (const size of options.sizes) {
      const { bytes, statements } = bundleOfSize(size.bytes);
      const file = join(dir, `bench-${size.label.replace(/\s+/g, "")}.bundle.json`);
      writeFileSync(file, bytes);
      const maxBytes = 64 * 1024 * 1024;
      const load = await timeRounds(async () => {
        const loader = createLoader({ source: file, trustedKeys: [publicKey], target: "production", pollIntervalMs: 0, maxBytes });
        try {
          const engine = await loader.load();
          return engine.meta.serial;
        } finally {
          loader.close();
        }
      }, options.rounds, 2, { settle: true });
      // the loader's own verifier (WebCrypto), exactly what load() runs before compiling
      const keys = await withKeyids([readTrustedKey(publicKey, 0)]);
      const verifyOnce = () => verifyBundleBytes(bytes, { keys, threshold: 1, now: new Date(), target: "production", maxBytes });
      const verify = await timeRounds(verifyOnce, options.rounds, 1, { settle: true });
      const payload = (await verifyOnce()).payload;
      const production = payload.targets.production;
      if (production === undefined) throw new Error("bench bundle has no production target");
      const compile = await timeRounds(() => compileEngine(production), options.rounds, 1, { settle: true });
      const statementsInTarget = production.access.Statement.length;
      options.log(`load: ${size.label}: ${fmtBytes(bytes.length)}, ${statementsInTarget} statements in production; load ${ms(load.medianMs)}, verify ${ms(verify.medianMs)}, compile ${ms(compile.medianMs)}`);
      const goalMs = GOAL_MS[size.label];
      rows.push({
        section: "load",
        case: `createLoader(file).load(), ${size.label} bundle (${fmtBytes(bytes.length)}, ${statementsInTarget.toLocaleString("en-US")} statements in target)`,
        result: `${ms(load.medianMs)} (verify+parse ${ms(verify.medianMs)}, compile ${ms(compile.medianMs)})`,
        ...(goalMs === undefined ? {} : { target: `≤ ${goalMs} ms`, status: load.medianMs <= goalMs ? "met" : "missed" }),
        values: { bytes: bytes.length, statements: statementsInTarget, loadMs: load.medianMs, verifyMs: verify.medianMs, compileMs: compile.medianMs },
      });
      details.push({ label: size.label, bytes: bytes.length, statements, loadMs: load.medianMs, verifyMs: verify.medianMs, compileMs: compile.medianMs });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, details };
}
