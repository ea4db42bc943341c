import { parseSize } from "../../model/values/index.js";
import { formatRule, fromResult } from "./format-rule.js";

export default formatRule(
  "invalid-size",
  { size: fromResult(parseSize) },
  "A size that cannot be parsed, such as `8 gigs`. Sizes are a number and a unit (`512KB`, `8GB`, `1.5MB`; KB = 1024 bytes). An unparsable size would leave a memory or storage limit unset. Write the size in that form.",
);
