/** `edict keygen [--out PREFIX]`: a fresh Ed25519 signing key pair for bundles. */
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Command } from "commander";
import { isBundleError } from "../../bundle/errors.js";
import { createPrivateFolder, writeKeyPair } from "../../bundle/key-files.js";
import { EdictError } from "../../errors.js";
import { findGitWorkTree } from "../find-root.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice } from "../options.js";
import { SIGNING_KEY_ENV } from "./bundle.js";

const FORMATS = ["text", "json"] as const;

/** File name (without .key/.pub) of the pair written to the config folder when --out is not given. */
export const DEFAULT_KEY_NAME = "signing";

export interface KeygenOptions {
  /** Path prefix of the two files; without it, the user's config folder (never a git work tree). */
  out?: string;
  force?: boolean;
  format: (typeof FORMATS)[number];
}

/**
 * edict's folder in the user's configuration: `$XDG_CONFIG_HOME/edict`, else `$HOME/.config/edict`,
 * else `%APPDATA%\edict`; undefined when the environment names none. A relative XDG_CONFIG_HOME is
 * ignored, as the XDG base directory specification asks.
 */
export function configFolder(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "edict");
  if (env.HOME) return join(env.HOME, ".config", "edict");
  if (env.APPDATA) return join(env.APPDATA, "edict");
  return undefined;
}

/** Where the pair goes without --out: the config folder, created mode 0700; refused inside a git work tree. */
function defaultPrefix(io: CliIO): string {
  const dir = configFolder(io.env);
  if (dir === undefined) throw new EdictError("USAGE", "no config folder to keep the key in: set XDG_CONFIG_HOME or HOME, or choose the files with --out PREFIX");
  // a private key written where `git add -A` reaches is one commit away from being published
  const tree = findGitWorkTree(dir);
  if (tree !== undefined) throw new EdictError("USAGE", `the key folder ${dir} is inside the git work tree ${tree}; choose the files with --out PREFIX (outside any repository)`);
  createPrivateFolder(dir);
  return join(dir, DEFAULT_KEY_NAME);
}

function nextSteps(publicKeyPath: string, privateKeyPath: string): string {
  return (
    "\nnext:\n" +
    `  1. commit the public key to the policy repository, e.g.  cp ${publicKeyPath} keys/release.pub\n` +
    `  2. store the private key as the ${SIGNING_KEY_ENV} secret, e.g.  gh secret set ${SIGNING_KEY_ENV} < ${privateKeyPath}\n` +
    "     (or pass it to `edict bundle build --key`); never commit it\n"
  );
}

/** Writes the pair and prints the keyid, both paths and what to do next; the private key itself is never printed. */
export function keygenCommand(io: CliIO, opts: KeygenOptions): number {
  try {
    const prefix = opts.out === undefined ? defaultPrefix(io) : resolve(io.cwd, opts.out);
    const written = writeKeyPair(prefix, { force: Boolean(opts.force) });
    if (opts.format === "json") {
      io.stdout(JSON.stringify({ keyid: written.keyid, publicKey: written.publicKeyPath, privateKey: written.privateKeyPath }, null, 2) + "\n");
    } else {
      io.stdout(
        `keyid:       ${written.keyid}\n` +
          `public key:  ${written.publicKeyPath}  (pin this in loaders: trustedKeys, \`edict bundle verify --key\`)\n` +
          `private key: ${written.privateKeyPath}  (mode 0600; keep it secret, e.g. as the Action's signing-key secret)\n` +
          nextSteps(written.publicKeyPath, written.privateKeyPath),
      );
    }
    const tree = opts.out === undefined ? undefined : findGitWorkTree(dirname(written.privateKeyPath));
    if (tree !== undefined) io.stderr(`edict: warning: the private key ${written.privateKeyPath} is inside the git work tree ${tree}; keep it out of commits (list *.key in .gitignore) or move it\n`);
    return EXIT.OK;
  } catch (e) {
    if (!isBundleError(e)) throw e;
    io.stderr(`edict: ${e.message}\n`);
    if (opts.out === undefined && /already exists/.test(e.message)) io.stderr("edict: to make another key pair, choose its files with --out PREFIX\n");
    return EXIT.USAGE;
  }
}

export function registerKeygen(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("keygen")
    .description(
      "generate an Ed25519 key pair for signing bundles: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (SPKI PEM); " +
        `without --out, ${DEFAULT_KEY_NAME}.key and ${DEFAULT_KEY_NAME}.pub in $XDG_CONFIG_HOME/edict (default ~/.config/edict, mode 0700)`,
    )
    .option("-o, --out <prefix>", `path prefix of the two files (default: ~/.config/edict/${DEFAULT_KEY_NAME}, never inside a git work tree)`)
    .option("--force", "replace existing PREFIX.key and PREFIX.pub")
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nThe files are the formats `openssl genpkey -algorithm ed25519` writes, so either tool's keys work with the other.\n" +
        "\nExamples:\n  edict keygen                       # ~/.config/edict/signing.key and .pub\n  edict keygen --out ~/keys/release\n  edict bundle build --key ~/.config/edict/signing.key\n",
    )
    .action((opts: KeygenOptions) => setExit(keygenCommand(io, opts)));
}
