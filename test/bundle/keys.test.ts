import fc from "fast-check";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../src/bundle/base64.js";
import { fromHex, toHex } from "../../src/bundle/bytes.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { BundleKeyError } from "../../src/bundle/errors.js";
import {
  PrivateKey,
  PublicKey,
  generateKeyPair,
  keyId,
  parsePrivateKey,
  parsePublicKey,
  publicKeyFromPrivate,
  signMessage,
  toPrivateKeyPem,
  toPublicKey,
  toPublicKeyPem,
  verifySignature,
} from "../../src/bundle/keys.js";

// RFC 8032 §7.1, TEST 1-3.
const RFC8032 = [
  {
    name: "TEST 1",
    secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "TEST 2",
    secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    public: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "TEST 3",
    secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    public: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature:
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

// RFC 8410 §10.1 and §10.3: the same key pair as SPKI, PKCS#8 v1 and PKCS#8 v2 with attributes.
const RFC8410_PUBLIC = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
const RFC8410_PRIVATE = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
const RFC8410_PRIVATE_V2 =
  "-----BEGIN PRIVATE KEY-----\n" +
  "MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n" +
  "oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB\n" +
  "Z9w7lshQhqowtrbLDFw4rXAxZuE=\n" +
  "-----END PRIVATE KEY-----\n";
const RFC8410_SEED_HEX = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";

function expectKeyError(fn: () => unknown, pattern: RegExp, secret?: string): void {
  try {
    fn();
    expect.unreachable("expected a KEY_ERROR");
  } catch (e) {
    expect(e).toBeInstanceOf(BundleKeyError);
    expect((e as BundleKeyError).code).toBe("KEY_ERROR");
    expect((e as Error).message).toMatch(pattern);
    if (secret) expect((e as Error).message).not.toContain(secret);
  }
}

describe("Ed25519 (RFC 8032 §7.1 vectors)", () => {
  for (const v of RFC8032) {
    it(`${v.name}: derives the public key, signs and verifies`, () => {
      const key = PrivateKey.fromSeed(fromHex(v.secret));
      expect(toHex(key.publicKey.bytes)).toBe(v.public);
      const message = fromHex(v.message);
      const signature = signMessage(key, message);
      expect(toHex(signature)).toBe(v.signature);
      const pub = PublicKey.fromRaw(fromHex(v.public));
      expect(verifySignature(pub, message, fromHex(v.signature))).toBe(true);
      expect(verifySignature(pub, Uint8Array.of(...message, 0), signature)).toBe(false);
    });
  }

  it("returns false (not throwing) for wrong or malformed signatures, TypeError for non-bytes", () => {
    const v = RFC8032[1]!;
    const pub = PublicKey.fromRaw(fromHex(v.public));
    const sig = fromHex(v.signature);
    expect(pub.verify(fromHex(v.message), sig.subarray(0, 63))).toBe(false);
    expect(pub.verify(fromHex(v.message), new Uint8Array(64))).toBe(false);
    expect(pub.verify(fromHex(v.message), new Uint8Array(64).fill(0xff))).toBe(false);
    // S + L (non-canonical S) must not verify: signature malleability
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    s += L;
    const malleated = Uint8Array.from(sig);
    for (let i = 32; i < 64; i++, s >>= 8n) malleated[i] = Number(s & 0xffn);
    expect(pub.verify(fromHex(v.message), malleated)).toBe(false);
    expect(() => pub.verify("x" as unknown as Uint8Array, sig)).toThrow(TypeError);
    expect(() => verifySignature({} as PublicKey, new Uint8Array(), sig)).toThrow(TypeError);
  });
});

describe("keyId", () => {
  it('is "ed25519:" + the first 16 hex characters of SHA-256 of the raw key', () => {
    const raw = fromHex(RFC8032[0]!.public);
    const id = keyId(raw);
    expect(id).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(id).toBe(`ed25519:${sha256Hex(raw).slice(0, 16)}`);
    expect(PublicKey.fromRaw(raw).keyid).toBe(id);
    expect(keyId(PublicKey.fromRaw(raw))).toBe(id);
    expect(() => keyId(new Uint8Array(31))).toThrow(TypeError);
  });
});

describe("PEM and raw key parsing", () => {
  it("reads the RFC 8410 keys: SPKI, PKCS#8 v1, and PKCS#8 v2 with attributes and public key", () => {
    const pub = parsePublicKey(RFC8410_PUBLIC);
    const v1 = parsePrivateKey(RFC8410_PRIVATE);
    const v2 = parsePrivateKey(RFC8410_PRIVATE_V2);
    expect(toHex(v1.exportSeed())).toBe(RFC8410_SEED_HEX);
    expect(toHex(v2.exportSeed())).toBe(RFC8410_SEED_HEX);
    expect(v1.publicKey.equals(pub)).toBe(true);
    expect(publicKeyFromPrivate(RFC8410_PRIVATE).equals(pub)).toBe(true);
    expect(toHex(pub.bytes)).toBe("19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
  });

  it("writes PEM byte-identical to the RFC (and openssl): 64-char lines, final newline", () => {
    const key = parsePrivateKey(RFC8410_PRIVATE);
    expect(toPrivateKeyPem(key)).toBe(RFC8410_PRIVATE);
    expect(toPublicKeyPem(key.publicKey)).toBe(RFC8410_PUBLIC);
  });

  it("round-trips any key through PEM, raw base64 and bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const key = PrivateKey.fromSeed(seed);
        const pem = toPrivateKeyPem(key);
        expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]{64}\n-----END PRIVATE KEY-----\n$/);
        expect(parsePrivateKey(pem).exportSeed()).toEqual(seed);
        expect(parsePrivateKey(toBase64(seed)).exportSeed()).toEqual(seed);
        expect(parsePrivateKey(seed).exportSeed()).toEqual(seed);
        expect(parsePrivateKey(toBase64(Uint8Array.of(...seed, ...key.publicKey.bytes))).exportSeed()).toEqual(seed);
        const pubPem = toPublicKeyPem(key.publicKey);
        expect(parsePublicKey(pubPem).equals(key.publicKey)).toBe(true);
        expect(parsePublicKey(toBase64(key.publicKey.bytes)).equals(key.publicKey)).toBe(true);
        expect(parsePublicKey(`\r\n  ${pubPem.replace(/\n/g, "\r\n")}  `).keyid).toBe(key.keyid);
      }),
      { numRuns: 50 },
    );
  });

  it("ignores explanatory text around a PEM block (RFC 7468)", () => {
    expect(parsePublicKey(`Ed25519 release key\n${RFC8410_PUBLIC}trailing note\n`).keyid).toBe(parsePublicKey(RFC8410_PUBLIC).keyid);
  });

  it("generates distinct, working key pairs", () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
    const msg = new TextEncoder().encode("hello");
    expect(a.publicKey.verify(msg, a.privateKey.sign(msg))).toBe(true);
    expect(b.publicKey.verify(msg, a.privateKey.sign(msg))).toBe(false);
    expect(a.privateKey.publicKey).toBe(a.publicKey);
  });

  it("accepts a PublicKey object, text or bytes in toPublicKey", () => {
    const pub = parsePublicKey(RFC8410_PUBLIC);
    expect(toPublicKey(pub)).toBe(pub);
    expect(toPublicKey(pub.bytes).equals(pub)).toBe(true);
    expect(toPublicKey(RFC8410_PUBLIC).equals(pub)).toBe(true);
  });
});

describe("malformed keys throw KEY_ERROR saying what was expected, never the key", () => {
  const seedB64 = toBase64(fromHex(RFC8410_SEED_HEX));
  const privBody = RFC8410_PRIVATE.split("\n")[1]!;

  it("private keys", () => {
    expectKeyError(() => parsePrivateKey(""), /expected an Ed25519 PKCS#8 PEM key .*got empty text/);
    expectKeyError(() => parsePrivateKey(RFC8410_PUBLIC), /got PEM block\(s\) "PUBLIC KEY" \(this is a public key\)/);
    expectKeyError(
      () => parsePrivateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"),
      /encrypted keys are not supported/,
    );
    expectKeyError(() => parsePrivateKey(toBase64(new Uint8Array(31))), /got 31 bytes/);
    expectKeyError(() => parsePrivateKey(`${seedB64.slice(0, -2)}!!`), /neither PEM nor base64/, seedB64.slice(0, 20));
    expectKeyError(() => parsePrivateKey(`ssh-ed25519 ${seedB64}`), /OpenSSH/, seedB64.slice(0, 20));
    const wrongPair = Uint8Array.of(...fromHex(RFC8410_SEED_HEX), ...new Uint8Array(32));
    expectKeyError(() => parsePrivateKey(toBase64(wrongPair)), /second half is not the public key/, seedB64.slice(0, 20));
    // an EC P-256 PKCS#8 key (id-ecPublicKey OID) is refused by algorithm
    const ecKey = fromHex("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420" + "11".repeat(32));
    expectKeyError(() => parsePrivateKey(ecKey), /got not an Ed25519 key/);
    const ed448 = fromHex("3047020100300506032b6571043b0439" + "22".repeat(57));
    expectKeyError(() => parsePrivateKey(ed448), /Ed448/);
    const truncated = RFC8410_PRIVATE.replace(privBody, privBody.slice(0, 40));
    expectKeyError(() => parsePrivateKey(truncated), /private key/, privBody.slice(20, 40));
    expectKeyError(() => parsePrivateKey("x", { source: "keys/release.key" }), /^keys\/release\.key: private key: /);
  });

  it("a v2 key whose embedded public key does not match is refused", () => {
    const der = Uint8Array.from(Buffer.from(RFC8410_PRIVATE_V2.split("\n").slice(1, 4).join(""), "base64"));
    der[der.length - 1]! ^= 1;
    expectKeyError(() => parsePrivateKey(der), /embedded public key does not match/);
  });

  it("public keys", () => {
    expectKeyError(() => parsePublicKey(RFC8410_PRIVATE), /this is a private key/, privBody.slice(0, 20));
    expectKeyError(() => parsePublicKey(toBase64(new Uint8Array(33))), /got 33 bytes/);
    expectKeyError(() => parsePublicKey("not a key"), /neither PEM nor base64/);
    // the identity point has small order: it would verify forged signatures
    const identity = Uint8Array.of(1, ...new Uint8Array(31));
    expectKeyError(() => parsePublicKey(identity), /small-order/);
    // y = 2^255 - 1 is not a canonical field element
    expectKeyError(() => parsePublicKey(Uint8Array.of(...new Uint8Array(31).fill(0xff), 0x7f)), /not a valid Ed25519 point/);
    expectKeyError(() => parsePublicKey(fromHex("302a300506032b6571032100" + "00".repeat(32))), /Ed448|another key type/);
  });

  it("key objects never print their seed", () => {
    const key = parsePrivateKey(RFC8410_PRIVATE);
    const seedHex = RFC8410_SEED_HEX;
    for (const shown of [String(key), JSON.stringify(key), inspect(key, { showHidden: true, depth: 5 }), `${key}`]) {
      expect(shown).not.toContain(seedHex);
      expect(shown).not.toContain(seedB64);
      expect(shown).toContain(key.keyid);
    }
    expect(JSON.parse(JSON.stringify(key))).toEqual({ algorithm: "ed25519", keyid: key.keyid });
  });
});
