/** Compact views of schema issues, and the example repository's own files, for the validator tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { SchemaIssue } from "../../../src/model/schemas/validate.js";
import { parseSource } from "../../../src/model/source.js";

/** "kind pointer" of each issue. */
export function where(issues: readonly SchemaIssue[]): string[] {
  return issues.map((i) => `${i.kind} ${i.pointer}`);
}

const ROOT = join(import.meta.dirname, "../../..");

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(dir, e.name), out);
    else if (/\.ya?ml$/.test(e.name)) out.push(relative(ROOT, join(dir, e.name)));
  }
  return out;
}

/** Parsed values of the example repository at the project root: a valid edict repository. */
export function exampleFiles(filter: (path: string) => boolean): Array<{ path: string; value: unknown }> {
  const paths = ["edict.yaml", ".edict/packs.yaml", ...walk(join(ROOT, "policies"), []), ...walk(join(ROOT, "packs"), [])];
  return paths.filter(filter).map((path) => ({ path, value: parseSource(path, readFileSync(join(ROOT, path))).value }));
}
