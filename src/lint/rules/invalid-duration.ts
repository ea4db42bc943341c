import { parseDuration } from "../../model/values/index.js";
import { formatRule, fromResult } from "./format-rule.js";

export default formatRule(
  "invalid-duration",
  { duration: fromResult(parseDuration) },
  "A duration that cannot be parsed, such as `10 minutes` or `30days`. Durations are a number and a unit (`500ms`, `600s`, `45m`, `12h`, `30d`, `2w`) and are parsed into numbers once, at load; an unparsable one would leave a limit or retention unset. Write the duration in that form.",
);
