import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "alias-limit",
  "error",
  "YAML aliases expand the document past edict's node limit (a \"billion laughs\" alias bomb exhausts memory in naive parsers). The rest of the document is ignored. Write the values out instead of nesting aliases.",
);
