import { describe, expect, it } from "vitest";
import { compileAccess, evaluateAccessReference } from "../../../src/engine/access/index.js";
import type { AccessPolicy, AccessRequest } from "../../../src/engine/access/index.js";
import type { EffectiveStatement } from "../../../src/engine/effective.js";

const source = { policy: "p", file: "policies/p.yaml" };
const st = (fields: Omit<EffectiveStatement, "source">): EffectiveStatement => ({ ...fields, source });

function agree(policy: AccessPolicy, requests: readonly AccessRequest[]): void {
  const engine = compileAccess(policy);
  // twice: the second round answers from the remembered decisions
  for (let round = 0; round < 2; round++) {
    for (const request of requests) expect(engine.authorize(request)).toEqual(evaluateAccessReference(policy, request));
  }
}

describe("compiled plans", () => {
  it("a statement with several Resource patterns applies through any of them, and is named once", () => {
    const policy = {
      Statement: [
        st({ Sid: "Two", Effect: "Allow", Action: ["db:Read"], Resource: ["db://t/a/*", "db://t/a/b/c", "db://t/x?/*", "db://u/*"] }),
        st({ Sid: "Ip", Effect: "Deny", Action: ["db:*"], Resource: ["db://t/a/b/*", "db://t/a/b/d"], Condition: { IpAddress: { "source.ip": "10.0.0.0/8" } } }),
        st({ Sid: "Not", Effect: "Allow", Action: ["db:Read"], NotResource: ["db://t/a/b/*"] }),
      ],
    };
    const requests: AccessRequest[] = [];
    for (const resource of ["db://t/a/1", "db://t/a/b/c", "db://t/a/b/d", "db://t/xy/1", "db://t/x/1", "db://u/v/w", "db://v/1", "db://t/a/b/"]) {
      for (const ip of ["10.1.2.3", "192.168.0.1", "bad"]) requests.push({ action: "db:Read", resource, context: { "source.ip": ip } });
    }
    agree(policy, requests);
    const decision = compileAccess(policy).authorize({ action: "db:Read", resource: "db://t/a/b/c", context: { "source.ip": "1.1.1.1" } });
    expect(decision.reasons.map((r) => r.sid)).toEqual(["Two"]);
  });

  it("a statement met twice at one prefix applies through either pattern, the empty one too", () => {
    const policy = { Statement: [st({ Effect: "Deny", Action: ["db:Select"], Resource: ["*a*", "", "db://prod/users"] })] };
    agree(policy, ["file://a/bb", "", "db://prod/users", "db://prod/x", "x"].map((resource) => ({ action: "db:Select", resource })));
    expect(compileAccess(policy).authorize({ action: "db:Select", resource: "file://a/bb" }).decision).toBe("deny");
  });

  it("answers the same when merging the root's statements into every prefix would copy too much", () => {
    // 3,000 statements at the root and 3,000 prefixes: merging would copy nine million entries
    const Statement: EffectiveStatement[] = [];
    for (let i = 0; i < 3000; i++) {
      Statement.push(st({ Sid: `Any${i}`, Effect: "Allow", Action: ["s:Get"], Resource: ["*"] }));
      Statement.push(st({ Sid: `T${i}`, Effect: i % 7 === 0 ? "Deny" : "Allow", Action: ["s:Get"], Resource: [`s://t${i}/*`] }));
    }
    const engine = compileAccess({ Statement });
    const allowed = engine.authorize({ action: "s:Get", resource: "s://t1/doc" });
    expect(allowed.decision).toBe("allow");
    expect(allowed.reasons).toHaveLength(3001);
    expect(allowed.reasons.slice(0, 4).map((r) => r.sid)).toEqual(["Any0", "Any1", "T1", "Any2"]);
    expect(engine.authorize({ action: "s:Get", resource: "s://t7/doc" }).reasons.map((r) => r.sid)).toEqual(["T7"]);
    expect(engine.authorize({ action: "s:Get", resource: "s://none/doc" }).reasons).toHaveLength(3000);
    agree({ Statement: Statement.slice(0, 600) }, [{ action: "s:Get", resource: "s://t5/doc" }, { action: "s:Get", resource: "s://t14/x" }]);
  });
});
