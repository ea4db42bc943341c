import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../../src/bundle/base64.js";
import { canonicalBytes } from "../../../src/bundle/canonical-json.js";
import { signEnvelope, toEnvelopeBytes } from "../../../src/bundle/dsse.js";
import { isEdictError } from "../../../src/errors.js";
import { readShippedPacks } from "../../../src/pack/read-packs.js";
import { toShippedPack } from "../../../src/pack/model.js";
import type { ShippedPack } from "../../../src/pack/model.js";
import { PACK_PAYLOAD_TYPE, signPack, toPackPayload, verifyPackEnvelope } from "../../../src/pack/remote/index.js";
import type { PackPayload } from "../../../src/pack/remote/index.js";
import { meta, policy } from "../fixtures.js";
import { keyPair, repoRoot } from "./helpers.js";

const publisher = keyPair("publisher");
const stranger = keyPair("stranger");
const shipped = await readShippedPacks(repoRoot, "packs");
const starter = shipped.packs.get("starter")!;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    if (isEdictError(e)) return e.code;
    throw e;
  }
  return undefined;
}

/** Signs an arbitrary payload with the publisher's key, as a dishonest or buggy publisher could. */
function signRaw(payload: unknown, type = PACK_PAYLOAD_TYPE): Uint8Array {
  return toEnvelopeBytes(signEnvelope(canonicalBytes(payload), type, [publisher]));
}

const enc = new TextEncoder();

describe("pack envelope", () => {
  it("round-trips every pack edict ships", () => {
    expect(shipped.packs.size).toBeGreaterThanOrEqual(5);
    for (const pack of shipped.packs.values()) {
      const signed = signPack(pack, [publisher]);
      const verified = verifyPackEnvelope(signed.bytes, [publisher.publicKey]);
      expect(verified.pack.name).toBe(pack.name);
      expect(verified.pack.version).toBe(pack.version);
      expect(verified.pack.checksum).toBe(pack.checksum);
      expect(verified.pack.files.map((f) => f.path)).toEqual(pack.files.map((f) => f.path));
      expect(verified.pack.problems).toEqual([]);
      expect(verified.keyids).toEqual([publisher.keyid]);
    }
  });

  it("is deterministic and carries the payload the design names", () => {
    const a = signPack(starter, [publisher]);
    const b = signPack(starter, [publisher]);
    expect(a.bytes).toEqual(b.bytes);
    const envelope = JSON.parse(new TextDecoder().decode(a.bytes));
    expect(envelope.payloadType).toBe("application/vnd.edict.pack.v1+json");
    const payload = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    expect(payload).toMatchObject({ format: "edict.pack/v1", name: "starter", version: "1.0.0", layer: "foundation", dependencies: [], band: { min: 100, max: 199 }, checksum: starter.checksum });
    expect(Object.keys(payload.files)).toEqual(["metadata.yaml", ...starter.policies.map((p) => p.file)]);
  });

  it("verifies under any one of several trusted keys", () => {
    const signed = signPack(starter, [publisher]);
    expect(verifyPackEnvelope(signed.bytes, [stranger.publicKey, publisher.publicKey]).pack.name).toBe("starter");
  });

  it("refuses an envelope signed by a key it does not trust", () => {
    const signed = signPack(starter, [stranger]);
    expect(codeOf(() => verifyPackEnvelope(signed.bytes, [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses an unsigned envelope", () => {
    const envelope = signEnvelope(canonicalBytes(toPackPayload(starter)), PACK_PAYLOAD_TYPE, [publisher]);
    const unsigned = toEnvelopeBytes({ ...envelope, signatures: [] });
    expect(codeOf(() => verifyPackEnvelope(unsigned, [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses a tampered payload", () => {
    const payload = toPackPayload(starter);
    const envelope = signEnvelope(canonicalBytes(payload), PACK_PAYLOAD_TYPE, [publisher]);
    const evil = { ...payload, files: { ...payload.files, "policies/99_backdoor.yaml": policy("backdoor", 150) } };
    const tampered = toEnvelopeBytes({ ...envelope, payload: toBase64(canonicalBytes(evil)) });
    expect(codeOf(() => verifyPackEnvelope(tampered, [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses another payload type signed by a trusted key (a bundle is not a pack)", () => {
    const bytes = signRaw(toPackPayload(starter), "application/vnd.edict.bundle.v1+json");
    expect(codeOf(() => verifyPackEnvelope(bytes, [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses an envelope that is not in canonical form, even when its signature verifies", () => {
    const signed = signPack(starter, [publisher]);
    const pretty = enc.encode(JSON.stringify(JSON.parse(new TextDecoder().decode(signed.bytes)), null, 2));
    expect(codeOf(() => verifyPackEnvelope(pretty, [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses a signature whose keyid field was renamed (an unknown field would otherwise be ignored)", () => {
    const signed = new TextDecoder().decode(signPack(starter, [publisher]).bytes);
    const renamed = enc.encode(signed.replace('"keyid"', '"keyie"'));
    expect(codeOf(() => verifyPackEnvelope(renamed, [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses a signed payload whose checksum does not match its files", () => {
    const payload = { ...toPackPayload(starter), checksum: `sha256:${"0".repeat(64)}` };
    expect(codeOf(() => verifyPackEnvelope(signRaw(payload), [publisher.publicKey]))).toBe("PACK_DIGEST_MISMATCH");
  });

  it("refuses a signed payload whose metadata names another pack", () => {
    const payload = toPackPayload(starter);
    const files = { ...payload.files, "metadata.yaml": meta("other") };
    const read = toShippedPack("other", Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) })));
    const lying = { ...payload, files, checksum: read.pack!.checksum };
    expect(codeOf(() => verifyPackEnvelope(signRaw(lying), [publisher.publicKey]))).toBe("PACK_NAME_MISMATCH");
  });

  it("refuses a signed payload whose metadata has another version than the payload", () => {
    const payload = toPackPayload(starter);
    expect(codeOf(() => verifyPackEnvelope(signRaw({ ...payload, version: "9.0.0" }), [publisher.publicKey]))).toBe("PACK_NAME_MISMATCH");
  });

  it("refuses a signed payload with a file outside the pack", () => {
    const payload = toPackPayload(starter);
    const evil = { ...payload, files: { ...payload.files, "../../.github/workflows/x.yaml": "on: push" } };
    expect(codeOf(() => verifyPackEnvelope(signRaw(evil), [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses a signed payload that is not a valid pack", () => {
    const payload = toPackPayload(starter);
    const files = { ...payload.files, "policies/01_mask_pii_by_default.yaml": "apiVersion: edict/v1\nkind: Nonsense\n" };
    const checksum = toShippedPack("starter", Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) }))).pack!.checksum;
    expect(codeOf(() => verifyPackEnvelope(signRaw({ ...payload, files, checksum }), [publisher.publicKey]))).toBe("PACK_SIGNATURE_ERROR");
  });

  it("will not sign a pack with problems", () => {
    const broken = toShippedPack("broken", [{ path: "metadata.yaml", bytes: enc.encode(meta("broken", { band: [100, 199] })) }, { path: "policies/01_x.yaml", bytes: enc.encode(policy("x", 500)) }]);
    expect(broken.pack!.problems.length).toBeGreaterThan(0);
    expect(codeOf(() => signPack(broken.pack!, [publisher]))).toBe("PACK_ERROR");
  });

  it("will not sign a pack file that is not UTF-8", () => {
    const pack: ShippedPack = { ...starter, files: [...starter.files, { path: "policies/09_bad.yaml", bytes: new Uint8Array([0xff, 0xfe, 0x00]) }] };
    expect(codeOf(() => signPack(pack, [publisher]))).toBe("PACK_ERROR");
  });
});

/** A valid pack of arbitrary name, version, layer, description and policies. */
const arbitraryPack = fc
  .record({
    name: fc.stringMatching(/^[a-z0-9][a-z0-9_]{0,20}$/).filter((n) => !n.includes("__")),
    version: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join(".")),
    layer: fc.constantFrom("foundation", "domain", "custom"),
    description: fc.string({ maxLength: 40 }),
    crlf: fc.boolean(),
    priorities: fc.uniqueArray(fc.integer({ min: 100, max: 199 }), { maxLength: 4 }),
  })
  .map(({ name, version, layer, description, crlf, priorities }) => {
    const metaText = `__pack_meta:\n  name: ${name}\n  version: "${version}"\n  layer: ${layer}\n  description: ${JSON.stringify(description)}\n  dependencies: []\n  priority_band: { min: 100, max: 199 }\n`;
    const files = [{ path: "metadata.yaml", text: metaText }, ...priorities.map((p, i) => ({ path: `policies/${String(i + 1).padStart(2, "0")}_p${i}.yaml`, text: policy(`${name}_p${i}`, p) }))];
    const read = toShippedPack(
      name,
      files.map((f) => ({ path: f.path, bytes: enc.encode(crlf ? f.text.replace(/\n/g, "\r\n") : f.text) })),
    );
    return read.pack!;
  })
  .filter((pack) => pack !== undefined && pack.problems.length === 0);

describe("pack envelope properties", () => {
  it("sign → verify round-trips any valid pack, byte for byte", () => {
    fc.assert(
      fc.property(arbitraryPack, (pack) => {
        const signed = signPack(pack, [publisher]);
        const { pack: back, payload } = verifyPackEnvelope(signed.bytes, [publisher.publicKey]);
        expect(back.checksum).toBe(pack.checksum);
        expect(back.files).toEqual(pack.files);
        expect(payload satisfies PackPayload).toMatchObject({ name: pack.name, version: pack.version, layer: pack.layer });
      }),
      { numRuns: 60 },
    );
  });

  it("refuses any single-byte change of the envelope", () => {
    fc.assert(
      fc.property(arbitraryPack, fc.nat(), fc.integer({ min: 1, max: 255 }), (pack, at, xor) => {
        const bytes = Uint8Array.from(signPack(pack, [publisher]).bytes);
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ xor;
        const code = codeOf(() => verifyPackEnvelope(bytes, [publisher.publicKey]));
        expect(["PACK_SIGNATURE_ERROR", "PACK_DIGEST_MISMATCH", "PACK_NAME_MISMATCH"]).toContain(code);
      }),
      { numRuns: 300 },
    );
  });
});
