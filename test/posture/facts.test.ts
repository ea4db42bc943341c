import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { parsePostureFacts, toPostureFacts } from "../../src/posture/facts.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("parsePostureFacts", () => {
  it("reads a facts object and drops nulls (unknown)", () => {
    expect(parsePostureFacts(fixture("laptop-encrypted.json"), "laptop-encrypted.json")).toEqual({ environment: "local", encryption: true, tpm: true, securityScore: 60 });
  });

  it("reads the facts member of an earlier `edict posture --format json` output", () => {
    expect(toPostureFacts({ target: "production", allowed: false, facts: { environment: "eks", namespace: "default" } }, "out.json")).toEqual({ environment: "eks", namespace: "default" });
  });

  it("refuses unknown facts with a suggestion, and wrong types with what it expected", () => {
    const err = (() => {
      try {
        parsePostureFacts(fixture("typo.json"), "typo.json");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EdictError);
    expect((err as EdictError).code).toBe("PARSE_ERROR");
    expect((err as EdictError).toString()).toMatch(/^typo\.json: unknown fact "encrypton"; did you mean "encryption"\?/);
    expect(() => toPostureFacts({ securityScore: "90" }, "f.json")).toThrow('fact "securityScore" must be a number, got "90"');
    expect(() => toPostureFacts({ tpm: [true] }, "f.json")).toThrow('fact "tpm" must be a boolean, got [true]');
    expect(() => toPostureFacts([], "f.json")).toThrow(/must be a JSON object/);
    expect(() => parsePostureFacts("{", "f.json")).toThrow(/not valid JSON/);
  });
});
