import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toBase64 } from "../../src/bundle/base64.js";
import { BundleKeyError } from "../../src/bundle/errors.js";
import { readPrivateKey, readPublicKeys, writeKeyPair } from "../../src/bundle/key-files.js";
import { PrivateKey, generateKeyPair, parsePrivateKey, parsePublicKey, toPrivateKeyPem, toPublicKeyPem } from "../../src/bundle/keys.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edict-keys-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function keyError(fn: () => unknown): BundleKeyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BundleKeyError);
    expect((e as BundleKeyError).code).toBe("KEY_ERROR");
    return e as BundleKeyError;
  }
  throw new Error("expected KEY_ERROR");
}

describe("writeKeyPair", () => {
  it("writes PREFIX.key (0600, PKCS#8 PEM) and PREFIX.pub (SPKI PEM) that read back as one pair", () => {
    const prefix = path.join(dir, "release");
    const written = writeKeyPair(prefix);
    expect(written.privateKeyPath).toBe(`${prefix}.key`);
    expect(written.publicKeyPath).toBe(`${prefix}.pub`);
    expect(fs.statSync(written.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(fs.statSync(written.publicKeyPath).mode & 0o777).toBe(0o644);
    const keyText = fs.readFileSync(written.privateKeyPath, "utf8");
    expect(keyText).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(fs.readFileSync(written.publicKeyPath, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const priv = readPrivateKey({ file: written.privateKeyPath });
    const [pub] = readPublicKeys([written.publicKeyPath]);
    expect(priv.publicKey.equals(pub!)).toBe(true);
    expect(written.keyid).toBe(priv.keyid);
    expect(written.keyid).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(fs.readdirSync(dir).sort()).toEqual(["release.key", "release.pub"]);
  });

  it("refuses to overwrite either file without force, and writes nothing then", () => {
    const prefix = path.join(dir, "k");
    fs.writeFileSync(`${prefix}.pub`, "keep me");
    const e = keyError(() => writeKeyPair(prefix));
    expect(e.message).toMatch(/k\.pub: already exists; refusing to overwrite/);
    expect(fs.existsSync(`${prefix}.key`)).toBe(false);
    expect(fs.readFileSync(`${prefix}.pub`, "utf8")).toBe("keep me");
  });

  it("replaces both files with force, keeping the private key at 0600", () => {
    const prefix = path.join(dir, "k");
    const first = writeKeyPair(prefix);
    fs.chmodSync(first.privateKeyPath, 0o644);
    const given = generateKeyPair();
    const second = writeKeyPair(prefix, { force: true, keyPair: given });
    expect(second.keyid).toBe(given.publicKey.keyid);
    expect(second.keyid).not.toBe(first.keyid);
    expect(fs.statSync(second.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(readPrivateKey({ file: second.privateKeyPath }).keyid).toBe(given.privateKey.keyid);
    expect(fs.readdirSync(dir).sort()).toEqual(["k.key", "k.pub"]);
  });

  it("reports a missing directory as KEY_ERROR", () => {
    const e = keyError(() => writeKeyPair(path.join(dir, "missing", "k")));
    expect(e.message).toMatch(/ENOENT/);
  });
});

describe("readPrivateKey", () => {
  const key = PrivateKey.fromSeed(new Uint8Array(32).fill(7));
  const seedB64 = toBase64(key.exportSeed());

  it("reads PEM or raw base64 from a file, trimming whitespace", () => {
    const pemFile = path.join(dir, "a.key");
    fs.writeFileSync(pemFile, `\n\n${toPrivateKeyPem(key)}\n\n`);
    expect(readPrivateKey({ file: pemFile }).keyid).toBe(key.keyid);
    const rawFile = path.join(dir, "b.key");
    fs.writeFileSync(rawFile, `  ${seedB64}\r\n`);
    expect(readPrivateKey({ file: rawFile }).keyid).toBe(key.keyid);
  });

  it("reads from an environment variable", () => {
    expect(readPrivateKey({ env: "SIGNING_KEY", environment: { SIGNING_KEY: `${toPrivateKeyPem(key)}\n` } }).keyid).toBe(key.keyid);
    expect(readPrivateKey({ env: "SIGNING_KEY", environment: { SIGNING_KEY: seedB64 } }).keyid).toBe(key.keyid);
  });

  it("names the source and never the contents when the key is bad", () => {
    const file = path.join(dir, "bad.key");
    const almost = seedB64.slice(0, 40);
    fs.writeFileSync(file, almost);
    const e = keyError(() => readPrivateKey({ file }));
    expect(e.message.startsWith(`${file}: private key: `)).toBe(true);
    expect(e.message).not.toContain(almost.slice(0, 12));
    const fromEnv = keyError(() => readPrivateKey({ env: "K", environment: { K: almost } }));
    expect(fromEnv.message.startsWith("$K: private key: ")).toBe(true);
    expect(fromEnv.message).not.toContain(almost.slice(0, 12));
    expect(keyError(() => readPrivateKey({ env: "K", environment: {} })).message).toMatch(/\$K: environment variable is not set/);
    expect(keyError(() => readPrivateKey({ env: "K", environment: { K: "  " } })).message).toMatch(/not set or empty/);
    expect(keyError(() => readPrivateKey({ file: path.join(dir, "none.key") })).message).toMatch(/ENOENT/);
    expect(keyError(() => readPrivateKey({ file: dir })).message).toMatch(/not a regular file/);
    expect(keyError(() => readPrivateKey({ file, env: "K" })).message).toMatch(/not both/);
    expect(keyError(() => readPrivateKey({})).message).toMatch(/no key file/);
  });

  it("refuses files too large to be a key", () => {
    const big = path.join(dir, "big.key");
    fs.writeFileSync(big, "A".repeat(100_000));
    expect(keyError(() => readPrivateKey({ file: big })).message).toMatch(/too large/);
  });
});

describe("readPublicKeys", () => {
  it("reads each file in order, PEM or base64", () => {
    const a = generateKeyPair().publicKey;
    const b = generateKeyPair().publicKey;
    fs.writeFileSync(path.join(dir, "a.pub"), toPublicKeyPem(a));
    fs.writeFileSync(path.join(dir, "b.pub"), `${toBase64(b.bytes)}\n`);
    const keys = readPublicKeys([path.join(dir, "a.pub"), path.join(dir, "b.pub")]);
    expect(keys.map((k) => k.keyid)).toEqual([a.keyid, b.keyid]);
    expect(readPublicKeys([])).toEqual([]);
  });

  it("names the file that is not a public key", () => {
    const priv = generateKeyPair().privateKey;
    const file = path.join(dir, "oops.pub");
    fs.writeFileSync(file, toPrivateKeyPem(priv));
    const e = keyError(() => readPublicKeys([file]));
    expect(e.message).toMatch(/oops\.pub: public key: .*this is a private key/);
    expect(parsePublicKey(toPublicKeyPem(priv.publicKey)).keyid).toBe(parsePrivateKey(toPrivateKeyPem(priv)).keyid);
  });
});
