import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "data-action-missing-field",
    category: "schema",
    severity: "error",
    description:
      "A DataPolicy that denies or requires approval must say why (`reason`), and one that requires approval must name who approves (`approver_role`). Requesters see the reason; approval without a role cannot be routed. Add the missing field.",
  },
  (ctx) => {
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "DataPolicy") continue;
      const action = (entry.document.spec as { action?: unknown } | undefined)?.action as Record<string, unknown> | undefined;
      if (!action || typeof action !== "object" || Array.isArray(action)) continue;
      const needs: string[] = [];
      if ((action.deny === true || action.require_approval === true) && typeof action.reason !== "string") needs.push("reason");
      if (action.require_approval === true && typeof action.approver_role !== "string") needs.push("approver_role");
      for (const field of needs) {
        ctx.report({
          file: entry.file,
          pointer: "/spec/action",
          atKey: true,
          message: `action ${action.deny === true ? "deny" : "require_approval"} needs "${field}"`,
          help: `add action.${field}`,
        });
      }
    }
  },
);
