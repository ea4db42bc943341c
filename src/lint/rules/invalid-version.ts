import { parsePolicyVersion } from "../../model/values/index.js";
import { formatRule, fromResult } from "./format-rule.js";

export default formatRule(
  "invalid-version",
  { "policy-version": fromResult(parsePolicyVersion) },
  "An AccessPolicy `Version` that is not a known policy-language version (YYYY-MM-DD; current `2024-12-02`). The version tells engines which semantics to apply; an unknown one means the policy may be read differently than written. Use `2024-12-02`.",
  'set Version: "2024-12-02"',
);
