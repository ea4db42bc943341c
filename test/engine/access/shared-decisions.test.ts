import { describe, expect, it } from "vitest";
import { compileAccess, evaluateAccessReference } from "../../../src/engine/access/index.js";
import type { AccessPolicy, AccessRequest } from "../../../src/engine/access/index.js";

const source = { policy: "p", file: "policies/p.yaml" };
const policy: AccessPolicy = {
  Statement: [
    { Sid: "Any", Effect: "Allow", Action: ["db:Select"], Resource: ["*"], source },
    { Sid: "Users", Effect: "Allow", Action: ["db:Select"], Resource: ["db://prod/users/*"], source },
    { Sid: "Office", Effect: "Deny", Action: ["db:Select"], Resource: ["db://prod/*"], Condition: { NotIpAddress: { "source.ip": "10.0.0.0/8" } }, source },
    { Sid: "Exact", Effect: "Allow", Action: ["db:*"], Resource: ["db://prod/users/root"], source },
  ],
};

describe("compiled decisions", () => {
  const engine = compileAccess(policy);
  const ask = (resource: string, ip: string): AccessRequest => ({ action: "db:Select", resource, context: { "source.ip": ip } });

  it("requests that meet the same statements with the same outcome share one frozen decision", () => {
    const a = engine.authorize(ask("db://prod/users/1", "10.1.2.3"));
    const b = engine.authorize(ask("db://prod/users/2", "10.9.9.9"));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.reasons)).toBe(true);
    expect(a.reasons.map((r) => r.sid)).toEqual(["Any", "Users"]);
  });

  it("a shared decision still answers each request as the reference does", () => {
    const requests = [
      ask("db://prod/users/1", "10.1.2.3"),
      ask("db://prod/users/1", "192.168.0.1"),
      ask("db://prod/users/root", "10.1.2.3"),
      ask("db://prod/orders/1", "10.1.2.3"),
      ask("db://test/users/1", "192.168.0.1"),
      ask("db://prod/users/1", "not an ip"),
      { action: "db:Select", resource: "db://prod/users/1" },
    ];
    for (let round = 0; round < 2; round++) {
      for (const request of requests) expect(engine.authorize(request)).toEqual(evaluateAccessReference(policy, request));
    }
  });
});
