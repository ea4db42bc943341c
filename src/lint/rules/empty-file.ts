import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "empty-file",
  "error",
  "The file holds no document. An empty policy file is usually a mistake (a failed edit or merge) and applies nothing. Delete the file or write the policy.",
  "structure",
);
