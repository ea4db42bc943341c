import { mergeEventRule, show } from "./merge-event.js";

export default mergeEventRule(
  "equal-precedence-conflict",
  "equal-precedence",
  "warning",
  "Two documents of the same layer and priority set one field to different values, so only the alphabetical order of their ids decides which applies. Give the documents different priorities so the intended one wins on purpose.",
  (e, targets) => ({
    message: `${e.path} is also set to ${show(e.kept)} by ${e.other.entry.file.path} at the same layer and priority; ${show(e.attempted)} wins only by id order (${targets.join(", ")})`,
    help: "give one of the documents a higher metadata.priority",
  }),
);
