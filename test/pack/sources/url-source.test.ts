import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { toBase64 } from "../../../src/bundle/base64.js";
import { canonicalBytes } from "../../../src/bundle/canonical-json.js";
import { sha256Hex } from "../../../src/bundle/digest.js";
import { signEnvelope, toEnvelopeBytes } from "../../../src/bundle/dsse.js";
import { isEdictError } from "../../../src/errors.js";
import type { PackSourceConfig } from "../../../src/model/types.js";
import { publishPacks } from "../../../src/pack/publish.js";
import { PACK_PAYLOAD_TYPE, toPackPayload } from "../../../src/pack/remote/index.js";
import { urlSource } from "../../../src/pack/sources/url-source.js";
import type { PackSource } from "../../../src/pack/sources/types.js";
import { keyPair, publisherRepo, serveFolder, setVersion, tempDir, writePublicKey } from "../remote/helpers.js";
import type { Served } from "../remote/helpers.js";
import { readShippedPacks } from "../../../src/pack/read-packs.js";

const publisher = keyPair("publisher");
const stranger = keyPair("stranger");

const servers: Served[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof serveFolder>): Promise<Served> {
  const s = await serveFolder(...args);
  servers.push(s);
  return s;
}

/** A published folder (starter 1.0.0 and 1.1.0, hipaa) and a consumer repository trusting the publisher's key. */
async function published(signer = publisher): Promise<{ out: string; consumer: string; keys: string[] }> {
  const root = publisherRepo();
  const out = tempDir("site");
  await publishPacks({ root, names: ["starter", "hipaa"], privateKeys: [signer], outDir: out });
  setVersion(root, "starter", "1.1.0");
  await publishPacks({ root, names: ["starter"], privateKeys: [signer], outDir: out });
  const consumer = tempDir("consumer");
  return { out, consumer, keys: [writePublicKey(consumer, publisher, "acme")] };
}

function source(consumer: string, config: Partial<PackSourceConfig>, env: Record<string, string> = {}, timeoutMs?: number): PackSource {
  return urlSource({ name: "acme", ...config }, { root: consumer, env, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

async function refusal(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (e) {
    if (isEdictError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a refusal");
}

function readIndex(out: string): { format: string; packs: Array<Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
}

function writeIndex(out: string, index: unknown): void {
  writeFileSync(join(out, "index.json"), JSON.stringify(index, null, 2));
}

/** Replaces an envelope file and, when told, its index entry's sha256 (so only the signature can catch it). */
function replaceEnvelope(out: string, file: string, bytes: Uint8Array, updateIndex: boolean): void {
  writeFileSync(join(out, file), bytes);
  if (!updateIndex) return;
  const index = readIndex(out);
  for (const p of index.packs) if (p.url === file) p.sha256 = sha256Hex(bytes);
  writeIndex(out, index);
}

describe("url source over HTTP", () => {
  it("offers what the index lists and fetches a verified pack", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out);
    const src = source(consumer, { url: `${host.origin}/index.json`, keys });
    expect(src.kind).toBe("url");
    expect((await src.offers()).map((o) => `${o.name}@${o.version}:${o.source}`)).toEqual(["hipaa@1.0.0:acme", "starter@1.0.0:acme", "starter@1.1.0:acme"]);
    const fetched = await src.fetch("starter", "1.1.0");
    expect(fetched.pack.name).toBe("starter");
    expect(fetched.pack.version).toBe("1.1.0");
    expect(fetched.pack.problems).toEqual([]);
    const hex = sha256Hex(readFileSync(join(out, "starter-1.1.0.pack.json")));
    expect(fetched.origin).toEqual({ source: "acme", resolved: `${host.origin}/starter-1.1.0.pack.json#sha256:${hex}` });
    // the index is read once per source
    expect(host.requests.filter((r) => r.path === "/index.json")).toHaveLength(1);
  });

  it("fetches again with its own pin", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out);
    const src = source(consumer, { url: `${host.origin}/index.json`, keys });
    const first = await src.fetch("hipaa", "1.0.0");
    const again = await src.fetch("hipaa", "1.0.0", first.origin.resolved);
    expect(again.pack.checksum).toBe(first.pack.checksum);
  });

  it("refuses a pin the bytes do not match", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out);
    const src = source(consumer, { url: `${host.origin}/index.json`, keys });
    const r = await refusal(() => src.fetch("starter", "1.0.0", `${host.origin}/starter-1.0.0.pack.json#sha256:${"0".repeat(64)}`));
    expect(r.code).toBe("PACK_PIN_MISMATCH");
  });

  it("follows a pin whose version the index no longer lists", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out);
    const pin = (await source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "1.0.0")).origin.resolved;
    const index = readIndex(out);
    writeIndex(out, { ...index, packs: index.packs.filter((p) => p.version !== "1.0.0") });
    const fetched = await source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "1.0.0", pin);
    expect(fetched.pack.version).toBe("1.0.0");
  });

  it("refuses a tampered envelope (index updated to match, the signature fails)", async () => {
    const { out, consumer, keys } = await published();
    const file = "starter-1.0.0.pack.json";
    const envelope = JSON.parse(readFileSync(join(out, file), "utf8"));
    const payload = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    payload.files["policies/01_mask_pii_by_default.yaml"] = payload.files["policies/01_mask_pii_by_default.yaml"] + "# tampered\n";
    const tampered = toEnvelopeBytes({ ...envelope, payload: toBase64(canonicalBytes(payload)) });
    replaceEnvelope(out, file, tampered, true);
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "1.0.0"));
    expect(r.code).toBe("PACK_SIGNATURE_ERROR");
  });

  it("refuses an unsigned envelope", async () => {
    const { out, consumer, keys } = await published();
    const starter = (await readShippedPacks(publisherRepo(), "packs")).packs.get("starter")!;
    const unsigned = toEnvelopeBytes({ payloadType: PACK_PAYLOAD_TYPE, payload: toBase64(canonicalBytes(toPackPayload(starter))), signatures: [] });
    replaceEnvelope(out, "starter-1.0.0.pack.json", unsigned, true);
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "1.0.0"));
    expect(r.code).toBe("PACK_SIGNATURE_ERROR");
    expect(r.message).toMatch(/no signatures/);
  });

  it("refuses a pack signed by a key the source does not list", async () => {
    const { out, consumer, keys } = await published(stranger);
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "1.0.0"));
    expect(r.code).toBe("PACK_SIGNATURE_ERROR");
    expect(r.message).toContain(stranger.keyid);
  });

  it("refuses an envelope whose sha256 is not the index's", async () => {
    const { out, consumer, keys } = await published();
    const index = readIndex(out);
    index.packs.find((p) => p.name === "hipaa")!.sha256 = "f".repeat(64);
    writeIndex(out, index);
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("hipaa", "1.0.0"));
    expect(r.code).toBe("PACK_DIGEST_MISMATCH");
  });

  it("refuses a signed pack of another name than the index entry says", async () => {
    const { out, consumer, keys } = await published();
    const index = readIndex(out);
    const entry = index.packs.find((p) => p.name === "starter" && p.version === "1.0.0")!;
    index.packs.push({ ...entry, name: "payments" });
    writeIndex(out, index);
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("payments", "1.0.0"));
    expect(r.code).toBe("PACK_NAME_MISMATCH");
    expect(r.message).toMatch(/asked for payments 1\.0\.0 but the signed pack is starter 1\.0\.0/);
  });

  it("refuses a signed pack of another version than the index entry says", async () => {
    const { out, consumer, keys } = await published();
    const index = readIndex(out);
    const old = index.packs.find((p) => p.name === "starter" && p.version === "1.0.0")!;
    const entry = index.packs.find((p) => p.name === "starter" && p.version === "1.1.0")!;
    Object.assign(entry, { url: old.url, sha256: old.sha256 });
    writeIndex(out, index);
    const host = await serve(out);
    expect((await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "1.1.0"))).code).toBe("PACK_NAME_MISMATCH");
  });

  it("says what to do for a version the index does not list", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("starter", "3.0.0"));
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/has no starter 3\.0\.0 \(it offers 1\.0\.0, 1\.1\.0\)/);
  });

  it("turns a 404 into PACK_SOURCE_ERROR saying what to check", async () => {
    const { consumer, keys } = await published();
    const host = await serve(undefined);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/edict/index.json`, keys }).offers());
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/source acme: .*\/edict\/index\.json: HTTP 404 Not Found; check the url of source acme in edict\.yaml/);
  });

  it("turns an unreachable host into PACK_SOURCE_ERROR", async () => {
    const { consumer, keys } = await published();
    const host = await serveFolder(undefined);
    await host.close(); // the port is now closed
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).offers());
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/request failed/);
  });

  it("turns a malformed index into PACK_SOURCE_ERROR", async () => {
    const { out, consumer, keys } = await published();
    writeFileSync(join(out, "index.json"), "<html>not found</html>");
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).offers());
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/is not an edict pack index/);
  });

  it("stops reading an endless index at the cap", async () => {
    const { consumer, keys } = await published();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const host = await serve(undefined, {
      routes: {
        "/index.json": (res) => {
          res.writeHead(200, { "content-type": "application/json" });
          const pump = (): void => {
            while (res.write(chunk)) if (res.destroyed) return;
            res.once("drain", pump);
          };
          res.on("close", () => res.removeAllListeners("drain"));
          pump();
        },
      },
    });
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).offers());
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/more than the limit of 5242880 bytes/);
  });

  it("gives up on a host that never answers", async () => {
    const { consumer, keys } = await published();
    const host = await serve(undefined, { routes: { "/index.json": () => undefined } });
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }, {}, 300).offers());
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/no complete response within 300 ms/);
  });

  it("refuses an index that points an http source at a local file", async () => {
    const { out, consumer, keys } = await published();
    const index = readIndex(out);
    index.packs.find((p) => p.name === "hipaa")!.url = pathToFileURL(join(out, "hipaa-1.0.0.pack.json")).href;
    writeIndex(out, index);
    const host = await serve(out);
    const r = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys }).fetch("hipaa", "1.0.0"));
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/may only point at http: or https: URLs/);
  });
});

describe("url source with a bearer token", () => {
  it("sends the token to the index's origin", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out, { token: "s3cret" });
    const src = source(consumer, { url: `${host.origin}/index.json`, keys, token_env: "ACME_TOKEN" }, { ACME_TOKEN: "s3cret" });
    expect((await src.fetch("starter", "1.0.0")).pack.name).toBe("starter");
    expect(host.requests.map((r) => r.headers.authorization)).toEqual(["Bearer s3cret", "Bearer s3cret"]);
  });

  it("never sends the token across a redirect to another origin", async () => {
    const { out, consumer, keys } = await published();
    const mirror = await serve(out);
    const host = await serve(out, {
      token: "s3cret",
      routes: {
        "/hipaa-1.0.0.pack.json": (res) => void res.writeHead(302, { location: `${mirror.origin}/hipaa-1.0.0.pack.json` }).end(),
      },
    });
    const src = source(consumer, { url: `${host.origin}/index.json`, keys, token_env: "ACME_TOKEN" }, { ACME_TOKEN: "s3cret" });
    expect((await src.fetch("hipaa", "1.0.0")).pack.name).toBe("hipaa");
    expect(mirror.requests.map((r) => r.path)).toEqual(["/hipaa-1.0.0.pack.json"]);
    expect(mirror.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("never sends the token to an envelope the index lists on another origin", async () => {
    const { out, consumer, keys } = await published();
    const mirror = await serve(out);
    const index = readIndex(out);
    index.packs.find((p) => p.name === "hipaa")!.url = `${mirror.origin}/hipaa-1.0.0.pack.json`;
    writeIndex(out, index);
    const host = await serve(out, { token: "s3cret" });
    const src = source(consumer, { url: `${host.origin}/index.json`, keys, token_env: "ACME_TOKEN" }, { ACME_TOKEN: "s3cret" });
    expect((await src.fetch("hipaa", "1.0.0")).pack.name).toBe("hipaa");
    expect(mirror.requests).toHaveLength(1);
    expect(mirror.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("says which variable to set on 401, and never shows the token", async () => {
    const { out, consumer, keys } = await published();
    const host = await serve(out, { token: "right" });
    const missing = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys, token_env: "ACME_TOKEN" }).offers());
    expect(missing.code).toBe("PACK_SOURCE_ERROR");
    expect(missing.message).toMatch(/HTTP 401 Unauthorized; the host wants credentials: set the environment variable ACME_TOKEN/);
    const wrong = await refusal(() => source(consumer, { url: `${host.origin}/index.json`, keys, token_env: "ACME_TOKEN" }, { ACME_TOKEN: "wr0ng-t0ken" }).offers());
    expect(wrong.message).toMatch(/the token in ACME_TOKEN was refused/);
    expect(wrong.message).not.toContain("wr0ng-t0ken");
  });
});

describe("url source over file:// and a local path", () => {
  it("reads a file:// index", async () => {
    const { out, consumer, keys } = await published();
    const src = source(consumer, { url: pathToFileURL(join(out, "index.json")).href, keys });
    expect((await src.offers()).length).toBe(3);
    const fetched = await src.fetch("starter", "1.1.0");
    expect(fetched.origin.resolved).toBe(`${pathToFileURL(join(out, "starter-1.1.0.pack.json")).href}#sha256:${sha256Hex(readFileSync(join(out, "starter-1.1.0.pack.json")))}`);
  });

  it("reads a path relative to the repository root", async () => {
    const { out, consumer, keys } = await published();
    const src = source(consumer, { url: join("..", out.split(/[\\/]/).pop()!, "index.json"), keys });
    expect((await src.fetch("hipaa", "1.0.0")).pack.name).toBe("hipaa");
  });

  it("refuses a tampered envelope read from disk", async () => {
    const { out, consumer, keys } = await published();
    const bytes = readFileSync(join(out, "hipaa-1.0.0.pack.json"));
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 1;
    writeFileSync(join(out, "hipaa-1.0.0.pack.json"), bytes);
    const r = await refusal(() => source(consumer, { url: join(out, "index.json"), keys }).fetch("hipaa", "1.0.0"));
    expect(r.code).toBe("PACK_DIGEST_MISMATCH");
  });

  it("turns a missing index into PACK_SOURCE_ERROR", async () => {
    const { consumer, keys } = await published();
    const r = await refusal(() => source(consumer, { url: "nowhere/index.json", keys }).offers());
    expect(r.code).toBe("PACK_SOURCE_ERROR");
    expect(r.message).toMatch(/ENOENT/);
  });
});

describe("url source configuration", () => {
  it("refuses a url source without keys", async () => {
    const { out, consumer } = await published();
    const src = source(consumer, { url: join(out, "index.json") });
    expect((await refusal(() => src.offers())).code).toBe("CONFIG_ERROR");
    expect((await refusal(() => src.fetch("starter", "1.0.0"))).code).toBe("CONFIG_ERROR");
    expect((await refusal(() => source(consumer, { url: join(out, "index.json"), keys: [] }).offers())).code).toBe("CONFIG_ERROR");
  });

  it("refuses a key file that cannot be read", async () => {
    const { out, consumer } = await published();
    const r = await refusal(() => source(consumer, { url: join(out, "index.json"), keys: ["keys/missing.pub"] }).fetch("starter", "1.0.0"));
    expect(r.code).toBe("CONFIG_ERROR");
  });

  it("refuses a url of another scheme", async () => {
    const { consumer, keys } = await published();
    expect((await refusal(() => source(consumer, { url: "ftp://example.com/index.json", keys }).offers())).code).toBe("CONFIG_ERROR");
  });
});
