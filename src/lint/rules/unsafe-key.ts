import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "unsafe-key",
  "error",
  "A key is `__proto__`, `constructor` or `prototype`. Such keys are a classic prototype-pollution vector in JavaScript tools that consume policies, so edict drops them. Remove the key.",
);
