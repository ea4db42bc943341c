import { schemaIssueRule } from "./schema-issue.js";

export default schemaIssueRule(
  "invalid-type",
  "A value of the wrong type: a string where a number is expected, a mapping where a list is expected. Engines coerce such values differently (\"false\" is truthy in many), which can turn a control off. Write the value with the type shown.",
);
