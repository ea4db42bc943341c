import { describe, expect, it } from "vitest";
import { accessPolicy, at, lint, policyOf } from "../../helpers/repo.js";

describe("duplicate-policy-id", () => {
  it("reports the second file with the same id and kind", () => {
    const f = lint({ "policies/a.yaml": accessPolicy(""), "policies/b.yaml": accessPolicy("") }, "duplicate-policy-id");
    expect(at(f)).toEqual(["policies/b.yaml:4:7"]);
    expect(f[0]!.message).toBe('AccessPolicy id "p1" is already used by policies/a.yaml');
  });
  it("allows the same id in different kinds", () => {
    expect(lint({ "policies/a.yaml": accessPolicy(""), "policies/b.yaml": policyOf("RuntimePolicy", "  tenant: t\n") }, "duplicate-policy-id")).toEqual([]);
  });
});

describe("duplicate-sid", () => {
  const st = (sid: string) => `    - Sid: ${sid}\n      Effect: Allow\n      Action: a:b\n      Resource: '*'\n`;
  it("reports the second statement", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  Statement:\n" + st("S1") + st("S1")) }, "duplicate-sid");
    expect(at(f)).toEqual(["policies/a.yaml:13:12"]);
  });
  it("passes distinct Sids", () => expect(lint({ "policies/a.yaml": accessPolicy("  Statement:\n" + st("S1") + st("S2")) }, "duplicate-sid")).toEqual([]));
});

describe("unknown-target", () => {
  it("suggests a defined target", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("", "  id: p1\n  priority: 1\n  targets: [prodution]\n") }, "unknown-target");
    expect(f[0]!.message).toBe('target "prodution" is not defined in edict.yaml; did you mean "production"?');
    expect(at(f)).toEqual(["policies/a.yaml:6:13"]);
  });
  it("passes defined targets", () => expect(lint({ "policies/a.yaml": accessPolicy("", "  id: p1\n  priority: 1\n  targets: [staging]\n") }, "unknown-target")).toEqual([]));
});

describe("missing-config", () => {
  it("reports a repository without edict.yaml", () => expect(lint({ "policies/a.yaml": accessPolicy("") }, "missing-config", false)).toHaveLength(1));
  it("passes with edict.yaml", () => expect(lint({ "policies/a.yaml": accessPolicy("") }, "missing-config")).toEqual([]));
});
