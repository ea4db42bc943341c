import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "insecure-without-reason",
    category: "schema",
    severity: "error",
    description:
      "A PosturePolicy with `allow_insecure: true` must explain why in `insecure_reason`. Letting machines that fail posture checks through is sometimes right (local development) but must be a recorded decision. Add `insecure_reason`.",
  },
  (ctx) => {
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "PosturePolicy") continue;
      const spec = entry.document.spec as { allow_insecure?: unknown; insecure_reason?: unknown } | undefined;
      if (spec?.allow_insecure !== true) continue;
      if (typeof spec.insecure_reason === "string" && spec.insecure_reason.trim() !== "") continue;
      ctx.report({ file: entry.file, pointer: "/spec/allow_insecure", atKey: true, message: "allow_insecure is true without insecure_reason", help: "add insecure_reason saying why checks may fail here" });
    }
  },
);
