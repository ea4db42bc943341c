import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "byte-order-mark",
  "info",
  "The file starts with a UTF-8 byte-order mark. edict ignores it, but some YAML tools treat it as content of the first key. Save the file as UTF-8 without BOM.",
);
