import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "invalid-encoding",
  "error",
  "The file is not valid UTF-8. Invalid bytes are decoded differently by different tools, so what a reviewer sees may not be what is enforced. Save the file as UTF-8.",
);
