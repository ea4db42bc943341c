import { describe, expect, it } from "vitest";
import { bumpFor, nextRelease, releaseTag, VERDICTS } from "../../src/bundle/version.js";
import type { Verdict } from "../../src/bundle/version.js";
import { EdictError } from "../../src/errors.js";

describe("nextRelease", () => {
  it("starts at serial 1 with edict.yaml's version, default 0.1.0, whatever the verdict", () => {
    expect(nextRelease(undefined, "tightened", "2.3.4")).toEqual({ version: "2.3.4", serial: 1 });
    expect(nextRelease(undefined, "neutral")).toEqual({ version: "0.1.0", serial: 1 });
  });

  it.each<[Verdict, string]>([
    ["tightened", "2.0.0"],
    ["mixed", "2.0.0"],
    ["loosened", "1.5.0"],
    ["neutral", "1.4.3"],
    ["unchanged", "1.4.3"],
  ])("%s bumps 1.4.2 to %s and the serial by one", (verdict, version) => {
    expect(nextRelease({ version: "1.4.2", serial: 7 }, verdict, "9.9.9")).toEqual({ version, serial: 8 });
  });

  it("bumps 0.x the same way (tightening is breaking)", () => {
    expect(nextRelease({ version: "0.1.0", serial: 1 }, "tightened")).toEqual({ version: "1.0.0", serial: 2 });
    expect(nextRelease({ version: "0.1.0", serial: 1 }, "loosened")).toEqual({ version: "0.2.0", serial: 2 });
  });

  it("refuses a version that is not semver", () => {
    expect(() => nextRelease(undefined, "neutral", "v1.0")).toThrow(EdictError);
    expect(() => nextRelease(undefined, "neutral", "v1.0.0")).toThrow(/not a semantic version/);
    expect(() => nextRelease({ version: "1.0", serial: 1 }, "neutral")).toThrow(TypeError);
    expect(() => nextRelease({ version: "1.0.0", serial: 0 }, "neutral")).toThrow(TypeError);
    expect(() => nextRelease(undefined, "bigger" as Verdict)).toThrow(/unknown verdict/);
  });

  it("maps every verdict to a bump", () => {
    expect(VERDICTS.map(bumpFor)).toEqual(["minor", "major", "major", "major", "patch", "patch"]);
  });
});

describe("releaseTag", () => {
  it("is prefix + version, default prefix policy-v", () => {
    expect(releaseTag(undefined, "1.4.0")).toBe("policy-v1.4.0");
    expect(releaseTag("release/", "2.0.0")).toBe("release/2.0.0");
    expect(releaseTag("", "2.0.0")).toBe("2.0.0");
  });
});
