import { schemaIssueRule } from "./schema-issue.js";

export default schemaIssueRule(
  "invalid-value",
  "A value outside what the field allows: not one of the listed values, out of range (a priority above 9999, a score above 100), not matching the required pattern (policy ids are lowercase `[a-z0-9_-]`), or an empty string. Use one of the values shown.",
);
