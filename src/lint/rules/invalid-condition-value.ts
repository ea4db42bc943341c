import { conditionValues } from "../conditions.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "invalid-condition-value",
    category: "schema",
    severity: "error",
    description:
      "A condition value of the wrong kind for its operator: a `Numeric…` value that is not a number, a `Bool` or `Null` value that is not true/false. The comparison then cannot be evaluated, so an Allow never applies and a Deny always does. Write a number, or true/false.",
  },
  (ctx) => {
    for (const c of conditionValues(ctx.repo)) {
      const base = c.parsed?.base;
      if (!base) continue;
      let message: string | undefined;
      if (base.startsWith("Numeric")) {
        const ok = (typeof c.value === "number" && Number.isFinite(c.value)) || (typeof c.value === "string" && c.value.trim() !== "" && Number.isFinite(Number(c.value)));
        if (!ok) message = `${c.operator} needs a number, got ${JSON.stringify(c.value)}`;
      } else if (base === "Bool" || base === "Null") {
        if (typeof c.value !== "boolean" && c.value !== "true" && c.value !== "false") message = `${c.operator} needs true or false, got ${JSON.stringify(c.value)}`;
      }
      if (message) ctx.report({ file: c.file, pointer: c.pointer, message });
    }
  },
);
