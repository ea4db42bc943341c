/**
 * The bundle/loader attack suite (issue 10; bundle format, loader and error codes). One named test
 * per attack: a loader on a real 127.0.0.1 server first activates a good bundle (serial 5), then
 * the server turns hostile; each test asserts the refusal code AND that the last good bundle is
 * still the one answering decisions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/bundle/base64.js";
import { utf8Decode, utf8Encode } from "../../src/bundle/bytes.js";
import { signEnvelope, toEnvelopeBytes } from "../../src/bundle/dsse.js";
import { BUNDLE_PAYLOAD_TYPE } from "../../src/bundle/payload.js";
import { digestTargets } from "../../src/bundle/payload-build.js";
import type { BundlePayload } from "../../src/bundle/payload.js";
import type { BundleError, Loader, LoaderOptions } from "../../src/loader/index.js";
import {
  BUNDLE_4,
  BUNDLE_5,
  bundleEdited,
  bundleWith,
  craft,
  KEY,
  loaderTracker,
  optionsFor,
  OUTSIDER,
  rejectionOf,
  samplePayload,
  serveBytes,
  startServer,
} from "../loader/helpers.js";
import type { Handler, TestServer } from "../loader/helpers.js";

let server: TestServer;
const { track, closeAll } = loaderTracker();
const dirs: string[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  closeAll();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await server.close();
});

const SELECT = { action: "db:Select", resource: "db://production/users" };
const DELETE = { action: "db:Delete", resource: "db://production/users" };

/** A loader that has activated BUNDLE_5 (the last good bundle) from the server. */
async function loaded(extra: Partial<LoaderOptions> = {}): Promise<{ loader: Loader; errors: BundleError[] }> {
  server.handle = serveBytes(BUNDLE_5);
  const loader = track(optionsFor(server.url, extra));
  const errors: BundleError[] = [];
  loader.on("error", (e) => errors.push(e));
  await loader.load();
  expect(loader.engine!.meta.serial).toBe(5);
  return { loader, errors };
}

/** The attack is served, refresh fails with `code`, and serial 5 still answers exactly as before. */
async function expectRefusedAndStillServing(loader: Loader, attack: Handler, code: string, message?: RegExp): Promise<void> {
  server.handle = attack;
  const e = await rejectionOf(loader.refresh());
  expect(e.code, e.message).toBe(code);
  if (message) expect(e.message).toMatch(message);
  const engine = loader.engine!;
  expect(engine.meta.serial).toBe(5);
  expect(engine.meta.version).toBe("1.3.0");
  expect(engine.authorize(SELECT).decision).toBe("allow");
  expect(engine.authorize(DELETE).decision).toBe("deny");
  expect(loader.status()).toMatchObject({ serial: 5, lastError: { code } });
}

/** The canonical payload text of a bundle like BUNDLE_5 but with `serial`, for string-level edits. */
function payloadText(serial = 6): string {
  return utf8Decode(samplePayload({ serial, version: "1.4.0" }).bytes);
}

function envelopeOf(bytes: Uint8Array): { payload: string; payloadType: string; signatures: Array<{ keyid: string; sig: string }> } {
  return JSON.parse(utf8Decode(bytes)) as never;
}

const BUNDLE_6 = bundleWith({ serial: 6, version: "1.4.0" });

describe("integrity", () => {
  it("tampered payload: one byte of the signed payload changed → SIGNATURE_ERROR", async () => {
    const { loader } = await loaded();
    const env = envelopeOf(BUNDLE_6);
    const payload = fromBase64(env.payload);
    const at = utf8Decode(payload).indexOf('"Effect":"Deny"') + 10; // Deny → Ceny: the signature must catch it
    payload[at] = "C".charCodeAt(0);
    env.payload = toBase64(payload);
    await expectRefusedAndStillServing(loader, serveBytes(utf8Encode(JSON.stringify(env))), "SIGNATURE_ERROR");
  });

  it("tampered signature: one bit of the signature flipped → SIGNATURE_ERROR", async () => {
    const { loader } = await loaded();
    const env = envelopeOf(BUNDLE_6);
    const sig = fromBase64(env.signatures[0]!.sig);
    sig[10]! ^= 0x01;
    env.signatures[0]!.sig = toBase64(sig);
    await expectRefusedAndStillServing(loader, serveBytes(utf8Encode(JSON.stringify(env))), "SIGNATURE_ERROR");
  });

  it("re-signed by an untrusted key → UNTRUSTED_KEY", async () => {
    const { loader } = await loaded();
    await expectRefusedAndStillServing(loader, serveBytes(bundleWith({ serial: 6, version: "1.4.0" }, [OUTSIDER])), "UNTRUSTED_KEY");
  });

  it("keyid spoofing: the signature names the trusted keyid but was made by another key → SIGNATURE_ERROR", async () => {
    const { loader } = await loaded();
    const env = signEnvelope(samplePayload({ serial: 6, version: "1.4.0" }).bytes, BUNDLE_PAYLOAD_TYPE, [OUTSIDER]);
    env.signatures[0]!.keyid = KEY.keyid;
    await expectRefusedAndStillServing(loader, serveBytes(toEnvelopeBytes(env)), "SIGNATURE_ERROR", /names trusted key/);
  });

  it("signature for a different payload type, relabelled as a bundle → SIGNATURE_ERROR", async () => {
    const { loader } = await loaded();
    // PAE binds the type: a signature over ("application/vnd.in-toto+json", payload) is not one over the bundle type
    const env = signEnvelope(samplePayload({ serial: 6, version: "1.4.0" }).bytes, "application/vnd.in-toto+json", [KEY]);
    env.payloadType = BUNDLE_PAYLOAD_TYPE;
    await expectRefusedAndStillServing(loader, serveBytes(toEnvelopeBytes(env)), "SIGNATURE_ERROR");
  });

  it("a validly signed document of another payload type → PAYLOAD_TYPE_ERROR", async () => {
    const { loader } = await loaded();
    await expectRefusedAndStillServing(loader, serveBytes(craft(samplePayload({ serial: 6 }).bytes, [KEY], "application/vnd.in-toto+json")), "PAYLOAD_TYPE_ERROR");
  });
});

describe("freshness", () => {
  it("rollback to a lower serial (an older, validly signed bundle) → ROLLBACK", async () => {
    const { loader } = await loaded();
    await expectRefusedAndStillServing(loader, serveBytes(BUNDLE_4), "ROLLBACK");
  });

  it("replay: a different bundle under the serial already accepted → ROLLBACK", async () => {
    const { loader } = await loaded();
    await expectRefusedAndStillServing(loader, serveBytes(bundleWith({ serial: 5, version: "1.3.1" })), "ROLLBACK", /already accepted with different bytes/);
  });

  it("replay of an expired bundle (even with a higher serial) → EXPIRED", async () => {
    const { loader } = await loaded();
    const expired = bundleWith({ serial: 9, version: "2.0.0", createdAt: new Date("2025-11-01T00:00:00Z"), expiresAt: new Date("2025-12-01T00:00:00Z") });
    await expectRefusedAndStillServing(loader, serveBytes(expired), "EXPIRED");
    // …and the refused bundle raised no floor: serial 6 is still acceptable
    server.handle = serveBytes(BUNDLE_6);
    expect(await loader.refresh()).toBe(true);
  });
});

describe("transport", () => {
  it("endless body: bytes without end → TOO_LARGE while streaming", async () => {
    const { loader } = await loaded({ maxBytes: 100_000 });
    const endless: Handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = new Uint8Array(16 * 1024).fill(0x20);
      const pump = (): void => {
        while (!res.destroyed) if (!res.write(chunk)) return void res.once("drain", pump);
      };
      pump();
    };
    await expectRefusedAndStillServing(loader, endless, "TOO_LARGE");
  });

  it("slow body: one byte every 50 ms → TIMEOUT within timeoutMs", async () => {
    const { loader } = await loaded({ timeoutMs: 400 });
    const slow: Handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      let i = 0;
      const tick = setInterval(() => {
        if (res.destroyed || i >= BUNDLE_6.length) return void clearInterval(tick);
        res.write(BUNDLE_6.subarray(i, ++i));
      }, 50);
      res.on("close", () => clearInterval(tick));
    };
    const started = Date.now();
    await expectRefusedAndStillServing(loader, slow, "TIMEOUT");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("truncated body: a complete response holding half a bundle → FORMAT_ERROR", async () => {
    const { loader } = await loaded();
    await expectRefusedAndStillServing(loader, serveBytes(BUNDLE_6.subarray(0, Math.floor(BUNDLE_6.length / 2))), "FORMAT_ERROR");
  });

  it("truncated body: the connection cut before Content-Length bytes → FETCH_FAILED", async () => {
    const { loader } = await loaded();
    const cut: Handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(BUNDLE_6.length) });
      res.write(BUNDLE_6.subarray(0, 100), () => res.destroy());
    };
    await expectRefusedAndStillServing(loader, cut, "FETCH_FAILED");
  });
});

describe("mix-and-match", () => {
  it("a valid bundle of the same repository for another target only → TARGET_MISSING", async () => {
    const { loader } = await loaded();
    const stagingOnly = bundleEdited((p) => {
      p.serial = 6;
      p.targets = { staging: p.targets.production! };
    });
    await expectRefusedAndStillServing(loader, serveBytes(stagingOnly), "TARGET_MISSING");
  });

  it("a valid bundle of another repository (other name), signed by the same key → NAME_MISMATCH", async () => {
    const { loader } = await loaded();
    await expectRefusedAndStillServing(loader, serveBytes(bundleWith({ name: "payroll", serial: 6 })), "NAME_MISMATCH", /"payroll", expected "acme"/);
  });
});

describe("at rest", () => {
  it("cache file tampered on disk: reported, never served, replaced by the good bundle", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-attack-cache-"));
    dirs.push(dir);
    const { loader: first } = await loaded({ cacheDir: dir });
    const file = join(dir, "acme.bundle.json");
    const bytes = readFileSync(file);
    const text = bytes.toString("utf8");
    // flip a bit in the signed payload while keeping the envelope canonical
    const env = envelopeOf(bytes);
    const payload = fromBase64(env.payload);
    payload[payload.length - 5]! ^= 0x01;
    writeFileSync(file, text.replace(env.payload, toBase64(payload)));

    // a restart with the origin serving garbage: the tampered cache must not be the fallback
    server.handle = serveBytes(utf8Encode("not a bundle"));
    const restarted = track(optionsFor(server.url, { cacheDir: dir }));
    const errors: BundleError[] = [];
    restarted.on("error", (e) => errors.push(e));
    const e = await rejectionOf(restarted.load());
    expect(e.code).toBe("FORMAT_ERROR");
    expect(restarted.engine).toBeUndefined();
    expect(errors.some((x) => ["SIGNATURE_ERROR", "FORMAT_ERROR"].includes(x.code) && /cache .*ignoring it/.test(x.message))).toBe(true);

    // the loader that verified serial 5 keeps serving it, whatever happened on disk
    expect(first.engine!.meta.serial).toBe(5);
    expect(first.engine!.authorize(SELECT).decision).toBe("allow");
  });
});

describe("parser differentials and hostile JSON", () => {
  it("envelope JSON with duplicate keys (two payloads) → FORMAT_ERROR", async () => {
    const { loader } = await loaded();
    const good = envelopeOf(BUNDLE_6);
    const evil = toBase64(utf8Encode(payloadText(7).replace('"Effect":"Deny"', '"Effect":"Allow"')));
    // JSON.parse keeps the last "payload", other parsers the first: both readings must be refused
    const text = `{"payload":"${evil}","payload":"${good.payload}","payloadType":"${good.payloadType}","signatures":${JSON.stringify(good.signatures)}}`;
    await expectRefusedAndStillServing(loader, serveBytes(utf8Encode(text)), "FORMAT_ERROR", /duplicate/i);
  });

  it("signed payload JSON with duplicate keys (two serials) → FORMAT_ERROR", async () => {
    const { loader } = await loaded();
    const text = payloadText(6).replace('"serial":6', '"serial":6,"serial":99');
    await expectRefusedAndStillServing(loader, serveBytes(craft(utf8Encode(text), [KEY])), "FORMAT_ERROR", /duplicate/i);
  });

  it.each([
    ["1e400", /number|serial/i],
    ["18446744073709551616", /serial/],
    ["9007199254740993", /serial/],
    ["6.0", /canonical|serial/],
    ["-6", /serial/],
  ])("oversized or odd number: serial %s in a signed payload → FORMAT_ERROR", async (serial, message) => {
    const { loader } = await loaded();
    const text = payloadText(6).replace('"serial":6', `"serial":${serial}`);
    await expectRefusedAndStillServing(loader, serveBytes(craft(utf8Encode(text), [KEY])), "FORMAT_ERROR", message);
  });

  it("deeply nested JSON (10,000 levels) in a signed payload → FORMAT_ERROR, no stack overflow", async () => {
    const { loader } = await loaded();
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const text = payloadText(6).replace(/"revision":"[0-9a-f]+"/, `"revision":${deep}`);
    await expectRefusedAndStillServing(loader, serveBytes(craft(utf8Encode(text), [KEY])), "FORMAT_ERROR");
  });

  // The single-pass verify parses with JSON.parse; the 64-level cap is checked right after, before
  // anything recurses over the payload.
  it("deeply nested JSON in a signed target (80 levels, digests recomputed) → FORMAT_ERROR (the 64-level cap)", async () => {
    const { loader } = await loaded();
    let nested: unknown = "x";
    for (let i = 0; i < 80; i++) nested = [nested];
    const bundle = bundleEdited((p: BundlePayload) => {
      p.serial = 6;
      (p.targets.production as unknown as Record<string, unknown>).extra = nested;
      p.digests = digestTargets(p.targets);
    });
    await expectRefusedAndStillServing(loader, serveBytes(bundle), "FORMAT_ERROR");
  });

  it("a payload that is canonical JSON but not RFC 8785 bytes (spaces) → FORMAT_ERROR", async () => {
    const { loader } = await loaded();
    const spaced = utf8Encode(JSON.stringify(JSON.parse(payloadText(6)), null, 1));
    await expectRefusedAndStillServing(loader, serveBytes(craft(spaced, [KEY])), "FORMAT_ERROR", /canonical/);
  });

  it("a refused bundle raises no serial floor: the next good bundle is accepted", async () => {
    const { loader } = await loaded();
    server.handle = serveBytes(utf8Encode(JSON.stringify({ payload: "", payloadType: BUNDLE_PAYLOAD_TYPE, signatures: [] })));
    await rejectionOf(loader.refresh());
    server.handle = serveBytes(BUNDLE_6);
    expect(await loader.refresh()).toBe(true);
    expect(loader.engine!.meta.serial).toBe(6);
  });
});
