/** Request shapes of the serve API: typed values out, or a 400 naming the field. */
import { describe, expect, it } from "vitest";
import { HttpError } from "../../src/serve/http-errors.js";
import { MAX_BATCH, toAccessRequest, toBatch, toDataDecide, toPosture, toScan, toToolCheck } from "../../src/serve/validate.js";

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    expect((e as HttpError).code).toBe("BAD_REQUEST");
    return (e as HttpError).message;
  }
  throw new Error("expected a 400");
}

const clock = () => new Date("2026-05-01T00:00:00Z");

describe("validate", () => {
  it("accepts well-formed requests and returns them typed", () => {
    expect(toAccessRequest({ action: "db:Select", resource: "db://x" })).toEqual({ action: "db:Select", resource: "db://x" });
    expect(toAccessRequest({ action: "a:B", resource: "*", context: { ip: "1.2.3.4", n: 1, b: true, l: ["x", 2], z: null } }).context).toEqual({ ip: "1.2.3.4", n: 1, b: true, l: ["x", 2], z: null });
    expect(toBatch({ requests: [{ action: "a:B", resource: "*" }] })).toHaveLength(1);
    expect(toToolCheck({ uri: "mcp://s/t@1" })).toEqual({ uri: "mcp://s/t@1", facts: undefined });
    expect(toDataDecide({ request: { dataset: "d", fields: [] } }, clock).now).toEqual(clock());
    expect(toDataDecide({ request: { dataset: "d", fields: [] }, now: "2026-01-01T00:00:00Z" }, clock).now.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(toScan({ text: "", location: "input" })).toEqual({ text: "", location: "input" });
    expect(toPosture({ facts: {} })).toEqual({});
  });

  it("names the field of every wrong shape", () => {
    expect(problem(() => toAccessRequest(null))).toBe("the body must be a JSON object, got null");
    expect(problem(() => toAccessRequest({ action: "", resource: "x" }))).toBe('"action" must be a non-empty string, got an empty string');
    expect(problem(() => toAccessRequest({ action: "a:B", resource: "*", context: { k: { nested: 1 } } }))).toMatch(/^"context\.k" must be/);
    expect(problem(() => toAccessRequest({ action: "a:B", resource: "*", context: { k: [{}] } }))).toMatch(/^"context\.k" must be/);
    expect(problem(() => toBatch({}))).toBe('"requests" must be a list of {action, resource, context?}, got nothing');
    expect(problem(() => toBatch({ requests: [1] }))).toBe('"requests[0]" must be an object, got number');
    expect(problem(() => toBatch({ requests: [{ action: "a:B", resource: "*" }, { action: "a:B", resource: "*", context: [] }] }))).toBe('"requests[1].context" must be an object, got a list');
    expect(problem(() => toBatch({ requests: new Array(MAX_BATCH + 1).fill({ action: "a:B", resource: "*" }) }))).toMatch(/at most 10000 per call/);
    expect(problem(() => toToolCheck({ uri: ["x"] }))).toBe('"uri" must be a non-empty string, got a list');
    expect(problem(() => toDataDecide({ request: { dataset: 1, fields: [] } }, clock))).toBe('"request": dataset must be a string');
    expect(problem(() => toDataDecide({ request: { dataset: "d", fields: [] }, now: 5 }, clock))).toMatch(/^"now" must be an ISO 8601 time/);
    expect(problem(() => toScan({ text: 1, location: "input" }))).toBe('"text" must be a string, got number');
    expect(problem(() => toScan({ text: "x" }))).toBe('"location" must be "input" or "output", got nothing');
    expect(problem(() => toPosture({ facts: "prod" }))).toBe('"facts" must be an object, got string');
  });
});
