import { patternsOverlap } from "../pattern-cover.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "approval-never-reachable",
    category: "effect",
    severity: "warning",
    description:
      "An action listed in `RequireApproval.Actions` is not granted by any `Allow` in the target, so it is always denied and approval is never asked. The same holds for `tool:Use` under `Capabilities.RequireToolApproval`: only `AllowedTools` or an Allow statement grants it, `DeniedTools` alone does not. Usually the author meant to allow the action with approval. Add an Allow for it (or `AllowedTools`), or remove it from RequireApproval.",
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const t of ctx.merged()) {
      const allows = t.effective.access.Statement.filter((s) => s.Effect === "Allow");
      const grants = (pattern: string) => allows.some((a) => (a.NotAction ? true : (a.Action ?? []).some((x) => patternsOverlap(x, pattern, true))));
      for (const d of t.documents) {
        if (d.entry.kind !== "AccessPolicy") continue;
        const spec = d.entry.document.spec as { RequireApproval?: { Actions?: unknown }; Capabilities?: { RequireToolApproval?: unknown } } | undefined;
        const toolKey = `${d.entry.file.path}#RequireToolApproval`;
        if (spec?.Capabilities?.RequireToolApproval === true && !grants("tool:Use") && !seen.has(toolKey)) {
          seen.add(toolKey);
          ctx.report({ file: d.entry.file, pointer: "/spec/Capabilities/RequireToolApproval", message: `no Allow grants tool:Use in ${t.target} (only AllowedTools or an Allow statement does; DeniedTools does not), so every tool is denied and approval is never asked`, help: "list the tools agents may use in Capabilities.AllowedTools, or add an Allow for tool:Use" });
        }
        const actions = spec?.RequireApproval?.Actions;
        if (!Array.isArray(actions)) continue;
        actions.forEach((a, i) => {
          const key = `${d.entry.file.path}#${i}`;
          if (typeof a !== "string" || grants(a) || seen.has(key)) return;
          seen.add(key);
          ctx.report({ file: d.entry.file, pointer: `/spec/RequireApproval/Actions/${i}`, message: `no Allow grants ${a} in ${t.target}, so it is always denied and approval is never asked`, help: `add an Allow for ${a}, or remove it from RequireApproval.Actions` });
        });
      }
    }
  },
);
