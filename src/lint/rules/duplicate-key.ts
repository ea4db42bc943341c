import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "duplicate-key",
  "error",
  "A mapping sets the same key twice. YAML tools disagree on which value wins (edict keeps the first, many parsers keep the last), so a reviewer may approve one value while another is enforced. Remove or rename one of the keys.",
);
