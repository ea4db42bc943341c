/**
 * The version a diff says merging would release: the previous release bumped by the verdict,
 * or the first release, numbered as `edict bundle build` numbers it (edict.yaml's `version`,
 * default 0.1.0, whatever the verdict).
 */
import { describe, expect, it } from "vitest";
import { nextRelease, releaseVersion, latestTaggedVersion } from "../../src/bundle/version.js";
import { renderDiffMarkdown, renderDiffText } from "../../src/diff/index.js";
import { accessDoc, diffFiles } from "./helpers.js";

const config = (version?: string) => `name: acme\n${version !== undefined ? `version: ${version}\n` : ""}targets:\n  production: { default_action: deny }\n`;
const allow = (action: string) => ({ "policies/ac.yaml": accessDoc("ac", `  Statement:\n    - { Sid: S, Effect: Allow, Action: '${action}', Resource: '*' }\n`) });
// db:* → db:Select tightens: a major bump after a release
const tightened = (version?: string, lastVersion?: string) =>
  diffFiles({ "edict.yaml": config(version), ...allow("db:*") }, { "edict.yaml": config(version), ...allow("db:Select") }, lastVersion !== undefined ? { lastVersion } : {});

describe("the next version of a diff", () => {
  it("before the first release is edict.yaml's version, whatever the verdict, as the bundle build numbers it", () => {
    const r = tightened("0.1.0");
    expect(r.verdict).toBe("tightened");
    expect(r.nextVersion).toBe("0.1.0");
    expect(r.lastVersion).toBeUndefined();
    expect(r.nextVersion).toBe(nextRelease(undefined, r.verdict, "0.1.0").version);
    expect(renderDiffText(r).split("\n")[0]).toBe("edict diff base..head: tightened · next version 0.1.0 (first release)");
    expect(renderDiffMarkdown(r).split("\n")[0]).toMatch(/ · next version `0\.1\.0` \(first release\)$/);
  });

  it("is 0.1.0 when edict.yaml sets no version, and null when it sets one that is not semver", () => {
    expect(tightened().nextVersion).toBe("0.1.0");
    const bad = tightened("v1");
    expect(bad.nextVersion).toBeNull();
    expect(renderDiffText(bad).split("\n")[0]).toBe("edict diff base..head: tightened");
  });

  it("after a release bumps that release by the verdict", () => {
    const r = tightened("0.1.0", "0.4.2");
    expect(r).toMatchObject({ lastVersion: "0.4.2", nextVersion: "1.0.0" });
    expect(renderDiffText(r).split("\n")[0]).toBe("edict diff base..head: tightened · next version 1.0.0 (after 0.4.2)");
    expect(renderDiffMarkdown(r).split("\n")[0]).toMatch(/ · next version `1\.0\.0` \(after `0\.4\.2`\)$/);
  });
});

describe("releaseVersion", () => {
  it("is the one rule of the bundle build", () => {
    for (const verdict of ["tightened", "loosened", "neutral"] as const) {
      expect(releaseVersion(undefined, verdict, "2.3.4")).toBe(nextRelease(undefined, verdict, "2.3.4").version);
      expect(releaseVersion("1.4.2", verdict)).toBe(nextRelease({ version: "1.4.2", serial: 3 }, verdict).version);
    }
    expect(releaseVersion(undefined, "mixed")).toBe("0.1.0");
    expect(releaseVersion("1.0", "neutral")).toBeNull();
  });

  it("finds the latest release among tags by semver order, ignoring other tags", () => {
    expect(latestTaggedVersion(["policy-v0.9.0", "policy-v0.10.0", "v2.0.0", "policy-vnext", "policy-v1.0"], "policy-v")).toBe("0.10.0");
    expect(latestTaggedVersion(["v2.0.0"], "policy-v")).toBeUndefined();
    expect(latestTaggedVersion(["1.0.0", "policy-v3.0.0"], "")).toBe("1.0.0");
  });
});
