import { parseArn } from "../../engine/access/conditions.js";
import { conditionValues } from "../conditions.js";
import { defineRule } from "../rule.js";

/** Why a condition value is not an ARN pattern, or undefined when it is one. */
function validateArn(value: unknown): string | undefined {
  if (typeof value !== "string") return `expected an ARN string, got ${JSON.stringify(value)}`;
  if (parseArn(value) !== undefined) return undefined;
  const parts = value.split(":");
  if (parts[0] !== "arn") return `"${value}" is not an ARN: it must start with "arn:"`;
  return `"${value}" is not an ARN: expected 6 colon-separated parts (arn:partition:service:region:account:resource), got ${parts.length}`;
}

export default defineRule(
  {
    id: "invalid-arn",
    category: "schema",
    severity: "error",
    description:
      "An `ArnEquals`/`ArnLike`/`ArnNotEquals`/`ArnNotLike` condition value that is not an ARN `arn:partition:service:region:account:resource`: fewer than six colon-separated parts, or not starting with `arn:` (`*` and `?` match within one part, so `arn:aws:s3:*` is not a pattern for every S3 ARN). edict treats a value that is not an ARN as an evaluation error (an Allow does not apply, a Deny does), so the statement would not do what it says. Write all six parts, with `*` for the ones that may be anything.",
  },
  (ctx) => {
    for (const c of conditionValues(ctx.repo)) {
      if (!c.parsed?.base.startsWith("Arn")) continue;
      const message = validateArn(c.value);
      if (message) ctx.report({ file: c.file, pointer: c.pointer, message, help: 'write all six parts, e.g. "arn:aws:s3:::my-bucket/*" or "arn:aws:iam::*:role/*"' });
    }
  },
);
