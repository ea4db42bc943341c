import { sourceProblemRule } from "./source-problem.js";

export default sourceProblemRule(
  "file-too-large",
  "error",
  "The file is larger than 1 MiB. No real policy is that big, and reading unbounded input is how a hostile pull request exhausts a CI runner. Split the policy into several files.",
);
