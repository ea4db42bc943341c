import { checkRegex } from "../regex/index.js";
import { formatRule } from "./format-rule.js";

export default formatRule(
  "regex-catastrophic-backtracking",
  { regex: (p) => { const r = checkRegex(p); return r.ok && r.risk ? `regex can backtrack catastrophically: ${r.risk}` : undefined; } },
  "A compliance regex whose structure (a repeated group containing another unbounded repeat over the same characters, or overlapping alternatives under a repeat) makes matching take exponential time on crafted input. Scanning agent input with it lets an attacker stall the runtime (ReDoS). Rewrite it without nested or overlapping repeats.",
  "remove the nested quantifier or make the alternatives disjoint",
);
