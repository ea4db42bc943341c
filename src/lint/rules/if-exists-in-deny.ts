import { parseConditionOperator } from "../../engine/vocabulary.js";
import { conditionEntries, conditionRequiresKey, isNegatedOperator } from "../conditions.js";
import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "if-exists-in-deny",
    category: "security",
    severity: "warning",
    description:
      "A `Deny` whose condition uses an `...IfExists` operator: a missing key makes the operator true, so the Deny hits every request that lacks the key, and readers routinely misjudge what such a Deny covers (IAM Access Analyzer flags it for review). For a positive operator, use the plain one when the Deny should apply only to requests that carry the key, and an explicit `Null: {key: true}` statement when requests without the key must be denied. A negated operator (`StringNotEquals`…) is true on a missing key even without `IfExists`, so there add `Null: {key: false}` to the same Condition instead. Not reported when the Condition already requires every key of the operator.",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Deny" || !st.condition) continue;
      const entries = conditionEntries(st);
      for (const op of Object.keys(st.condition)) {
        const parsed = parseConditionOperator(op);
        const ofOp = entries.filter((e) => e.operator === op);
        if (!parsed?.ifExists || (ofOp.length > 0 && ofOp.every((e) => conditionRequiresKey(entries, e.key)))) continue;
        const help = isNegatedOperator(parsed)
          ? `add Null: { key: false } to deny only requests that carry the key (${op.replace(/IfExists$/, "")} is also true when the key is missing)`
          : "use the plain operator, and a separate Deny with Null: { key: true } if requests missing the key must be denied";
        ctx.report({ file: st.entry.file, pointer: `${st.pointer}/Condition/${op}`, atKey: true, message: `Deny uses ${op}: every request without the key is denied by this statement`, help });
      }
    }
  },
);
