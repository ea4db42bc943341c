/** `edict keygen [--out PREFIX]`: a fresh Ed25519 signing key pair for bundles. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { isBundleError } from "../../bundle/errors.js";
import { writeKeyPair } from "../../bundle/key-files.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice } from "../options.js";

const FORMATS = ["text", "json"] as const;

export interface KeygenOptions {
  out: string;
  force?: boolean;
  format: (typeof FORMATS)[number];
}

/** Writes the pair and prints the keyid and paths; the private key itself is never printed. */
export function keygenCommand(io: CliIO, opts: KeygenOptions): number {
  const prefix = resolve(io.cwd, opts.out);
  try {
    const written = writeKeyPair(prefix, { force: Boolean(opts.force) });
    if (opts.format === "json") {
      io.stdout(JSON.stringify({ keyid: written.keyid, publicKey: written.publicKeyPath, privateKey: written.privateKeyPath }, null, 2) + "\n");
    } else {
      io.stdout(
        `keyid:       ${written.keyid}\n` +
          `public key:  ${written.publicKeyPath}  (pin this in loaders: trustedKeys, \`edict bundle verify --key\`)\n` +
          `private key: ${written.privateKeyPath}  (mode 0600; keep it secret, e.g. as the Action's signing-key secret)\n`,
      );
    }
    return EXIT.OK;
  } catch (e) {
    if (!isBundleError(e)) throw e;
    io.stderr(`edict: ${e.message}\n`);
    return EXIT.USAGE;
  }
}

export function registerKeygen(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("keygen")
    .description("generate an Ed25519 key pair for signing bundles: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (SPKI PEM)")
    .option("-o, --out <prefix>", "path prefix of the two files", "edict")
    .option("--force", "replace existing PREFIX.key and PREFIX.pub")
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nThe files are the formats `openssl genpkey -algorithm ed25519` writes, so either tool's keys work with the other.\n" +
        "\nExamples:\n  edict keygen\n  edict keygen --out keys/release\n  edict bundle build --key keys/release.key\n",
    )
    .action((opts: KeygenOptions) => setExit(keygenCommand(io, opts)));
}
