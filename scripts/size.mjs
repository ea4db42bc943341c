// Size budget of the runtime loader (tiny, fetch-runtime friendly): bundles
// src/loader/index.ts for a neutral platform, minified, with the Node-only file cache left as an
// external dynamic import, and fails when the gzip size is over the budget.
// `node scripts/size.mjs [--top N]` also lists the N largest inputs (esbuild metafile).
// The evaluators of the kinds besides access (src/engine/kinds/*.ts) are on-demand modules too: the
// core leaves them external, and each is measured alone, with what the core already has external,
// as what loading that kind adds (its budget is for all of them together, on top of the core).
// The OCI entry point (src/loader/oci.ts, `edict/loader/oci`) has its own budget for what it adds
// on top of the core: its bundle's gzip size minus the core bundle's.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BUDGET_GZIP_BYTES = 16_384;
const KINDS_BUDGET_GZIP_BYTES = 8_192;
const OCI_BUDGET_GZIP_BYTES = 3_072;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Leaves the on-demand modules (`import("./file-cache.js")`, Node only,
 * `import("./github-api.js")`, private releases with a token, and the kinds' evaluators) as they
 * are: they are chunks of their own in dist/ that only the applications using them load, so the
 * core does not count them.
 */
function external(filter) {
  return { name: "external-on-demand", setup: (b) => b.onResolve({ filter }, (args) => ({ path: args.path, external: true })) };
}
const externalFileCache = external(/(^|\/)(file-cache|github-api)\.js|\/kinds\/\w+\.js$/);

const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/loader/index.ts"],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  legalComments: "none",
  plugins: [externalFileCache],
  metafile: true,
  write: false,
  logLevel: "warning",
});

const output = result.outputFiles[0].contents;
const gzip = gzipSync(output, { level: 9 }).length;
console.log(`loader: ${output.length} bytes min, ${gzip} bytes gzip (budget ${BUDGET_GZIP_BYTES} bytes gzip)`);

const topArg = process.argv.indexOf("--top");
const top = topArg >= 0 ? Number(process.argv[topArg + 1] ?? 15) : gzip > BUDGET_GZIP_BYTES ? 15 : 0;
if (top > 0) {
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const rows = Object.entries(inputs)
    .map(([file, { bytesInOutput }]) => [bytesInOutput, file])
    .sort((a, b) => b[0] - a[0])
    .slice(0, top);
  console.log(`largest inputs (minified bytes in output):`);
  for (const [bytes, file] of rows) console.log(`  ${String(bytes).padStart(7)}  ${file}`);
}

// what edict/loader/oci adds: its whole bundle (core included, built exactly like the core's) minus
// the core's, both minified and gzipped; so what an application pays for importing
// edict/loader/oci instead of edict/loader
const oci = await build({
  absWorkingDir: root,
  entryPoints: ["src/loader/oci.ts"],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  legalComments: "none",
  plugins: [externalFileCache],
  metafile: true,
  write: false,
  logLevel: "warning",
});
const ociOutput = oci.outputFiles[0].contents;
const ociGzip = gzipSync(ociOutput, { level: 9 }).length - gzip;
console.log(`loader/oci: ${ociOutput.length - output.length} bytes min, ${ociGzip} bytes gzip on top of the core (budget ${OCI_BUDGET_GZIP_BYTES} bytes gzip)`);
if (top > 0 || ociGzip > OCI_BUDGET_GZIP_BYTES) {
  const coreInputs = new Set(Object.keys(Object.values(result.metafile.outputs)[0].inputs));
  const rows = Object.entries(Object.values(oci.metafile.outputs)[0].inputs).filter(([file]) => !coreInputs.has(file));
  console.log(`loader/oci's own inputs (minified bytes in output):`);
  for (const [file, { bytesInOutput }] of rows.sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) console.log(`  ${String(bytesInOutput).padStart(7)}  ${file}`);
}

// what a private release with a token loads on demand: its chunk in a split build of the core
const split = await build({
  absWorkingDir: root,
  entryPoints: ["src/loader/index.ts"],
  bundle: true,
  splitting: true,
  outdir: "out",
  chunkNames: "[name]-[hash]",
  minify: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  legalComments: "none",
  plugins: [external(/(^|\/)file-cache\.js$/)],
  write: false,
  logLevel: "warning",
});
const apiChunk = split.outputFiles.find((f) => /github-api-\w+\.js$/.test(f.path));
if (apiChunk) console.log(`loader/github-api: ${apiChunk.contents.length} bytes min, ${gzipSync(apiChunk.contents, { level: 9 }).length} bytes gzip, loaded on demand with a token`);

// what each kind adds when the loader serves it: its module alone, with every module of the core left external
const coreInputs = new Set(Object.keys(Object.values(result.metafile.outputs)[0].inputs));
const inCore = { name: "in-core", setup: (b) => b.onResolve({ filter: /^\./ }, async (args) => {
  if (args.kind === "entry-point" || args.pluginData === "in-core") return undefined;
  const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: "in-core" });
  const file = resolved.path.slice(root.length + 1);
  return coreInputs.has(file) ? { path: args.path, external: true } : undefined;
}) };
let kindsGzip = 0;
for (const kind of ["runtime", "data", "posture"]) {
  const built = await build({
    absWorkingDir: root,
    entryPoints: [`src/engine/kinds/${kind}.ts`],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    legalComments: "none",
    plugins: [inCore],
    write: false,
    logLevel: "warning",
  });
  const out = built.outputFiles[0].contents;
  const kindGzip = gzipSync(out, { level: 9 }).length;
  kindsGzip += kindGzip;
  console.log(`loader/kinds/${kind}: ${out.length} bytes min, ${kindGzip} bytes gzip, loaded when the loader serves ${kind} (kinds)`);
}
console.log(`loader/kinds: ${kindsGzip} bytes gzip together (budget ${KINDS_BUDGET_GZIP_BYTES} bytes gzip); core and every kind: ${gzip + kindsGzip} bytes gzip`);

let failed = false;
if (kindsGzip > KINDS_BUDGET_GZIP_BYTES) {
  console.error(`loader/kinds: over budget by ${kindsGzip - KINDS_BUDGET_GZIP_BYTES} bytes gzip`);
  failed = true;
}
if (gzip > BUDGET_GZIP_BYTES) {
  console.error(`loader: over budget by ${gzip - BUDGET_GZIP_BYTES} bytes gzip`);
  failed = true;
}
if (ociGzip > OCI_BUDGET_GZIP_BYTES) {
  console.error(`loader/oci: over budget by ${ociGzip - OCI_BUDGET_GZIP_BYTES} bytes gzip`);
  failed = true;
}
if (failed) process.exit(1);
