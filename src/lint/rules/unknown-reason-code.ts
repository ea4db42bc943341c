import { REASON_CODES } from "../../engine/vocabulary.js";
import { suggest } from "../../model/suggest.js";
import { formatRule } from "./format-rule.js";

export default formatRule(
  "unknown-reason-code",
  {
    "reason-code": (v) => {
      if ((REASON_CODES as readonly string[]).includes(v)) return undefined;
      const near = suggest(v, REASON_CODES);
      return `unknown violation reason code "${v}"${near ? `; did you mean "${near}"?` : ""}`;
    },
  },
  "A `deny_on` or `escalate_on` entry that is not one of Sec0's violation reason codes. No violation ever carries an unknown code, so the entry enforces nothing: a typo in `deny_on` silently turns enforcement off for that violation. Use a code from the list (e.g. `tool_not_in_allowlist`).",
);
