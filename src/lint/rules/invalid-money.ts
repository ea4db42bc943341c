import { parseMoney } from "../../model/values/index.js";
import { formatRule, fromResult } from "./format-rule.js";

export default formatRule(
  "invalid-money",
  { money: fromResult(parseMoney) },
  "An amount of money that cannot be parsed. Cost limits are written in dollars with at most two decimals (`$5.00`, `$10`); `10 USD` or `$1,000` would leave the cost limit unset. Write the amount in that form.",
);
