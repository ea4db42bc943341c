/** Rewrites the rule table between the markers in README.md from the registry. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../src/lint/registry.js";
import { rulesMarkdownTable } from "../src/lint/rules-table.js";

const path = join(import.meta.dirname, "..", "README.md");
const text = readFileSync(path, "utf8");
const begin = "<!-- rules:begin -->\n";
const end = "<!-- rules:end -->";
const a = text.indexOf(begin);
const b = text.indexOf(end);
if (a < 0 || b < 0) throw new Error("README.md lacks the rules markers");
writeFileSync(path, text.slice(0, a + begin.length) + rulesMarkdownTable(RULES) + text.slice(b));
