/**
 * The loader's minified + gzipped size (built exactly as scripts/size.mjs does: neutral platform,
 * the on-demand modules — the Node-only file cache, the private-release API path and the evaluators
 * of the kinds besides access — left external), and with every kind's evaluator in the same bundle,
 * next to @cedar-policy/cedar-wasm's and casbin's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { bytes as fmtBytes } from "../lib/measure.js";
import type { Row } from "../lib/report.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const LOADER_BUDGET_GZIP = 16 * 1024;

function external(filter: RegExp): Plugin {
  return { name: "external-on-demand", setup: (b) => b.onResolve({ filter }, (args) => ({ path: args.path, external: true })) };
}
const externalOnDemand = external(/(^|\/)(file-cache|github-api)\.js$|\/kinds\/\w+\.js$/);
const externalFileCache = external(/(^|\/)(file-cache|github-api)\.js$/);

function gzip(data: Uint8Array): number {
  return gzipSync(data, { level: 9 }).length;
}

async function minified(entry: { file?: string; contents?: string }, platform: "neutral" | "node", plugins: Plugin[] = []): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: ROOT,
    ...(entry.file !== undefined ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents ?? "", resolveDir: ROOT, loader: "js" } }),
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    mainFields: ["module", "main"],
    target: "es2022",
    legalComments: "none",
    plugins,
    write: false,
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error("esbuild produced no output");
  return out.contents;
}

function version(pkg: string): string {
  const require = createRequire(join(ROOT, "package.json"));
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    // packages whose exports hide package.json
    const path = join(ROOT, "node_modules", ...pkg.split("/"), "package.json");
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  }
}

export async function runSize(log: (line: string) => void): Promise<{ rows: Row[] }> {
  const rows: Row[] = [];
  const core = await minified({ file: "src/loader/index.ts" }, "neutral", [externalOnDemand]);
  const coreGzip = gzip(core);
  log(`size: loader core ${core.length} B min, ${coreGzip} B gzip`);
  rows.push({
    section: "size",
    // the name the row has always had: the core is what edict/loader loads before any kind
    case: "edict/loader (src/loader/index.ts), minified + gzip",
    result: `${fmtBytes(coreGzip)} gzip (${fmtBytes(core.length)} min; the core: retrieval, verification, access; the other kinds load on demand)`,
    target: "≤ 16 KB gzip",
    status: coreGzip <= LOADER_BUDGET_GZIP ? "met" : "missed",
    values: { minBytes: core.length, gzipBytes: coreGzip },
  });
  // what an application that serves every kind and bundles without code splitting ships
  const loader = await minified({ file: "src/loader/index.ts" }, "neutral", [externalFileCache]);
  const loaderGzip = gzip(loader);
  log(`size: loader with every kind ${loader.length} B min, ${loaderGzip} B gzip`);
  rows.push({
    section: "size",
    case: "edict/loader with every kind's evaluator in one bundle (access, runtime, data, posture), minified + gzip",
    result: `${fmtBytes(loaderGzip)} gzip (${fmtBytes(loader.length)} min)`,
    values: { minBytes: loader.length, gzipBytes: loaderGzip },
  });

  const cedarDir = join(ROOT, "node_modules", "@cedar-policy", "cedar-wasm", "esm");
  const wasm = readFileSync(join(cedarDir, "cedar_wasm_bg.wasm"));
  const glue = await minified({ contents: `export * from ${JSON.stringify(join(cedarDir, "cedar_wasm_bg.js"))};` }, "neutral");
  const wasmGzip = gzip(wasm);
  const glueGzip = gzip(glue);
  log(`size: cedar-wasm wasm ${wasm.length} B (${wasmGzip} B gzip), glue ${glue.length} B min (${glueGzip} B gzip)`);
  rows.push({
    section: "size",
    case: `@cedar-policy/cedar-wasm ${version("@cedar-policy/cedar-wasm")} (wasm + JS glue), gzip`,
    result: `${fmtBytes(wasmGzip + glueGzip)} gzip (wasm ${fmtBytes(wasm.length)} raw; edict/loader is ${((wasmGzip + glueGzip) / loaderGzip).toFixed(0)}× smaller)`,
    values: { wasmBytes: wasm.length, wasmGzipBytes: wasmGzip, glueMinBytes: glue.length, glueGzipBytes: glueGzip },
  });

  try {
    const casbin = await minified({ contents: 'export * from "casbin";' }, "node");
    const casbinGzip = gzip(casbin);
    log(`size: casbin ${casbin.length} B min, ${casbinGzip} B gzip`);
    rows.push({
      section: "size",
      case: `casbin ${version("casbin")}, minified + gzip (platform node)`,
      result: `${fmtBytes(casbinGzip)} gzip (${fmtBytes(casbin.length)} min)`,
      values: { minBytes: casbin.length, gzipBytes: casbinGzip },
    });
  } catch (e) {
    log(`size: casbin could not be bundled: ${(e as Error).message}`);
  }
  return { rows };
}
