import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "multi-document-file",
  "error",
  "The file holds several YAML documents separated by `---`. edict reads one policy per file so that ownership (CODEOWNERS), pack tracking and diffs stay simple; only the first document is read. Move each document to its own file.",
  "structure",
);
