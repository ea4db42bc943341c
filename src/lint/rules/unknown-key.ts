import { schemaIssueRule } from "./schema-issue.js";

export default schemaIssueRule(
  "unknown-key",
  "A key that the format does not define. Misspelled keys are silently ignored by most policy engines, so the control the author meant is never applied (`Efect: Deny` denies nothing). edict suggests the nearest known key; rename the key or remove it.",
);
