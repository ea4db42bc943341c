import { validateCidr } from "../../engine/match/index.js";
import { conditionValues } from "../conditions.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "invalid-cidr",
    category: "schema",
    severity: "error",
    description:
      "An `IpAddress`/`NotIpAddress` condition value that is not an IPv4 or IPv6 address or CIDR (`10.0.0.0/8`, `2001:db8::/32`). edict treats an unparsable range as an evaluation error (an Allow does not apply, a Deny does), so the statement would not do what it says. Fix the address or prefix length.",
  },
  (ctx) => {
    for (const c of conditionValues(ctx.repo)) {
      if (c.parsed?.base !== "IpAddress" && c.parsed?.base !== "NotIpAddress") continue;
      const message = typeof c.value === "string" ? validateCidr(c.value) : `expected an address or CIDR string, got ${JSON.stringify(c.value)}`;
      if (message) ctx.report({ file: c.file, pointer: c.pointer, message, help: "write an IPv4/IPv6 address or CIDR such as 10.0.0.0/8" });
    }
  },
);
