import { checkRegex } from "../regex/index.js";
import { formatRule } from "./format-rule.js";

export default formatRule(
  "invalid-regex",
  { regex: (p) => { const r = checkRegex(p); return r.ok ? undefined : r.message; } },
  "A compliance regex that does not compile. A pattern that cannot compile scans nothing, so the secret or jailbreak it was meant to catch passes. Fix the pattern; Sec0's inline flags like `(?i)` at the start are supported.",
);
