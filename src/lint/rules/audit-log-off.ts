import { reportSetting } from "./effective-setting.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "audit-log-off",
    category: "security",
    severity: "warning",
    description:
      "A target's effective AccessPolicy has no audit log (`AuditLog.Required` is false or unset). Without an audit trail, agent actions cannot be reviewed after an incident, and SOC 2 and HIPAA require one. Set `AuditLog.Required: true` in a policy that applies to the target.",
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const t of ctx.merged()) {
      if (t.documents.every((d) => d.entry.kind !== "AccessPolicy")) continue;
      if (t.effective.access.AuditLog?.Required === true) continue;
      const off = t.effective.access.AuditLog?.Required === false;
      reportSetting(ctx, t, "access", "AuditLog.Required", `audit logging is ${off ? "off" : "not configured"} in target ${t.target}`, "set AuditLog.Required: true", seen);
    }
  },
);
