/**
 * `edict pack publish [NAME…] --key FILE --out DIR`: signs packs of the repository's pack folder
 * into `DIR/<name>-<version>.pack.json` and writes or updates `DIR/index.json`, a folder any static
 * host serves as a url source. Exit 0 published (or already published), 2 refused (unknown pack,
 * a pack with problems, a version already published with other bytes, no key).
 */
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { readPrivateKey } from "../../bundle/key-files.js";
import type { PrivateKey } from "../../bundle/keys.js";
import { EdictError, exitCodeOf, isEdictError } from "../../errors.js";
import { publishPacks } from "../../pack/publish.js";
import type { PublishResult } from "../../pack/publish.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice, rootOption } from "../options.js";
import { repositoryRoot } from "../repository.js";

const FORMATS = ["text", "json"] as const;
type Format = (typeof FORMATS)[number];

/** Read for the signing key when neither --key nor --key-env is given, as `edict bundle build` does. */
const SIGNING_KEY_ENV = "EDICT_SIGNING_KEY";

export interface PackPublishOptions {
  root?: string;
  out: string;
  key: string[];
  keyEnv: string[];
  format: Format;
}

function readSigningKeys(io: CliIO, opts: PackPublishOptions): PrivateKey[] {
  const keys: PrivateKey[] = [];
  for (const file of opts.key) keys.push(readPrivateKey({ file: resolve(io.cwd, file) }));
  for (const env of opts.keyEnv) keys.push(readPrivateKey({ env, environment: io.env }));
  if (keys.length > 0) return keys;
  if ((io.env[SIGNING_KEY_ENV] ?? "").trim() === "") {
    throw new EdictError("USAGE", `no signing key: pass --key FILE or --key-env VAR, or set ${SIGNING_KEY_ENV} (create a key pair with \`edict keygen\`)`);
  }
  return [readPrivateKey({ env: SIGNING_KEY_ENV, environment: io.env })];
}

function shown(io: CliIO, file: string): string {
  const rel = relative(io.cwd, file);
  return rel === "" || rel.startsWith("..") ? file : rel;
}

function toText(io: CliIO, result: PublishResult): string {
  let out = "";
  for (const p of result.packs) {
    out += `${p.unchanged ? "unchanged" : "wrote    "} ${shown(io, p.file)}  sha256:${p.sha256}  (${p.name} ${p.version})\n`;
  }
  out += `${result.indexUnchanged ? "unchanged" : "wrote    "} ${shown(io, result.index)}\n`;
  return out;
}

/** Runs `edict pack publish`; returns the exit code. */
export async function packPublishCommand(io: CliIO, names: string[], opts: PackPublishOptions): Promise<number> {
  try {
    const privateKeys = readSigningKeys(io, opts);
    const result = await publishPacks({ root: repositoryRoot(io, opts.root), names, privateKeys, outDir: resolve(io.cwd, opts.out) });
    if (opts.format === "json") {
      const doc = {
        ok: true,
        packs: result.packs.map((p) => ({ name: p.name, version: p.version, file: p.file, sha256: p.sha256, unchanged: p.unchanged })),
        index: result.index,
        index_unchanged: result.indexUnchanged,
        keyids: [...new Set(privateKeys.map((k) => k.keyid))],
      };
      io.stdout(JSON.stringify(doc, null, 2) + "\n");
    } else {
      io.stdout(toText(io, result) + `signed by ${[...new Set(privateKeys.map((k) => k.keyid))].join(", ")}\n`);
    }
    return EXIT.OK;
  } catch (e) {
    if (!isEdictError(e)) throw e;
    if (opts.format === "json") io.stdout(JSON.stringify({ ok: false, code: e.code, message: e.toString() }, null, 2) + "\n");
    else io.stderr(`edict: ${e.toString()}\n`);
    return exitCodeOf(e);
  }
}

/** Adds `publish` under `edict pack`. */
export function registerPackPublish(packCommand: Command, io: CliIO, setExit: (code: number) => void): void {
  packCommand
    .command("publish")
    .description("sign packs of the repository's pack folder into <out>/<name>-<version>.pack.json and write <out>/index.json for a url source")
    .argument("[names...]", "packs to publish (default: every pack in the pack folder)")
    .addOption(rootOption())
    .requiredOption("-o, --out <dir>", "folder to write the envelopes and index.json into (created when missing)")
    .option("-k, --key <file>", "private key file (PKCS#8 PEM or base64 seed); repeat to sign with several keys", collect, [])
    .option("--key-env <var>", `environment variable holding the private key (default ${SIGNING_KEY_ENV} when no --key is given)`, collect, [])
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nA published version never changes: publishing it again with other content is refused (bump the version);\n" +
        "the same content again changes nothing. Serve the folder from any static host and add it as a source:\n" +
        "  packs:\n    sources:\n      - { name: acme, url: https://packs.acme.example/edict/index.json, keys: [keys/acme-packs.pub] }\n" +
        "\nExamples:\n  edict keygen --out ~/.config/edict/acme-packs   # then commit acme-packs.pub where consumers list it in keys\n" +
        "  edict pack publish --key ~/.config/edict/acme-packs.key --out site/edict\n" +
        "  edict pack publish payments --key-env PACKS_SIGNING_KEY --out site/edict --format json\n",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) })
    .action(async (names: string[], opts: PackPublishOptions) => setExit(await packPublishCommand(io, names, opts)));
}
