/** The one error family: exit codes and the printed line for every class of failure. */
import { describe, expect, it } from "vitest";
import { BundleIntegrityError, BundleKeyError, BundleRetrievalError, BundleTrustError, isBundleError } from "../src/bundle/errors.js";
import { describeError, EdictError, exitCodeOf, EXIT, isEdictError } from "../src/errors.js";

describe("exitCodeOf and describeError", () => {
  it("a bundle that fails integrity, trust or retrieval is a failed check (1), printed with its code", () => {
    for (const e of [new BundleIntegrityError("SIGNATURE_ERROR", "bad signature"), new BundleTrustError("NAME_MISMATCH", "other repository"), new BundleRetrievalError("TOO_LARGE", "too big")]) {
      expect(isEdictError(e) && isBundleError(e)).toBe(true);
      expect(exitCodeOf(e)).toBe(EXIT.FINDINGS);
      expect(describeError(e)).toBe(`${e.code}: ${e.message}`);
    }
  });

  it("usage, configuration, files, git and keys are 2; a usage problem prints its position", () => {
    const e = new EdictError("CONFIG_ERROR", "bad target", { position: { file: "edict.yaml", line: 3, column: 5 } });
    expect(exitCodeOf(e)).toBe(EXIT.USAGE);
    expect(describeError(e)).toBe("edict.yaml:3:5: bad target");
    expect(exitCodeOf(new BundleKeyError("no key"))).toBe(EXIT.USAGE);
    expect(describeError(new BundleKeyError("no key"))).toBe("KEY_ERROR: no key");
  });

  it("a bug in edict is 70, never the findings code", () => {
    expect(exitCodeOf(new EdictError("INTERNAL", "oops"))).toBe(70);
    expect(exitCodeOf(new TypeError("x is undefined"))).toBe(70);
    expect(describeError(new TypeError("x is undefined"))).toBe("unexpected error: x is undefined");
    expect(describeError(new TypeError("x"), true)).toMatch(/^unexpected error: TypeError: x\n\s+at /);
    expect(describeError("thrown string")).toBe("unexpected error: thrown string");
  });
});
