/**
 * Node-only key I/O for the CLI and the Action (`edict keygen`, `edict bundle build --key`).
 * The runtime loader never imports this file. Key contents are never printed or put in errors.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readBoundedSync } from "../io/bounded-read.js";
import type { BoundedRead } from "../io/bounded-read.js";
import { BundleKeyError } from "./errors.js";
import type { KeyPair, PrivateKey, PublicKey } from "./keys.js";
import { generateKeyPair, parsePrivateKey, parsePublicKey, toPrivateKeyPem, toPublicKeyPem } from "./keys.js";

/** Key files bigger than this are not keys; refusing early keeps a wrong path from being slurped. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface PrivateKeySource {
  /** Path of a PEM or base64 key file. */
  file?: string;
  /** Name of an environment variable holding a PEM or base64 key (e.g. "EDICT_SIGNING_KEY"). */
  env?: string;
  /** The environment to read `env` from; `process.env` unless told (tests inject one). */
  environment?: Readonly<Record<string, string | undefined>>;
}

function describeIoError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Key leak: a key's contents pasted where its path or variable name belongs (`--key "$KEY"`)
 * must not be echoed back in the error, so such a "name" is described instead of shown.
 */
function looksLikeKeyMaterial(text: string): boolean {
  return /-----BEGIN|PRIVATE KEY|[\r\n]/.test(text) || /[A-Za-z0-9+/=_-]{40,}/.test(text);
}

function shownPath(file: string): string {
  return looksLikeKeyMaterial(file) ? "(the value given looks like a key's contents, not a file path; pass the path of the key file)" : file;
}

function shownEnv(env: string): string {
  return looksLikeKeyMaterial(env) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)
    ? "(the value given is not an environment variable name; pass the variable's name, e.g. EDICT_SIGNING_KEY)"
    : `$${env}`;
}

function readKeyFile(file: string, what: string): string {
  const shown = shownPath(file);
  // the file system's error names the path too
  const cause = (e: unknown) => (shown === file ? { cause: e } : {});
  let read: BoundedRead;
  try {
    read = readBoundedSync(file, MAX_KEY_FILE_BYTES, { regularFile: true });
  } catch (e) {
    throw new BundleKeyError(`${shown}: cannot read ${what} (${describeIoError(e)})`, cause(e));
  }
  if (read.status === "not-a-file") throw new BundleKeyError(`${shown}: ${what} path is not a regular file`);
  if (read.status === "too-large") throw new BundleKeyError(`${shown}: ${read.size ?? `more than ${MAX_KEY_FILE_BYTES}`} bytes is too large for a ${what}`);
  return Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength).toString("utf8");
}

/**
 * Reads the signing key from exactly one of a file or an environment variable (PEM or base64,
 * surrounding whitespace trimmed). Throws `BundleKeyError` naming the source, never the contents.
 */
export function readPrivateKey(source: PrivateKeySource): PrivateKey {
  const { file, env } = source;
  if (file !== undefined && env !== undefined) {
    throw new BundleKeyError("private key: give either a key file or an environment variable, not both");
  }
  if (file !== undefined) {
    return parsePrivateKey(readKeyFile(file, "private key").trim(), { source: file });
  }
  if (env !== undefined) {
    const value = (source.environment ?? process.env)[env];
    if (value === undefined || value.trim() === "") {
      throw new BundleKeyError(`${shownEnv(env)}: environment variable is not set or empty; expected a private key`);
    }
    return parsePrivateKey(value.trim(), { source: shownEnv(env) });
  }
  throw new BundleKeyError("private key: no key file or environment variable given");
}

/** Reads one public key (SPKI PEM or base64 raw) from each path, in order. */
export function readPublicKeys(paths: readonly string[]): PublicKey[] {
  return paths.map((file) => parsePublicKey(readKeyFile(file, "public key").trim(), { source: file }));
}

/**
 * Creates `dir` and any missing parents for private keys. A folder made here is mode 0700 whatever
 * the umask; an existing folder is left as it is (the key files are 0600 either way). Returns
 * whether `dir` was created.
 */
export function createPrivateFolder(dir: string): boolean {
  let first: string | undefined;
  try {
    first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (first !== undefined) fs.chmodSync(dir, 0o700);
  } catch (e) {
    throw new BundleKeyError(`${dir}: cannot create the key folder (${describeIoError(e)})`, { cause: e });
  }
  return first !== undefined;
}

export interface WriteKeyPairOptions {
  /** Replace existing `PREFIX.key` / `PREFIX.pub`; refused otherwise. */
  force?: boolean;
  /** The pair to write; a fresh one unless told. */
  keyPair?: KeyPair;
}

export interface WrittenKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  keyid: string;
  publicKey: PublicKey;
}

function writeTemp(target: string, contents: string, mode: number): string {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, "wx", mode);
  try {
    fs.fchmodSync(fd, mode); // umask must not change the intended mode
    fs.writeFileSync(fd, contents);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return tmp;
}

function writeExclusive(target: string, contents: string, mode: number): void {
  // "wx" fails if the file appeared since the existence check, so nothing is ever overwritten
  const fd = fs.openSync(target, "wx", mode);
  try {
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, contents);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(target, { force: true });
    throw e;
  }
  fs.closeSync(fd);
}

/**
 * Writes `PREFIX.key` (PKCS#8 PEM, mode 0600) and `PREFIX.pub` (SPKI PEM, mode 0644), the
 * formats `openssl genpkey -algorithm ed25519` uses. Refuses to overwrite either file unless
 * `force`; writes both or neither.
 */
export function writeKeyPair(prefix: string, options: WriteKeyPairOptions = {}): WrittenKeyPair {
  if (typeof prefix !== "string" || prefix === "") throw new TypeError("writeKeyPair: prefix must be a non-empty path");
  const privateKeyPath = `${prefix}.key`;
  const publicKeyPath = `${prefix}.pub`;
  if (!options.force) {
    for (const p of [privateKeyPath, publicKeyPath]) {
      if (fs.existsSync(p)) throw new BundleKeyError(`${p}: already exists; refusing to overwrite it (use --force to replace the key pair)`);
    }
  }
  const { privateKey, publicKey } = options.keyPair ?? generateKeyPair();
  const files = [
    { target: privateKeyPath, contents: toPrivateKeyPem(privateKey), mode: 0o600, what: "private key" },
    { target: publicKeyPath, contents: toPublicKeyPem(publicKey), mode: 0o644, what: "public key" },
  ];
  if (options.force) {
    // both complete files exist before either target is replaced
    const temps: string[] = [];
    try {
      for (const f of files) temps.push(writeTemp(f.target, f.contents, f.mode));
      files.forEach((f, i) => fs.renameSync(temps[i]!, f.target));
    } catch (e) {
      for (const t of temps) fs.rmSync(t, { force: true });
      throw new BundleKeyError(`${prefix}: cannot write the key pair (${describeIoError(e)})`, { cause: e });
    }
  } else {
    const written: string[] = [];
    for (const f of files) {
      try {
        writeExclusive(f.target, f.contents, f.mode);
        written.push(f.target);
      } catch (e) {
        for (const w of written) fs.rmSync(w, { force: true });
        const reason = (e as NodeJS.ErrnoException).code === "EEXIST" ? "already exists; refusing to overwrite it" : `cannot write ${f.what}`;
        throw new BundleKeyError(`${f.target}: ${reason} (${describeIoError(e)})`, { cause: e });
      }
    }
  }
  return { privateKeyPath, publicKeyPath, keyid: publicKey.keyid, publicKey };
}
