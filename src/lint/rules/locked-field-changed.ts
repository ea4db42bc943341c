import { mergeEventRule, show } from "./merge-event.js";

export default mergeEventRule(
  "locked-field-changed",
  "locked",
  "warning",
  "A document changes a field that a lower-precedence document lists in `metadata.locked` (VaultGuard's enterprise lock). The change is ignored: the effective value stays the locking document's. Remove the change, or change the locking document if the new value is intended.",
  (e, targets) => ({
    message: `${e.path} is locked by ${e.other.entry.file.path} at ${show(e.kept)}; ${show(e.attempted)} is ignored (${targets.join(", ")})`,
    help: `remove ${e.path} here, or change it in ${e.other.entry.file.path}`,
  }),
);
