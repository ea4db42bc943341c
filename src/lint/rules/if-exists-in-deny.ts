import { parseConditionOperator } from "../../policy/vocabulary.js";
import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "if-exists-in-deny",
    category: "security",
    severity: "warning",
    description:
      "A `Deny` whose condition uses an `...IfExists` operator: a missing key makes the operator true, so the Deny hits every request that lacks the key, and readers routinely misjudge what such a Deny covers (IAM Access Analyzer flags it for review). Use the plain operator when the Deny should apply only to requests that carry the key, and an explicit `Null: {key: true}` statement when requests without the key must be denied.",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Deny" || !st.condition) continue;
      for (const op of Object.keys(st.condition)) {
        if (!parseConditionOperator(op)?.ifExists) continue;
        ctx.report({ file: st.entry.file, pointer: `${st.pointer}/Condition/${op}`, atKey: true, message: `Deny uses ${op}: every request without the key is denied by this statement`, help: "use the plain operator, and a separate Deny with Null: { key: true } if requests missing the key must be denied" });
      }
    }
  },
);
