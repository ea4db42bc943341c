import { parseIsoDate } from "../../model/values/index.js";
import { conditionValues } from "../conditions.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "invalid-date",
    category: "schema",
    severity: "error",
    description:
      "A `Date…` condition value that is not an ISO-8601 date or date-time with a time zone (`2024-12-31`, `2024-12-31T23:59:59Z`) or an epoch-seconds number. An unparsable date makes the comparison an evaluation error, so a time-boxed Allow never applies. Write the date in ISO-8601 with `Z` or an offset.",
  },
  (ctx) => {
    for (const c of conditionValues(ctx.repo)) {
      if (!c.parsed?.base.startsWith("Date")) continue;
      if (typeof c.value === "number" && Number.isFinite(c.value)) continue;
      const r = typeof c.value === "string" ? parseIsoDate(c.value) : { ok: false as const, message: `expected a date string, got ${JSON.stringify(c.value)}` };
      if (!r.ok) ctx.report({ file: c.file, pointer: c.pointer, message: r.message, help: 'e.g. "2024-12-31T23:59:59Z"' });
    }
  },
);
