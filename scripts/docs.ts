/**
 * Rewrites the generated README sections between their markers: the lint rules, the shipped
 * packs, and the workflow `edict init` writes (templates/workflow.yml, byte for byte).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../src/lint/registry.js";
import { rulesMarkdownTable } from "../src/lint/rules-table.js";
import { packsMarkdown } from "../src/pack/docs.js";
import { readRepository } from "../src/io/read-repository.js";

const root = join(import.meta.dirname, "..");
const path = join(root, "README.md");
let text = readFileSync(path, "utf8");

function replaceBetween(name: string, body: string): void {
  const begin = `<!-- ${name}:begin -->\n`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`README.md lacks the ${name} markers`);
  text = text.slice(0, a + begin.length) + body + text.slice(b);
}

replaceBetween("rules", rulesMarkdownTable(RULES));
replaceBetween("packs", packsMarkdown(await readRepository(root)));
replaceBetween("workflow", "```yaml\n" + readFileSync(join(root, "templates", "workflow.yml"), "utf8") + "```\n");
writeFileSync(path, text);
