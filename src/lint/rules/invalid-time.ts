import { parseTimeOfDay, validateTimezone } from "../../model/values/index.js";
import { formatRule, fromResult } from "./format-rule.js";

export default formatRule(
  "invalid-time",
  { "time-of-day": fromResult(parseTimeOfDay), timezone: fromResult(validateTimezone), "date-time": (v) => (Number.isNaN(Date.parse(v)) ? `"${v}" is not an ISO-8601 date-time` : undefined) },
  "A time of day that is not `HH:MM` (00:00–23:59), an unknown IANA time zone, or a malformed date-time. DataPolicy time windows are evaluated in the named zone; an invalid one would make the rule never (or always) apply. Use `HH:MM` and a zone such as `America/New_York` or `UTC`.",
);
