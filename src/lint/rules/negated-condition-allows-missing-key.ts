import { conditionEntries, conditionRequiresKey, isNegatedOperator } from "../conditions.js";
import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "negated-condition-allows-missing-key",
    category: "security",
    severity: "warning",
    description:
      "An `Allow` whose Condition uses a negated operator (`StringNotEquals`, `StringNotEqualsIgnoreCase`, `StringNotLike`, `NumericNotEquals`, `DateNotEquals`, `NotIpAddress`, `ArnNotEquals`, `ArnNotLike`, with or without `IfExists`, without a set prefix) also allows every request that lacks the key, because a negated operator is true when the key is missing, as in IAM. `StringNotEquals: {team: contractors}` lets in a caller who sends no team at all. Add `Null: {<key>: false}` to the same Condition to require the key (any other entry on the key that is false when it is missing, such as a positive operator, does too).",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Allow" || !st.condition) continue;
      const entries = conditionEntries(st);
      for (const e of entries) {
        if (!e.parsed || e.parsed.set !== undefined || !isNegatedOperator(e.parsed)) continue;
        if (conditionRequiresKey(entries, e.key)) continue;
        ctx.report({
          file: st.entry.file,
          pointer: e.pointer,
          atKey: true,
          message: `Allow with ${e.operator} on ${e.key} also allows requests without ${e.key}`,
          help: `add Null: {${e.key}: false} to require the key`,
        });
      }
    }
  },
);
