import { describe, expect, it } from "vitest";
import { compileAccess } from "../../../src/engine/access/index.js";
import type { AccessPolicy } from "../../../src/engine/access/index.js";

const source = { policy: "p", file: "policies/p.yaml" };
/** A policy of one statement with these fields (as a bundle may carry them, unchecked). */
const policyOf = (fields: Record<string, unknown>): AccessPolicy => ({ Statement: [{ Effect: "Allow", Action: ["db:Select"], source, ...fields }] }) as unknown as AccessPolicy;

describe("compileAccess refuses a malformed statement (a loader then refuses the bundle)", () => {
  it.each([
    ["a statement that is null", { Statement: [null] }],
    ["Action that is a text", policyOf({ Action: "db:Select" })],
    ["an Action pattern that is a number", policyOf({ Action: [1] })],
    ["Resource that is a text", policyOf({ Resource: "db://a/1" })],
    ["a Resource pattern that is a number", policyOf({ Resource: [1] })],
    ["a Resource pattern that is an empty list", policyOf({ Resource: [[]] })],
    ["a Resource pattern that is a list", policyOf({ Resource: [["db://a/*"]] })],
    ["a Resource pattern that is null", policyOf({ Resource: [null] })],
    ["a Resource pattern that is an object", policyOf({ Resource: [{}] })],
    ["no source", { Statement: [{ Effect: "Allow", Action: ["db:Select"] }] }],
  ])("%s", (_, policy) => {
    expect(() => compileAccess(policy as AccessPolicy)).toThrow(TypeError);
  });

  it("names a Resource pattern that is not a string, cut to 80 characters", () => {
    expect(() => compileAccess(policyOf({ Resource: [1] }))).toThrow(new TypeError("Resource pattern 1 is not a string"));
    expect(() => compileAccess(policyOf({ Resource: [{ a: "x".repeat(200) }] }))).toThrow(new TypeError(`Resource pattern {"a":"${"x".repeat(74)} is not a string`));
  });

  it("compiles the well-formed statement next to them", () => {
    expect(compileAccess(policyOf({ Resource: ["db://a/*"] })).authorize({ action: "db:Select", resource: "db://a/1" }).decision).toBe("allow");
  });
});
