import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBase64 } from "../../src/bundle/base64.js";
import { utf8Encode } from "../../src/bundle/bytes.js";
import { pae, verifyEnvelope } from "../../src/bundle/dsse.js";
import { readPrivateKey, readPublicKeys, writeKeyPair } from "../../src/bundle/key-files.js";
import { parsePrivateKey, parsePublicKey, toPrivateKeyPem, toPublicKeyPem } from "../../src/bundle/keys.js";

const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

function openssl(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.runIf(hasOpenssl)("interoperability with openssl", () => {
  let dir: string;
  const message = utf8Encode("edict interop message\n");

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "edict-openssl-"));
    fs.writeFileSync(path.join(dir, "msg"), message);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads `openssl genpkey -algorithm ed25519` keys and writes them back byte-identically", () => {
    execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", "ossl.key"], { cwd: dir });
    execFileSync("openssl", ["pkey", "-in", "ossl.key", "-pubout", "-out", "ossl.pub"], { cwd: dir });
    const keyPem = fs.readFileSync(path.join(dir, "ossl.key"), "utf8");
    const pubPem = fs.readFileSync(path.join(dir, "ossl.pub"), "utf8");
    const key = readPrivateKey({ file: path.join(dir, "ossl.key") });
    const [pub] = readPublicKeys([path.join(dir, "ossl.pub")]);
    expect(key.publicKey.equals(pub!)).toBe(true);
    expect(toPrivateKeyPem(key)).toBe(keyPem);
    expect(toPublicKeyPem(pub!)).toBe(pubPem);
  });

  it("openssl verifies our signatures, and rejects a tampered one", () => {
    const key = parsePrivateKey(fs.readFileSync(path.join(dir, "ossl.key"), "utf8"));
    fs.writeFileSync(path.join(dir, "ours.sig"), key.sign(message));
    const ok = openssl(["pkeyutl", "-verify", "-pubin", "-inkey", "ossl.pub", "-rawin", "-in", "msg", "-sigfile", "ours.sig"], dir);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toMatch(/Signature Verified Successfully/);
    const bad = key.sign(message);
    bad[10]! ^= 1;
    fs.writeFileSync(path.join(dir, "bad.sig"), bad);
    expect(openssl(["pkeyutl", "-verify", "-pubin", "-inkey", "ossl.pub", "-rawin", "-in", "msg", "-sigfile", "bad.sig"], dir).status).not.toBe(0);
  });

  it("we verify openssl's signatures, made with a key pair we wrote", () => {
    const written = writeKeyPair(path.join(dir, "edict"));
    const derived = execFileSync("openssl", ["pkey", "-in", "edict.key", "-pubout"], { cwd: dir, encoding: "utf8" });
    expect(derived).toBe(fs.readFileSync(written.publicKeyPath, "utf8"));
    execFileSync("openssl", ["pkeyutl", "-sign", "-inkey", "edict.key", "-rawin", "-in", "msg", "-out", "ossl.sig"], { cwd: dir });
    const sig = new Uint8Array(fs.readFileSync(path.join(dir, "ossl.sig")));
    expect(sig).toHaveLength(64);
    expect(written.publicKey.verify(message, sig)).toBe(true);
    expect(written.publicKey.verify(utf8Encode("other"), sig)).toBe(false);
    // Ed25519 is deterministic: openssl and we produce the same signature
    expect(readPrivateKey({ file: written.privateKeyPath }).sign(message)).toEqual(sig);
  });

  it("a DSSE envelope signed by openssl over PAE verifies", () => {
    const payload = utf8Encode('{"format":"edict.bundle/v1"}');
    const type = "application/vnd.edict.bundle.v1+json";
    fs.writeFileSync(path.join(dir, "pae"), pae(type, payload));
    execFileSync("openssl", ["pkeyutl", "-sign", "-inkey", "ossl.key", "-rawin", "-in", "pae", "-out", "pae.sig"], { cwd: dir });
    const pub = parsePublicKey(fs.readFileSync(path.join(dir, "ossl.pub"), "utf8"));
    const envelope = {
      payloadType: type,
      payload: toBase64(payload),
      signatures: [{ keyid: pub.keyid, sig: toBase64(new Uint8Array(fs.readFileSync(path.join(dir, "pae.sig")))) }],
    };
    const result = verifyEnvelope(JSON.stringify(envelope), { trustedKeys: [fs.readFileSync(path.join(dir, "ossl.pub"), "utf8")], expectedPayloadType: type });
    expect(result.payload).toEqual(payload);
    expect(result.keyids).toEqual([pub.keyid]);
  });
});

describe("openssl's output format (checked even where openssl is absent)", () => {
  it("parses a key pair that `openssl genpkey` and `openssl pkey -pubout` wrote", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIEPG3+Pn/PMlMSIWYY27jVfr2gmQvAJzY8X/F7Y0E0+7\n-----END PRIVATE KEY-----\n";
    const pub = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAS31fjaKIFf8+cPcMMFUOxeiS/ffpfs3OB8SR7eipG6Y=\n-----END PUBLIC KEY-----\n";
    expect(parsePrivateKey(pem).publicKey.equals(parsePublicKey(pub))).toBe(true);
  });
});
