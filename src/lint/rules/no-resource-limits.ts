import { targetPointer } from "../targets.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "no-resource-limits",
    category: "security",
    severity: "warning",
    description:
      "A target's effective AccessPolicy sets no `ResourceLimits`. Limits on execution time, tokens, cost and memory bound the damage of a runaway or hijacked agent; Sekuire's production template sets all of them. Add `ResourceLimits` to a policy that applies to the target.",
  },
  (ctx) => {
    const config = ctx.repo.config?.file;
    if (!config) return;
    for (const t of ctx.merged()) {
      if (t.documents.every((d) => d.entry.kind !== "AccessPolicy")) continue;
      const limits = t.effective.access.ResourceLimits;
      if (limits && Object.keys(limits).length > 0) continue;
      ctx.report({ file: config, pointer: targetPointer(t.target), atKey: true, message: `target ${t.target} has no ResourceLimits`, help: "add ResourceLimits (MaxExecutionTime, MaxTokens, MaxCostPerHour, MaxMemory) to a policy for this target" });
    }
  },
);
