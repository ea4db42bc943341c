import { describe, expect, it } from "vitest";
import {
  BundleError,
  BundleIntegrityError,
  BundleKeyError,
  BundleRetrievalError,
  BundleTrustError,
  isBundleError,
} from "../../src/bundle/errors.js";

describe("bundle errors", () => {
  it("carry a stable code, a name and the cause", () => {
    const cause = new Error("root");
    const e = new BundleIntegrityError("DIGEST_MISMATCH", "sha256 differs", { cause });
    expect(e).toBeInstanceOf(BundleError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe("DIGEST_MISMATCH");
    expect(e.name).toBe("BundleIntegrityError");
    expect(e.message).toBe("sha256 differs");
    expect(e.cause).toBe(cause);
    expect(isBundleError(e)).toBe(true);
    expect(isBundleError(new Error("x"))).toBe(false);
  });

  it("keep integrity, trust, retrieval and key failures in separate classes", () => {
    const trust = new BundleTrustError("ROLLBACK", "serial 3 < 5");
    const retrieval = new BundleRetrievalError("TIMEOUT", "slow");
    const key = new BundleKeyError("bad key");
    expect(trust).not.toBeInstanceOf(BundleIntegrityError);
    expect(retrieval).not.toBeInstanceOf(BundleTrustError);
    expect(key.code).toBe("KEY_ERROR");
    expect(key.name).toBe("BundleKeyError");
    expect(new BundleError("TARGET_MISSING", "no staging").code).toBe("TARGET_MISSING");
    expect("cause" in new BundleError("EXPIRED", "x")).toBe(false);
  });
});
