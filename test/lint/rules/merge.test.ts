import { describe, expect, it } from "vitest";
import { at, lint, policyOf } from "../../helpers/repo.js";

const posture = (id: string, prio: number, spec: string, meta = "") => policyOf("PosturePolicy", spec, `  id: ${id}\n  priority: ${prio}\n${meta}`);

describe("locked-field-changed", () => {
  it("points at the ignored value in the later document", () => {
    const f = lint(
      {
        "policies/a.yaml": posture("a", 1, "  local: { require_encryption: true }\n", "  locked: [local.require_encryption]\n"),
        "policies/b.yaml": posture("b", 2, "  local:\n    require_encryption: false\n"),
      },
      "locked-field-changed",
    );
    expect(at(f)).toEqual(["policies/b.yaml:8:25"]);
    expect(f[0]!.message).toBe("local.require_encryption is locked by policies/a.yaml at true; false is ignored (production, staging)");
  });
  it("passes when the later document repeats the locked value", () => {
    expect(
      lint(
        {
          "policies/a.yaml": posture("a", 1, "  local: { require_encryption: true }\n", "  locked: [local.require_encryption]\n"),
          "policies/b.yaml": posture("b", 2, "  local: { require_encryption: true }\n"),
        },
        "locked-field-changed",
      ),
    ).toEqual([]);
  });
});

describe("tighten-only-loosened", () => {
  it("reports a lowered minimum score", () => {
    const f = lint({ "policies/a.yaml": posture("a", 1, "  local: { min_security_score: 75 }\n"), "policies/b.yaml": posture("b", 2, "  local: { min_security_score: 50 }\n") }, "tighten-only-loosened");
    expect(f).toHaveLength(1);
    expect(f[0]!.file).toBe("policies/b.yaml");
    expect(f[0]!.severity).toBe("error");
  });
  it("passes a raised minimum", () => {
    expect(lint({ "policies/a.yaml": posture("a", 1, "  local: { min_security_score: 50 }\n"), "policies/b.yaml": posture("b", 2, "  local: { min_security_score: 75 }\n") }, "tighten-only-loosened")).toEqual([]);
  });
});

describe("equal-precedence-conflict", () => {
  it("reports two documents of equal priority disagreeing", () => {
    const f = lint({ "policies/a.yaml": posture("a", 5, "  fallback_provider: env\n"), "policies/b.yaml": posture("b", 5, "  fallback_provider: vault\n") }, "equal-precedence-conflict");
    expect(at(f)).toEqual(["policies/b.yaml:7:22"]);
  });
  it("passes different priorities", () => {
    expect(lint({ "policies/a.yaml": posture("a", 5, "  fallback_provider: env\n"), "policies/b.yaml": posture("b", 6, "  fallback_provider: vault\n") }, "equal-precedence-conflict")).toEqual([]);
  });
});
