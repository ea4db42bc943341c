/**
 * The loader's trust state on its own: bytes in, decisions out, with no network, cache or timers.
 * The same attacks as the loader tests, one step below them.
 */
import { describe, expect, it } from "vitest";
import { readTrustedKey } from "../../src/loader/keys.js";
import { importKinds } from "../../src/loader/kinds.js";
import { createTrustStore } from "../../src/loader/trust-store.js";
import type { TrustStore } from "../../src/loader/trust-store.js";
import { BUNDLE_4, BUNDLE_5, BUNDLE_6, bundleWith, KEY, KEY2, NOW, rejectionOf } from "./helpers.js";

const LATER = new Date("2026-03-01T00:00:00Z");

function store(now: () => Date = () => NOW): TrustStore {
  return createTrustStore(
    { keys: [readTrustedKey(KEY.publicKey, 0)], threshold: 1, target: "production", expectedName: "acme", maxBytes: 1 << 20, now },
    () => importKinds(["runtime", "data", "posture"], "test"),
  );
}

async function activated(trust: TrustStore, bytes: Uint8Array): Promise<void> {
  const candidate = await trust.admit(bytes);
  expect(candidate).toBeDefined();
  trust.activate(candidate!);
}

describe("the trust store", () => {
  it("admits verified bytes as a compiled candidate, and activating it raises the floor", async () => {
    const trust = store();
    const candidate = await trust.admit(BUNDLE_4);
    expect(candidate).toMatchObject({ serial: 4, bytes: BUNDLE_4 });
    expect(candidate!.engine.authorize({ action: "db:Select", resource: "db://production/users" }).decision).toBe("allow");
    // admitting decides; only activation changes the state
    expect(trust.active).toBeUndefined();
    expect(trust.floor).toBeUndefined();
    const meta = trust.activate(candidate!);
    expect(meta).toMatchObject({ serial: 4, sha256: candidate!.sha256, keyids: [KEY.publicKey.keyid], target: "production" });
    expect(trust.active).toMatchObject({ meta, since: NOW });
    expect(trust.floor).toMatchObject({ serial: 4, sha256: candidate!.sha256 });
  });

  it("admits nothing for the active bundle's own bytes", async () => {
    const trust = store();
    await activated(trust, BUNDLE_4);
    expect(await trust.admit(BUNDLE_4)).toBeUndefined();
  });

  it("refuses what verification refuses, and what the clock it is given says has expired", async () => {
    expect((await rejectionOf(store().admit(bundleWith({}, [KEY2])))).code).toBe("UNTRUSTED_KEY");
    expect((await rejectionOf(store(() => LATER).admit(BUNDLE_4))).code).toBe("EXPIRED");
  });

  it("rollback: a serial below the floor is refused, whether the floor came from a bundle or from the cache", async () => {
    const trust = store();
    await activated(trust, BUNDLE_5);
    expect((await rejectionOf(trust.admit(BUNDLE_4))).code).toBe("ROLLBACK");
    const restarted = store();
    restarted.raise({ serial: 6 });
    expect((await rejectionOf(restarted.admit(BUNDLE_5))).code).toBe("ROLLBACK");
    expect(await restarted.admit(BUNDLE_6)).toBeDefined();
  });

  it("replay: other bytes under the floor's serial are refused", async () => {
    const trust = store();
    trust.raise({ serial: 4, sha256: "0".repeat(64) });
    expect((await rejectionOf(trust.admit(BUNDLE_4))).code).toBe("ROLLBACK");
  });

  it("the floor only rises", () => {
    const trust = store();
    trust.raise({ serial: 6, sha256: "a".repeat(64) });
    trust.raise({ serial: 5, sha256: "b".repeat(64) });
    expect(trust.floor).toEqual({ serial: 6, sha256: "a".repeat(64) });
  });

  it("freeze: the active bundle is checked against the clock on demand", async () => {
    let now = NOW;
    const trust = store(() => now);
    trust.checkNotExpired();
    await activated(trust, BUNDLE_4);
    trust.checkNotExpired();
    now = LATER;
    expect(() => trust.checkNotExpired()).toThrow(expect.objectContaining({ code: "EXPIRED" }));
    // still the active bundle: serving it on is the loader's call
    expect(trust.active?.meta.serial).toBe(4);
  });
});
