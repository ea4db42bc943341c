/**
 * `edict bundle build | verify | inspect`. Exit codes: 0 success, 1 a
 * bundle that fails verification (or a previous bundle that does), 2 usage, configuration, key
 * and file errors. Private keys are read from a file or an environment variable and never printed.
 */
import { blake3Hex } from "../../bundle/digest-blake3.js";
import { resolve } from "node:path";
import type { Command } from "commander";
import { fromBase64Either } from "../../bundle/base64.js";
import { buildBundle } from "../../bundle/build.js";
import type { BuiltBundle } from "../../bundle/build.js";
import { readBundleFile } from "../../io/bundle-files.js";
import { utf8Decode } from "../../bundle/bytes.js";
import { sha256Hex } from "../../bundle/digest.js";
import { parseEnvelope } from "../../bundle/dsse.js";
import { isBundleError } from "../../bundle/errors.js";
import { readPrivateKey, readPublicKeys } from "../../bundle/key-files.js";
import type { PrivateKey } from "../../bundle/keys.js";
import { BUNDLE_PAYLOAD_TYPE } from "../../bundle/payload.js";
import type { BundlePayload } from "../../bundle/payload.js";
import { verifyRebuild } from "../../bundle/rebuild.js";
import type { RebuildResult } from "../../bundle/rebuild.js";
import { parseStrictJson } from "../../bundle/strict-json.js";
import { verifyBundle } from "../../bundle/verify.js";
import { VERDICTS } from "../../bundle/version.js";
import type { Verdict } from "../../bundle/version.js";
import { EdictError, exitCodeOf, isEdictError } from "../../errors.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice, parseCount, rootOption } from "../options.js";
import { repositoryRoot } from "../repository.js";
import { isRecord } from "../../engine/record.js";
import { registerBundleOci } from "./bundle-oci.js";

const FORMATS = ["text", "json"] as const;
type Format = (typeof FORMATS)[number];

/** The environment variable read for the signing key when neither --key nor --key-env is given. */
export const SIGNING_KEY_ENV = "EDICT_SIGNING_KEY";

/** Prints a failure as `{"ok": false, code, message}` (json) or one stderr line (text); an unexpected error goes on to the CLI. */
function reportFailure(io: CliIO, format: Format, e: unknown, what?: string): number {
  if (!isEdictError(e)) throw e;
  const exit = exitCodeOf(e);
  const code = e.code;
  const message = e.toString();
  if (format === "json") io.stdout(JSON.stringify({ ok: false, code, message }, null, 2) + "\n");
  else if (exit === EXIT.FINDINGS && isBundleError(e)) io.stderr(`edict: ${what ? `${what} failed: ` : ""}${code}: ${message}\n`);
  else io.stderr(`edict: ${message}\n`);
  return exit;
}

// ------------------------------------------------------------------------------------------------
// build

export interface BundleBuildOptions {
  root?: string;
  out: string;
  key: string[];
  keyEnv: string[];
  expires?: string;
  previous?: string;
  previousKey: string[];
  verdict?: Verdict;
  allowDirty?: boolean;
  format: Format;
}

function readSigningKeys(io: CliIO, opts: BundleBuildOptions): PrivateKey[] {
  const keys: PrivateKey[] = [];
  for (const file of opts.key) keys.push(readPrivateKey({ file: resolve(io.cwd, file) }));
  for (const env of opts.keyEnv) keys.push(readPrivateKey({ env, environment: io.env }));
  if (keys.length === 0) {
    if ((io.env[SIGNING_KEY_ENV] ?? "").trim() === "") {
      throw new EdictError("USAGE", `no signing key: pass --key FILE or --key-env VAR, or set ${SIGNING_KEY_ENV} (create a key pair with \`edict keygen\`)`);
    }
    keys.push(readPrivateKey({ env: SIGNING_KEY_ENV, environment: io.env }));
  }
  return keys;
}

function buildSummary(built: BuiltBundle): Record<string, unknown> {
  const p = built.payload;
  return {
    ok: true,
    name: p.name,
    version: p.version,
    serial: p.serial,
    revision: p.revision,
    keyid: built.keyids[0],
    keyids: built.keyids,
    sha256: built.sha256,
    created_at: p.created_at,
    expires_at: p.expires_at,
    targets: Object.keys(p.targets).sort(),
    tag: built.tag,
    ...(built.verdict === undefined ? {} : { verdict: built.verdict }),
    ...(built.previous === undefined ? {} : { previous: built.previous }),
    bundle: built.written?.bundle,
    checksum: built.written?.checksum,
    warnings: built.warnings,
  };
}

export async function bundleBuildCommand(io: CliIO, opts: BundleBuildOptions): Promise<number> {
  try {
    const privateKeys = readSigningKeys(io, opts);
    const previousTrustedKeys = opts.previousKey.length > 0 ? readPublicKeys(opts.previousKey.map((f) => resolve(io.cwd, f))) : undefined;
    const previousBundle = opts.previous !== undefined ? await readBundleFile(resolve(io.cwd, opts.previous)) : undefined;
    const sourceDateEpoch = io.env.SOURCE_DATE_EPOCH;
    const built = await buildBundle({
      root: repositoryRoot(io, opts.root),
      outDir: resolve(io.cwd, opts.out),
      privateKeys,
      ...(previousBundle === undefined ? {} : { previousBundle }),
      ...(previousTrustedKeys === undefined ? {} : { previousTrustedKeys }),
      ...(opts.verdict === undefined ? {} : { verdict: opts.verdict }),
      ...(opts.expires === undefined ? {} : { expires: opts.expires }),
      ...(sourceDateEpoch === undefined || sourceDateEpoch === "" ? {} : { sourceDateEpoch }),
      allowDirty: Boolean(opts.allowDirty),
    });
    for (const w of built.warnings) io.stderr(`edict: warning: ${w}\n`);
    if (opts.format === "json") {
      io.stdout(JSON.stringify(buildSummary(built), null, 2) + "\n");
    } else {
      const p = built.payload;
      const prev = built.previous ? `, after ${built.previous.version} serial ${built.previous.serial} (${built.verdict})` : ", first release";
      io.stdout(
        `wrote ${built.written?.bundle}\nwrote ${built.written?.checksum}\n` +
          `${p.name} ${p.version} serial ${p.serial}${prev}\n` +
          `  revision  ${p.revision}\n  signed by ${built.keyids.join(", ")}\n  sha256    ${built.sha256}\n` +
          `  created   ${p.created_at}, expires ${p.expires_at}\n  targets   ${Object.keys(p.targets).sort().join(", ")}\n  tag       ${built.tag}\n`,
      );
    }
    return EXIT.OK;
  } catch (e) {
    // the build's own bundle is refused only when it would be expired; other bundle errors are the previous one's
    const ownExpiry = isEdictError(e) && e.code === "EXPIRED";
    return reportFailure(io, opts.format, e, opts.previous !== undefined && !ownExpiry ? "previous bundle verification" : undefined);
  }
}

// ------------------------------------------------------------------------------------------------
// verify

export interface BundleVerifyOptions {
  key: string[];
  threshold?: number;
  target?: string;
  name?: string;
  rebuild?: boolean;
  root?: string;
  format: Format;
}

export async function bundleVerifyCommand(io: CliIO, file: string, opts: BundleVerifyOptions): Promise<number> {
  try {
    if (opts.key.length === 0) {
      throw new EdictError("USAGE", "bundle verify needs at least one --key PUB: the pinned public key (PREFIX.pub from `edict keygen`); a signature is always required");
    }
    const keys = readPublicKeys(opts.key.map((k) => resolve(io.cwd, k)));
    const distinct = new Set(keys.map((k) => k.keyid)).size;
    if (opts.threshold !== undefined && (opts.threshold < 1 || opts.threshold > distinct)) {
      throw new EdictError("USAGE", `--threshold must be from 1 to ${distinct}, the number of distinct --key keys, got ${opts.threshold}`);
    }
    const bytes = await readBundleFile(resolve(io.cwd, file));
    const verified = verifyBundle(bytes, {
      blake3: blake3Hex,
      trustedKeys: keys,
      ...(opts.threshold === undefined ? {} : { threshold: opts.threshold }),
      ...(opts.target === undefined ? {} : { target: opts.target }),
      ...(opts.name === undefined ? {} : { expectedName: opts.name }),
    });
    let rebuilt: RebuildResult | undefined;
    if (opts.rebuild) rebuilt = await verifyRebuild(verified.payload, repositoryRoot(io, opts.root));
    const p = verified.payload;
    if (opts.format === "json") {
      const doc = {
        ok: true,
        name: p.name,
        version: p.version,
        serial: p.serial,
        revision: p.revision,
        keyid: verified.keyids[0],
        sha256: verified.sha256,
        keyids: verified.keyids,
        created_at: p.created_at,
        expires_at: p.expires_at,
        targets: Object.keys(p.targets),
        ...(rebuilt ? { rebuild: { ok: true, revision: rebuilt.revision, sources: rebuilt.sources } } : {}),
      };
      io.stdout(JSON.stringify(doc, null, 2) + "\n");
    } else {
      io.stdout(
        `OK ${p.name} ${p.version} serial ${p.serial}\n` +
          `  revision  ${p.revision}\n  signed by ${verified.keyids.join(", ")}\n  sha256    ${verified.sha256}\n` +
          `  created   ${p.created_at}, expires ${p.expires_at}\n  targets   ${Object.keys(p.targets).join(", ")}\n` +
          (rebuilt ? `  rebuild   matches ${rebuilt.revision} (${rebuilt.sources} files)\n` : ""),
      );
    }
    return EXIT.OK;
  } catch (e) {
    return reportFailure(io, opts.format, e, "bundle verification");
  }
}

// ------------------------------------------------------------------------------------------------
// inspect

const UNVERIFIED = "UNVERIFIED: signatures, digests and expiry were not checked; use `edict bundle verify FILE --key PUB` before trusting any of this";


/** What the file says about itself, without verifying anything. */
export function inspectDocument(bytes: Uint8Array): Record<string, unknown> {
  const envelope = parseEnvelope(bytes);
  const doc: Record<string, unknown> = {
    verified: false,
    warning: UNVERIFIED,
    sha256: sha256Hex(bytes),
    payloadType: envelope.payloadType,
    signatures: envelope.signatures.map((s) => ({ keyid: s.keyid ?? null })),
  };
  let payload: unknown;
  try {
    payload = parseStrictJson(utf8Decode(fromBase64Either(envelope.payload)));
  } catch (e) {
    doc.payloadError = `payload is not strict JSON: ${(e as Error).message}`;
    return doc;
  }
  if (!isRecord(payload)) {
    doc.payloadError = "payload is not a JSON object";
    return doc;
  }
  const p = payload as Partial<BundlePayload> & Record<string, unknown>;
  for (const k of ["format", "name", "version", "serial", "revision", "created_at", "expires_at"] as const) doc[k] = p[k] ?? null;
  doc.targets = isRecord(p.targets) ? Object.keys(p.targets) : null;
  doc.installed_packs = p.installed_packs ?? null;
  doc.sources = p.sources ?? null;
  doc.digests = p.digests ?? null;
  return doc;
}

function inspectText(doc: Record<string, unknown>): string {
  const show = (v: unknown) => (v === null || v === undefined ? "(missing)" : typeof v === "string" ? v : JSON.stringify(v));
  const lines = [`${UNVERIFIED}`, ""];
  lines.push(`payloadType  ${show(doc.payloadType)}${doc.payloadType === BUNDLE_PAYLOAD_TYPE ? "" : "  (not an edict bundle type)"}`);
  lines.push(`signatures   ${(doc.signatures as Array<{ keyid: string | null }>).map((s) => s.keyid ?? "(no keyid)").join(", ") || "(none)"}`);
  lines.push(`file sha256  ${show(doc.sha256)}  (of the .bundle.json file's bytes, as in its .sha256 checksum file)`);
  if (doc.payloadError !== undefined) {
    lines.push(`payload      ${show(doc.payloadError)}`);
    return lines.join("\n") + "\n";
  }
  for (const k of ["format", "name", "version", "serial", "revision", "created_at", "expires_at"]) lines.push(`${k.padEnd(12)} ${show(doc[k])}`);
  lines.push(`targets      ${Array.isArray(doc.targets) ? doc.targets.join(", ") : "(missing)"}`);
  const packs = Array.isArray(doc.installed_packs) ? (doc.installed_packs as Array<Record<string, unknown>>) : [];
  lines.push(`packs        ${packs.length === 0 ? "(none)" : packs.map((p) => `${show(p.name)}@${show(p.version)}`).join(", ")}`);
  lines.push(`sources      ${Array.isArray(doc.sources) ? `${doc.sources.length} files` : "(missing)"}`);
  const digests = isRecord(doc.digests) ? doc.digests : {};
  lines.push(`digests      sha256 ${show(digests.sha256)}  (of the payload's targets, canonical JSON; signed)`, `             blake3 ${show(digests.blake3)}`);
  return lines.join("\n") + "\n";
}

export async function bundleInspectCommand(io: CliIO, file: string, opts: { format: Format }): Promise<number> {
  try {
    const doc = inspectDocument(await readBundleFile(resolve(io.cwd, file)));
    io.stdout(opts.format === "json" ? JSON.stringify(doc, null, 2) + "\n" : inspectText(doc));
    return EXIT.OK;
  } catch (e) {
    return reportFailure(io, opts.format, e, "bundle inspection");
  }
}

// ------------------------------------------------------------------------------------------------

const formatOption = (cmd: Command): Command => cmd.option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text");

export function registerBundle(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const bundle = program
    .command("bundle")
    .description("build, verify, inspect, push and pull signed policy bundles")
    .addHelpText("after", "\nExamples:\n  edict bundle build --key edict.key --out dist\n  edict bundle verify dist/acme.bundle.json --key edict.pub --target production\n  edict bundle inspect dist/acme.bundle.json\n  edict bundle push dist/acme.bundle.json oci://ghcr.io/acme/policies:1.2.0 --token-env GHCR_CREDENTIALS\n");

  formatOption(
    bundle
      .command("build")
      .description("merge every target, sign the result and write <name>.bundle.json and <name>.bundle.json.sha256")
      .addOption(rootOption())
      .option("-o, --out <dir>", "folder to write the two files into", ".")
      .option("-k, --key <file>", "private key file (PKCS#8 PEM or base64 seed); repeat to sign with several keys", collect, [])
      .option("--key-env <var>", `environment variable holding the private key (default ${SIGNING_KEY_ENV} when no --key is given)`, collect, [])
      .option("--expires <duration>", "lifetime, overriding edict.yaml bundle.expires (default 30d), e.g. 12h, 2w")
      .option("--previous <file>", "the previous release's bundle: continue its serial and version")
      .option("--previous-key <pub>", "public key trusted for --previous (default: the signing keys); repeatable", collect, [])
      .option("--verdict <verdict>", `semantic diff verdict since --previous: ${VERDICTS.join(", ")} (default: unchanged if the targets are equal, else neutral)`, (v) =>
        parseChoice(v, VERDICTS, "--verdict"),
      )
      .option("--allow-dirty", "build from uncommitted changes (not reproducible; --rebuild will fail)"),
  )
    .addHelpText(
      "after",
      "\ncreated_at is the commit time, or SOURCE_DATE_EPOCH when set, so one commit always builds the same bytes.\n" +
        "\nExamples:\n  edict bundle build --key edict.key --out dist\n  EDICT_SIGNING_KEY=\"$(cat edict.key)\" edict bundle build --previous old/acme.bundle.json --verdict tightened\n",
    )
    .action(async (opts: BundleBuildOptions) => setExit(await bundleBuildCommand(io, opts)));

  formatOption(
    bundle
      .command("verify")
      .description("check a bundle's signatures, payload type, format, digests and expiry; exit 1 when it fails")
      .argument("<file>", "the .bundle.json file")
      .option("-k, --key <pub>", "trusted public key file (SPKI PEM or base64); repeatable", collect, [])
      .option("--threshold <n>", "how many distinct trusted keys must have signed (default 1)", (v) => parseCount(v, "--threshold"))
      .option("-t, --target <name>", "require this target in the bundle")
      .option("--name <name>", "require this bundle name (edict.yaml name)")
      .option("--rebuild", "also rebuild the targets from the bundle's git revision and compare")
      .addOption(rootOption("policy repository root for --rebuild")),
  )
    .addHelpText("after", "\nExamples:\n  edict bundle verify acme.bundle.json --key edict.pub --target production\n  edict bundle verify acme.bundle.json --key a.pub --key b.pub --threshold 2 --format json\n")
    .action(async (file: string, opts: BundleVerifyOptions) => setExit(await bundleVerifyCommand(io, file, opts)));

  formatOption(
    bundle
      .command("inspect")
      .description("print a bundle's metadata WITHOUT verifying it (labelled UNVERIFIED)")
      .argument("<file>", "the .bundle.json file")
      .addHelpText(
        "after",
        "\nTwo sha256 values are shown: the file's (what the .sha256 checksum file and the release list) and the\n" +
          "targets digest inside the signed payload (what the loader recomputes after verifying).\n\n" +
          "Examples:\n  edict bundle inspect dist/acme.bundle.json\n  edict bundle inspect acme.bundle.json --format json | jq -r .version\n" +
          "  edict bundle verify acme.bundle.json --key edict.pub   # before trusting anything inspect shows\n",
      ),
  ).action(async (file: string, opts: { format: Format }) => setExit(await bundleInspectCommand(io, file, opts)));

  registerBundleOci(bundle, io, setExit);
}
