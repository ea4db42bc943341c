import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "non-string-key",
  "error",
  "A mapping key is itself a mapping or a list. Policy documents only use plain string keys. Quote the key or restructure the value.",
);
