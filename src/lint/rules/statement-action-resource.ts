import { joinPointer } from "../../model/pointer.js";
import { defineRule } from "../rule.js";
import { explainedKeysAt } from "../schema-issues.js";

export default defineRule(
  {
    id: "statement-action-resource",
    category: "schema",
    severity: "error",
    description:
      "A statement must name exactly one of `Action` or `NotAction` and exactly one of `Resource` or `NotResource`. A statement with neither matches nothing and one with both is ambiguous. Keep one of each pair.",
  },
  (ctx) => {
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "AccessPolicy") continue;
      const statements = (entry.document.spec as { Statement?: unknown } | undefined)?.Statement;
      if (!Array.isArray(statements)) continue;
      statements.forEach((st, i) => {
        if (st === null || typeof st !== "object" || Array.isArray(st)) return;
        const at = joinPointer("/spec/Statement", i);
        // `Actoin:` (or `Action:` indented too little) is reported once, as an unknown key
        const explained = explainedKeysAt(ctx.schemaIssues(entry.file), at);
        for (const [a, b] of [["Action", "NotAction"], ["Resource", "NotResource"]] as const) {
          const hasA = a in st;
          const hasB = b in st;
          if (hasA && hasB) ctx.report({ file: entry.file, pointer: joinPointer(at, b), atKey: true, message: `statement sets both ${a} and ${b}`, help: `keep one of ${a} or ${b}` });
          else if (!hasA && !hasB && !explained.has(a) && !explained.has(b)) ctx.report({ file: entry.file, pointer: at, message: `statement has neither ${a} nor ${b}`, help: `add ${a} (or ${b})` });
        }
      });
    }
  },
);
