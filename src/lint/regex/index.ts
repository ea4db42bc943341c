/** Regular-expression analysis for lint: parsing, character sets, overlap automata, and the safety checks. */
export { backtrackingRisk, checkRegex, isSafeRegex, splitInlineFlags, toJsRegExp, type RegexCheck } from "./safety.js";
