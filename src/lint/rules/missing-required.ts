import { schemaIssueRule } from "./schema-issue.js";

export default schemaIssueRule(
  "missing-required",
  "A required key is missing, such as `metadata.priority`, a statement's `Effect`, or edict.yaml's `targets`. Without it edict cannot place or evaluate the document. Add the key.",
);
