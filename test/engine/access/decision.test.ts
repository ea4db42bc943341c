import { describe, expect, it } from "vitest";
import { compileAccess, evaluateAccessReference } from "../../../src/engine/access/index.js";
import type { AccessDecision, AccessPolicy, AccessRequest } from "../../../src/engine/access/index.js";
import type { EffectiveStatement } from "../../../src/engine/effective.js";

type Authorize = (access: AccessPolicy, request: AccessRequest) => AccessDecision;

const implementations: Array<[string, Authorize]> = [
  ["reference", evaluateAccessReference],
  ["compiled", (access, request) => compileAccess(access).authorize(request)],
];

function st(fields: Omit<EffectiveStatement, "source">, policy = "base", file = `policies/${policy}.yaml`): EffectiveStatement {
  return { ...fields, source: { policy, file } };
}

describe.each(implementations)("access decisions (%s)", (_name, authorize) => {
  const readTmp = st({ Sid: "ReadTmp", Effect: "Allow", Action: ["file:Read"], Resource: ["file://ws/tmp/*"] });

  it("allows a matching Allow and names it", () => {
    expect(authorize({ Statement: [readTmp] }, { action: "file:Read", resource: "file://ws/tmp/a.txt" })).toEqual({
      decision: "allow",
      reasons: [{ policy: "base", file: "policies/base.yaml", sid: "ReadTmp", effect: "Allow" }],
    });
  });

  it("denies implicitly with no reasons", () => {
    const access = { Statement: [readTmp] };
    expect(authorize(access, { action: "file:Write", resource: "file://ws/tmp/a.txt" })).toEqual({ decision: "deny", reasons: [] });
    expect(authorize(access, { action: "file:Read", resource: "file://ws/etc/passwd" })).toEqual({ decision: "deny", reasons: [] });
    expect(authorize({ Statement: [] }, { action: "file:Read", resource: "file://x" })).toEqual({ decision: "deny", reasons: [] });
  });

  it("a matching Deny wins and reasons list every matching Deny in document order", () => {
    const access = {
      Statement: [
        st({ Sid: "A", Effect: "Allow", Action: ["*"], Resource: ["*"] }),
        st({ Sid: "D1", Effect: "Deny", Action: ["file:*"], Resource: ["file://ws/secret/*"] }, "sec"),
        st({ Effect: "Deny", Action: ["file:Read"], Resource: ["*"] }, "other"),
        st({ Sid: "D3", Effect: "Deny", Action: ["db:*"], Resource: ["*"] }),
      ],
    };
    expect(authorize(access, { action: "file:Read", resource: "file://ws/secret/k" })).toEqual({
      decision: "deny",
      reasons: [
        { policy: "sec", file: "policies/sec.yaml", sid: "D1", effect: "Deny" },
        { policy: "other", file: "policies/other.yaml", effect: "Deny" },
      ],
    });
    expect(authorize(access, { action: "file:Write", resource: "file://ws/x" }).decision).toBe("allow");
  });

  it("lists every matching Allow", () => {
    const access = {
      Statement: [
        st({ Sid: "A1", Effect: "Allow", Action: ["db:Select"], Resource: ["db://prod/*"] }),
        st({ Sid: "A2", Effect: "Allow", Action: ["db:*"], Resource: ["*"] }),
        st({ Sid: "A3", Effect: "Allow", Action: ["file:*"], Resource: ["*"] }),
      ],
    };
    expect(authorize(access, { action: "db:Select", resource: "db://prod/users" }).reasons.map((r) => r.sid)).toEqual(["A1", "A2"]);
  });

  it("compares actions case-insensitively and resources case-sensitively", () => {
    const access = { Statement: [st({ Effect: "Allow", Action: ["File:READ"], Resource: ["file://WS/*"] })] };
    expect(authorize(access, { action: "file:read", resource: "file://WS/a" }).decision).toBe("allow");
    expect(authorize(access, { action: "FILE:Read", resource: "file://WS/a" }).decision).toBe("allow");
    expect(authorize(access, { action: "file:read", resource: "file://ws/a" }).decision).toBe("deny");
  });

  it("NotAction matches actions outside the list", () => {
    const access = {
      Statement: [
        st({ Sid: "All", Effect: "Allow", Action: ["*"], Resource: ["*"] }),
        st({ Sid: "OnlyRead", Effect: "Deny", NotAction: ["file:Read*", "db:Select"], Resource: ["*"] }),
      ],
    };
    expect(authorize(access, { action: "FILE:readText", resource: "file://x" }).decision).toBe("allow");
    expect(authorize(access, { action: "db:select", resource: "db://x" }).decision).toBe("allow");
    expect(authorize(access, { action: "file:Write", resource: "file://x" })).toEqual({
      decision: "deny",
      reasons: [{ policy: "base", file: "policies/base.yaml", sid: "OnlyRead", effect: "Deny" }],
    });
  });

  it("NotResource matches resources outside the list", () => {
    const access = {
      Statement: [st({ Effect: "Allow", Action: ["file:Read"], NotResource: ["file://ws/secret/*"] })],
    };
    expect(authorize(access, { action: "file:Read", resource: "file://ws/a" }).decision).toBe("allow");
    expect(authorize(access, { action: "file:Read", resource: "file://ws/secret/a" }).decision).toBe("deny");
  });

  it("a statement without Resource covers every resource; one without Action covers nothing", () => {
    expect(authorize({ Statement: [st({ Effect: "Allow", Action: ["x:Y"] })] }, { action: "x:y", resource: "any://thing" }).decision).toBe("allow");
    expect(authorize({ Statement: [st({ Effect: "Deny", Resource: ["*"] }), st({ Effect: "Allow", Action: ["*"] })] }, { action: "x:y", resource: "r://" }).decision).toBe("allow");
    expect(authorize({ Statement: [st({ Effect: "Allow", Action: [] })] }, { action: "x:y", resource: "r://" }).decision).toBe("deny");
  });

  it("Action and NotAction together must both hold", () => {
    const access = { Statement: [st({ Effect: "Allow", Action: ["file:*"], NotAction: ["file:Delete"] })] };
    expect(authorize(access, { action: "file:Read", resource: "file://a" }).decision).toBe("allow");
    expect(authorize(access, { action: "file:delete", resource: "file://a" }).decision).toBe("deny");
  });

  it("applies conditions", () => {
    const access = {
      Statement: [
        st({ Sid: "Office", Effect: "Allow", Action: ["db:Select"], Resource: ["db://production/*"], Condition: { IpAddress: { "source.ip": "10.0.0.0/8" } } }),
      ],
    };
    const request = { action: "db:Select", resource: "db://production/users" };
    expect(authorize(access, { ...request, context: { "source.ip": "10.1.2.3" } }).decision).toBe("allow");
    expect(authorize(access, { ...request, context: { "Source.IP": "10.1.2.3" } }).decision).toBe("allow");
    expect(authorize(access, { ...request, context: { "source.ip": "192.168.1.1" } }).decision).toBe("deny");
    expect(authorize(access, request).decision).toBe("deny");
  });

  describe("fail closed on values that cannot be interpreted", () => {
    const allowAll = st({ Sid: "All", Effect: "Allow", Action: ["*"], Resource: ["*"] });
    it("a Deny whose condition cannot be evaluated denies", () => {
      const access = {
        Statement: [allowAll, st({ Sid: "Big", Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { NumericGreaterThan: { size: 100 } } })],
      };
      expect(authorize(access, { action: "a:b", resource: "r://x", context: { size: 5 } }).decision).toBe("allow");
      expect(authorize(access, { action: "a:b", resource: "r://x", context: { size: "lots" } })).toEqual({
        decision: "deny",
        reasons: [{ policy: "base", file: "policies/base.yaml", sid: "Big", effect: "Deny" }],
      });
    });
    it("a Deny with a bad CIDR in the policy denies", () => {
      const access = {
        Statement: [allowAll, st({ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { NotIpAddress: { ip: "10.0.0.0/40" } } })],
      };
      expect(authorize(access, { action: "a:b", resource: "r://x", context: { ip: "10.1.1.1" } }).decision).toBe("deny");
    });
    it("an Allow whose condition cannot be evaluated does not allow", () => {
      const access = {
        Statement: [st({ Effect: "Allow", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { now: "2030-01-01" } } })],
      };
      expect(authorize(access, { action: "a:b", resource: "r://x", context: { now: "2025-06-01" } }).decision).toBe("allow");
      expect(authorize(access, { action: "a:b", resource: "r://x", context: { now: "tomorrow" } })).toEqual({ decision: "deny", reasons: [] });
    });
  });

  describe("approval", () => {
    const access: AccessPolicy = {
      Statement: [st({ Sid: "Ops", Effect: "Allow", Action: ["db:*", "file:Read"], Resource: ["*"] })],
      RequireApproval: { Actions: ["db:Drop*", "DB:delete", "tool:*"], ApproverRole: "dba", TimeoutSeconds: 300 },
    };
    it("an allowed action listed in RequireApproval needs approval (wildcards, any case)", () => {
      expect(authorize(access, { action: "db:DropTable", resource: "db://prod/users" })).toEqual({
        decision: "approval_required",
        reasons: [{ policy: "base", file: "policies/base.yaml", sid: "Ops", effect: "Allow" }],
        approval: { approverRole: "dba", timeoutSeconds: 300, actions: ["db:Drop*"] },
      });
      expect(authorize(access, { action: "db:Delete", resource: "db://prod/users" }).approval?.actions).toEqual(["DB:delete"]);
    });
    it("other allowed actions are just allowed; denied ones stay denied", () => {
      expect(authorize(access, { action: "db:Select", resource: "db://x" })).toEqual({
        decision: "allow",
        reasons: [{ policy: "base", file: "policies/base.yaml", sid: "Ops", effect: "Allow" }],
      });
      expect(authorize(access, { action: "tool:bash", resource: "tool://bash" })).toEqual({ decision: "deny", reasons: [] });
    });
    it("omits an approver role and timeout that are not set", () => {
      const bare = { Statement: access.Statement, RequireApproval: { Actions: ["db:*"] } };
      expect(authorize(bare, { action: "db:Select", resource: "db://x" }).approval).toEqual({ actions: ["db:*"] });
    });
  });
});

describe("compileAccess", () => {
  it("answers many requests from one compilation and hands out read-only results", () => {
    const engine = compileAccess({ Statement: [st({ Effect: "Allow", Action: ["a:b"], Resource: ["*"] })] });
    const first = engine.authorize({ action: "x:y", resource: "r://" });
    expect(first).toEqual({ decision: "deny", reasons: [] });
    expect(Object.isFrozen(first)).toBe(true);
    expect(engine.authorize({ action: "A:B", resource: "r://" }).decision).toBe("allow");
    const { authorize } = engine;
    expect(authorize({ action: "a:b", resource: "r://" }).decision).toBe("allow");
  });
  it("keeps answering correctly past its per-action cache", () => {
    const access: AccessPolicy = {
      Statement: [st({ Sid: "Even", Effect: "Allow", Action: ["svc:A*0", "svc:A*2", "svc:A*4", "svc:A*6", "svc:A*8"], Resource: ["*"] })],
      RequireApproval: { Actions: ["svc:A1*"] },
    };
    const engine = compileAccess(access);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5_000; i++) {
        const request = { action: `svc:A${i}`, resource: "r://x" };
        expect(engine.authorize(request)).toEqual(evaluateAccessReference(access, request));
      }
    }
  });
  it("checks a statement listed under two patterns once", () => {
    const engine = compileAccess({ Statement: [st({ Sid: "Twice", Effect: "Allow", Action: ["s3:Get", "s3:G*", "*:Get"], Resource: ["*"] })] });
    expect(engine.authorize({ action: "s3:get", resource: "r://" }).reasons).toHaveLength(1);
    const two = compileAccess({ Statement: [st({ Sid: "Twice", Effect: "Allow", Action: ["s3:Get", "s3:G*"], Resource: ["*"] })] });
    expect(two.authorize({ action: "s3:get", resource: "r://" }).reasons).toHaveLength(1);
  });
});
