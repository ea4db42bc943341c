/** loader.on: the events it knows, what it refuses (class and message), and unsubscribing; status before any load. */
import { describe, expect, it } from "vitest";
import { createLoader } from "../../src/loader/index.js";
import { KEY } from "../bundle/fixtures.js";

const loader = (): ReturnType<typeof createLoader> =>
  createLoader({ source: "https://policies.example/acme.bundle.json", trustedKeys: [KEY.publicKey], target: "production", expectedName: "acme", pollIntervalMs: 0 });

function refusalOf(run: () => unknown): [string, string] {
  try {
    run();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  throw new Error("expected a refusal");
}

describe("loader.on", () => {
  it("refuses an unknown event, inherited names included, and a listener that is not a function", () => {
    const l = loader();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const on = l.on as (event: any, listener: any) => () => void;
    for (const event of ["updates", "toString", "__proto__", "constructor", ""]) {
      expect(refusalOf(() => on(event, () => undefined))).toEqual(["TypeError", `loader.on: unknown event ${JSON.stringify(event)}: expected "update" or "error"`]);
    }
    expect(refusalOf(() => on(5, () => undefined))).toEqual(["TypeError", 'loader.on: unknown event 5: expected "update" or "error"']);
    expect(refusalOf(() => on("update", "x"))).toEqual(["TypeError", "loader.on: listener must be a function"]);
    expect(refusalOf(() => on("error", undefined))).toEqual(["TypeError", "loader.on: listener must be a function"]);
    expect(refusalOf(() => on("nope", "x"))).toEqual(["TypeError", 'loader.on: unknown event "nope": expected "update" or "error"']);
    l.close();
  });

  it("returns an unsubscribe function for each known event", () => {
    const l = loader();
    expect(typeof l.on("update", () => undefined)).toBe("function");
    expect(l.on("error", () => undefined)()).toBeUndefined();
    l.close();
  });
});

describe("loader.status before anything loaded", () => {
  it("is stale, with no bundle and no error", () => {
    const l = loader();
    expect(l.status()).toEqual({ source: "https://policies.example/acme.bundle.json", version: null, serial: null, revision: null, expiresAt: null, activeSince: null, lastSuccess: null, stale: true });
    l.close();
  });
});
