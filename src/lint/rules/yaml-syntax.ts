import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "yaml-syntax",
  "error",
  "The file is not valid YAML or JSON. Nothing after the first syntax error can be trusted, so the policy is not applied as written. Fix the syntax at the position shown (indentation, an unclosed quote or bracket, a tab used for indentation).",
);
