import { conditionEntries, conditionRequiresKey, isNegatedOperator } from "../conditions.js";
import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "negated-condition-missing-key-changed",
    category: "security",
    severity: "info",
    description:
      "A `Deny` with a negated operator (`StringNotEquals`, `StringNotEqualsIgnoreCase`, `StringNotLike`, `NumericNotEquals`, `DateNotEquals`, `NotIpAddress`, `ArnNotEquals`, `ArnNotLike`, without `IfExists` or a set prefix) now also denies every request that lacks the key, which it did not before edict 0.2: a migration notice, for one release. Since 0.2 a negated operator is true when the context key is missing, as in IAM; before, it was false. If requests without the key should be denied, nothing to do (the notice goes away in the next release, or switch it off in `lint.rules`); to keep the old behaviour, add `Null: {<key>: false}` to the same Condition.",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Deny" || !st.condition) continue;
      const entries = conditionEntries(st);
      for (const e of entries) {
        // IfExists and the set prefixes kept their meaning on a missing key
        if (!e.parsed || e.parsed.set !== undefined || e.parsed.ifExists || !isNegatedOperator(e.parsed)) continue;
        if (conditionRequiresKey(entries, e.key)) continue;
        ctx.report({
          file: st.entry.file,
          pointer: e.pointer,
          atKey: true,
          message: `since edict 0.2, Deny with ${e.operator} on ${e.key} also denies requests without ${e.key} (IAM semantics); add Null: {${e.key}: false} to keep the old behaviour`,
          help: `if requests without ${e.key} should be denied, nothing to do: this notice goes away in the next release (or set lint.rules.negated-condition-missing-key-changed: off)`,
        });
      }
    }
  },
);
