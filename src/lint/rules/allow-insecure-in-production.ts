import { reportSetting } from "./effective-setting.js";
import { isProductionTarget } from "../targets.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "allow-insecure-in-production",
    category: "security",
    severity: "error",
    description:
      "The effective PosturePolicy of a production target has `allow_insecure: true`, so machines that fail posture checks still get credentials (with a warning). VaultGuard's docs: never use that in production. Limit the document to non-production targets.",
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const t of ctx.merged()) {
      if (!isProductionTarget(t.target) || t.effective.posture.allow_insecure !== true) continue;
      reportSetting(ctx, t, "posture", "allow_insecure", `allow_insecure is true in production target ${t.target}`, "add metadata.targets without production targets to this policy", seen);
    }
  },
);
