/** The example repository's real files, the seeds every lint/loading mutation starts from. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

export interface CorpusFile {
  path: string;
  bytes: Uint8Array;
}

export interface Corpus {
  /** edict.yaml, .edict/packs.yaml, policies/**, packs/** (what lint reads). */
  repository: CorpusFile[];
  /** tests/** (what `edict test` reads). */
  suites: CorpusFile[];
}

function walk(root: string, dir: string, out: CorpusFile[]): void {
  if (!existsSync(join(root, dir))) return;
  for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(root, rel, out);
    else if (e.isFile()) out.push({ path: rel, bytes: new Uint8Array(readFileSync(join(root, rel))) });
  }
}

export function readCorpus(root: string = REPO_ROOT): Corpus {
  const repository: CorpusFile[] = [];
  for (const top of ["edict.yaml", ".edict/packs.yaml"]) {
    if (existsSync(join(root, top))) repository.push({ path: top, bytes: new Uint8Array(readFileSync(join(root, top))) });
  }
  walk(root, "policies", repository);
  walk(root, "packs", repository);
  const suites: CorpusFile[] = [];
  walk(root, "tests", suites);
  return { repository, suites };
}
