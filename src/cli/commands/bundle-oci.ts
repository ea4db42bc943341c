/**
 * `edict bundle push | pull`: a bundle as an OCI artifact in a registry. Exit codes: 0 success;
 * 1 a bundle file that is malformed, a pull whose bytes fail their digest or that cannot be
 * retrieved; 2 usage, file errors, and a push the registry refuses (credentials, permissions, an
 * unreachable host).
 * The token is read from an environment variable and never printed.
 */
import { basename, dirname, resolve } from "node:path";
import type { Command } from "commander";
import { fromBase64Either } from "../../bundle/base64.js";
import { parseEnvelope } from "../../bundle/dsse.js";
import { isBundleError } from "../../bundle/errors.js";
import { bundleFileNames } from "../../bundle/payload.js";
import { readPayload } from "../../bundle/payload-read.js";
import { DEFAULT_MAX_BUNDLE_BYTES } from "../../bundle/verify-checks.js";
import { EdictError, exitCodeOf, isEdictError } from "../../errors.js";
import { readBundleFile, writeOutputFiles } from "../../io/bundle-files.js";
import { createRegistry, formatOciReference, getBundleBlob, getManifest, manifestReference, OCI_REFERENCE_FORM, parseOciReference, pushBundle } from "../../oci/index.js";
import type { OciReference, Registry } from "../../oci/index.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice } from "../options.js";

const FORMATS = ["text", "json"] as const;
type Format = (typeof FORMATS)[number];

/** One push or pull may take this long in all. */
const DEADLINE_MS = 120_000;

export interface OciCommandOptions {
  tokenEnv?: string;
  plainHttp?: boolean;
  format: Format;
}

export interface BundlePushOptions extends OciCommandOptions {
  /** false with --no-latest. */
  latest: boolean;
}

export interface BundlePullOptions extends OciCommandOptions {
  out?: string;
}

function toReference(text: string, needTag: boolean): OciReference {
  const ref = parseOciReference(text);
  if (ref === undefined || (needTag && (ref.tag === undefined || ref.digest !== undefined))) {
    throw new EdictError("USAGE", `${JSON.stringify(text.slice(0, 200))} is not a registry reference: expected ${needTag ? "oci://HOST[:PORT]/REPO:TAG" : OCI_REFERENCE_FORM}, e.g. oci://ghcr.io/acme/policies:1.2.0`);
  }
  return ref;
}

/** `user:token` from the variable --token-env names; a value without `:` is the token of user `edict`. */
export function readRegistryCredentials(io: CliIO, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = (io.env[variable] ?? "").trim();
  if (value === "") throw new EdictError("USAGE", `--token-env ${variable}: the variable is not set or empty; export it as user:token (e.g. the workflow's GITHUB_TOKEN)`);
  return value.includes(":") ? value : `edict:${value}`;
}

function registryFor(io: CliIO, ref: OciReference, opts: OciCommandOptions): Registry {
  const credentials = readRegistryCredentials(io, opts.tokenEnv);
  return createRegistry(ref, {
    fetch: (input, init) => globalThis.fetch(input, init),
    label: formatOciReference(ref),
    ...(opts.plainHttp ? { plainHttp: true } : {}),
    ...(credentials === undefined ? {} : { credentials }),
  });
}

function reportFailure(io: CliIO, format: Format, e: unknown, what: string): number {
  if (!isEdictError(e)) throw e;
  const exit = exitCodeOf(e);
  if (format === "json") io.stdout(JSON.stringify({ ok: false, code: e.code, message: e.toString() }, null, 2) + "\n");
  else io.stderr(`edict: ${what} failed: ${isBundleError(e) ? `${e.code}: ` : ""}${e.toString()}\n`);
  return exit;
}

// ------------------------------------------------------------------------------------------------
// push

export async function bundlePushCommand(io: CliIO, file: string, reference: string, opts: BundlePushOptions): Promise<number> {
  try {
    const ref = toReference(reference, true);
    const bytes = await readBundleFile(resolve(io.cwd, file));
    // what the annotations and the layer title say comes from the payload's checked shape (not trusted: loaders verify)
    const { payload } = readPayload(fromBase64Either(parseEnvelope(bytes).payload));
    const tags = [ref.tag!, ...(opts.latest && ref.tag !== "latest" ? ["latest"] : [])];
    const registry = registryFor(io, ref, opts);
    let result;
    try {
      result = await pushBundle(registry, { bytes, title: bundleFileNames(payload.name).bundle, payload, tags }, AbortSignal.timeout(DEADLINE_MS));
    } catch (e) {
      // the registry refused or could not be reached: the environment's problem, not the bundle's
      if (!isBundleError(e) || e.code === "DIGEST_MISMATCH") throw e;
      throw new EdictError("IO_ERROR", `push to ${formatOciReference(ref)}: ${e.message}${opts.tokenEnv === undefined ? "; pass --token-env VAR for a registry that needs credentials" : ""}`, { cause: e });
    }
    if (opts.format === "json") {
      io.stdout(JSON.stringify({ digest: result.digest, tags: result.tags, size: result.size }, null, 2) + "\n");
    } else {
      io.stderr(`pushed ${payload.name} ${payload.version} (serial ${payload.serial}) to ${ref.host}/${ref.repository} as ${tags.join(", ")}${result.uploaded === 0 ? " (the blobs were already there)" : ""}\n`);
      io.stdout(`${result.digest}\n`);
    }
    return EXIT.OK;
  } catch (e) {
    return reportFailure(io, opts.format, e, "bundle push");
  }
}

// ------------------------------------------------------------------------------------------------
// pull

export async function bundlePullCommand(io: CliIO, reference: string, opts: BundlePullOptions): Promise<number> {
  try {
    const ref = toReference(reference, false);
    const registry = registryFor(io, ref, opts);
    const signal = AbortSignal.timeout(DEADLINE_MS);
    const manifest = await getManifest(registry, manifestReference(ref), signal, DEFAULT_MAX_BUNDLE_BYTES);
    const bytes = await getBundleBlob(registry, manifest.layer, signal, DEFAULT_MAX_BUNDLE_BYTES);
    if (opts.out === undefined && manifest.layer.title === undefined) {
      throw new EdictError("USAGE", `${formatOciReference(ref)}: the bundle layer has no ${"<name>.bundle.json"} title; pass --out FILE`);
    }
    const out = resolve(io.cwd, opts.out ?? manifest.layer.title!);
    const [written] = await writeOutputFiles(dirname(out), [{ name: basename(out), bytes }]);
    if (opts.format === "json") {
      io.stdout(JSON.stringify({ ok: true, path: written, digest: manifest.digest, layer: manifest.layer.digest, size: bytes.length }, null, 2) + "\n");
    } else {
      io.stdout(`wrote ${written}\n  manifest  ${manifest.digest}\n  layer     ${manifest.layer.digest} (${bytes.length} bytes)\n`);
      io.stderr("edict: the digests match; the signatures are not checked here: run `edict bundle verify FILE --key PUB` before trusting it\n");
    }
    return EXIT.OK;
  } catch (e) {
    return reportFailure(io, opts.format, e, "bundle pull");
  }
}

// ------------------------------------------------------------------------------------------------

function ociOptions(cmd: Command): Command {
  return cmd
    .option("--token-env <var>", "environment variable holding the registry credentials as user:token (GITHUB_TOKEN works for ghcr.io)")
    .option("--plain-http", "talk http:// instead of https:// (a registry on loopback or inside a cluster)")
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text");
}

/** Adds `push` and `pull` to `edict bundle`. */
export function registerBundleOci(bundle: Command, io: CliIO, setExit: (code: number) => void): void {
  ociOptions(
    bundle
      .command("push")
      .description("push a bundle to an OCI registry as an artifact; prints the manifest digest")
      .argument("<file>", "the .bundle.json file")
      .argument("<reference>", "oci://HOST[:PORT]/REPO:TAG")
      .option("--no-latest", "tag only TAG, not also latest"),
  )
    .addHelpText(
      "after",
      "\nThe manifest is an OCI artifact of type application/vnd.edict.bundle.v1+json with the bundle as its one layer;\n" +
        "pushing the same bundle again uploads nothing and gives the same digest. Auth: anonymous, basic, or the\n" +
        "registry's bearer-token challenge (ghcr.io with GITHUB_TOKEN).\n" +
        "\nExamples:\n  edict bundle push dist/acme.bundle.json oci://ghcr.io/acme/policies:1.2.0 --token-env GHCR_CREDENTIALS\n" +
        "  edict bundle push acme.bundle.json oci://127.0.0.1:5000/acme/policies:1.2.0 --plain-http --no-latest --format json\n",
    )
    .action(async (file: string, reference: string, opts: BundlePushOptions) => setExit(await bundlePushCommand(io, file, reference, opts)));

  ociOptions(
    bundle
      .command("pull")
      .description("fetch a bundle from an OCI registry (the layer digest is checked; run bundle verify before trusting it)")
      .argument("<reference>", OCI_REFERENCE_FORM)
      .option("-o, --out <file>", "where to write it (default <name>.bundle.json, from the layer's title, in the current folder)"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  edict bundle pull oci://ghcr.io/acme/policies:latest\n" +
        "  edict bundle pull oci://ghcr.io/acme/policies@sha256:<digest> --out air-gap/acme.bundle.json\n" +
        "  edict bundle verify acme.bundle.json --key edict.pub --target production\n",
    )
    .action(async (reference: string, opts: BundlePullOptions) => setExit(await bundlePullCommand(io, reference, opts)));
}
