import { DATA_ACTIONS } from "../../engine/vocabulary.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "data-action-not-exactly-one",
    category: "schema",
    severity: "error",
    description:
      "A DataPolicy's `action` must set exactly one of `deny`, `require_approval`, `mask` or `allow` to true. With none the rule does nothing; with several, which one applies depends on the engine. Keep exactly one.",
  },
  (ctx) => {
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "DataPolicy") continue;
      const action = (entry.document.spec as { action?: unknown } | undefined)?.action;
      if (action === null || typeof action !== "object" || Array.isArray(action)) continue;
      const set = DATA_ACTIONS.filter((a) => (action as Record<string, unknown>)[a] === true);
      if (set.length === 1) continue;
      ctx.report({
        file: entry.file,
        pointer: "/spec/action",
        atKey: true,
        message: set.length === 0 ? "action sets none of deny, require_approval, mask, allow to true" : `action sets ${set.join(" and ")} together`,
        help: "set exactly one of deny, require_approval, mask or allow to true",
      });
    }
  },
);
