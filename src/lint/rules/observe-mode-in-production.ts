import { reportSetting } from "./effective-setting.js";
import { isProductionTarget } from "../targets.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "observe-mode-in-production",
    category: "security",
    severity: "warning",
    description:
      "The effective RuntimePolicy of a production target has no `enforcement.deny_on` codes (Sec0's observe mode): violations are logged but never block a tool call. Observe mode is a rollout step, not a production setting. Add the reason codes that must block, e.g. `tool_not_in_allowlist`.",
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const t of ctx.merged()) {
      if (!isProductionTarget(t.target) || t.documents.every((d) => d.entry.kind !== "RuntimePolicy")) continue;
      if ((t.effective.runtime.enforcement?.deny_on ?? []).length > 0) continue;
      reportSetting(ctx, t, "runtime", "enforcement.deny_on", `target ${t.target} runs in observe mode: no violation blocks`, "add enforcement.deny_on: [tool_not_in_allowlist, …]", seen);
    }
  },
);
