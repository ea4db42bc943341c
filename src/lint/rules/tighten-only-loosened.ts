import { mergeEventRule, show } from "./merge-event.js";

export default mergeEventRule(
  "tighten-only-loosened",
  "tighten-only",
  "error",
  "A document tries to loosen a tighten-only field (`allow_insecure`, `min_security_score`, `require_*`, `AuditLog.Required`, `RedactPII`). Such fields can only become stricter as documents layer up, so the looser value is ignored; a reviewer reading this file would believe otherwise. Remove the value or make it at least as strict.",
  (e, targets) => ({
    message: `${e.path} can only tighten: ${show(e.attempted)} is looser than ${show(e.kept)} set by ${e.other.entry.file.path}, so it is ignored (${targets.join(", ")})`,
    help: `remove ${e.path} here or set it to ${show(e.kept)}`,
  }),
);
