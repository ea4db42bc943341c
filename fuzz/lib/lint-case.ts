/**
 * One lint/loading fuzz case: a repository built from mutated example files, read the way
 * `edict lint`, `edict effective` and `edict test` read it, and checked against the quality bars
 *: no exception escapes, every finding names a file and a position, no rule crashes
 * (`internal-error`), a lint-clean repository compiles, nothing global changes.
 */
import { runLint } from "../../src/lint/engine.js";
import { RULES } from "../../src/lint/registry.js";
import { formatReport, REPORT_FORMATS } from "../../src/lint/reporters/index.js";
import type { ReportFormat } from "../../src/lint/reporters/index.js";
import { compileEngine } from "../../src/engine/engine.js";
import { buildAllTargets } from "../../src/model/merge/index.js";
import { buildRepository } from "../../src/model/repository.js";
import { parseSuite } from "../../src/testing/suite.js";
import { runCases } from "../../src/testing/run.js";
import type { Corpus, CorpusFile } from "./corpus.js";
import { pollutionProblems } from "./invariants.js";
import { applyOp, randomOp, randomPath } from "./mutate.js";
import type { Op } from "./mutate.js";
import { Rng } from "./rng.js";

export interface FileEdit {
  /** Path in the corpus (repository or tests/). */
  from: string;
  /** Path in the case, when renamed. */
  to?: string;
  ops: Op[];
}

/** A case, fully described by its scope and edits (replayable without the seed). */
export interface LintCase {
  seed: number;
  /** Corpus paths of the unmutated files included. */
  include: string[];
  edits: FileEdit[];
}

export interface CaseFiles {
  repository: CorpusFile[];
  suites: CorpusFile[];
}

export interface Problem {
  /** Stable class of the failure, what shrinking keeps: "threw:runLint", "internal-error:<rule>", … */
  kind: string;
  detail: string;
}

export interface CheckOptions {
  /** Render every report format (slower). */
  reports?: boolean;
  /** Compile and run the policy tests when lint finds no error. */
  compile?: boolean;
}

const SARIF_OPTIONS = { toolVersion: "0.0.0-fuzz", rules: RULES.map((r) => r.meta) };

function packOf(path: string): string | undefined {
  return /^packs\/([^/]+)\//.exec(path)?.[1] ?? /^policies\/([a-z0-9_-]+?)__\d\d__/.exec(path)?.[1];
}

/** Draws a case: a scope of the example (one file, one pack, or everything) and 1–3 edited files. */
export function drawCase(seed: number, corpus: Corpus, heavy = 0.01): LintCase {
  const rng = new Rng(seed);
  const repo = corpus.repository;
  const all = [...repo, ...corpus.suites];
  const scope = rng.below(100);
  let include: string[];
  if (scope < 1) {
    include = repo.map((f) => f.path);
  } else if (scope < 26) {
    // one pack: its shipped files, its installed files, the state and the config
    const packs = [...new Set(repo.map((f) => packOf(f.path)).filter((p): p is string => p !== undefined))];
    const pack = rng.pick(packs);
    include = repo.filter((f) => f.path === "edict.yaml" || f.path === ".edict/packs.yaml" || packOf(f.path) === pack).map((f) => f.path);
  } else {
    include = ["edict.yaml", ...rng.some(repo.map((f) => f.path), 3, 1)];
  }
  if (rng.chance(0.15)) include.push(rng.pick(corpus.suites).path);
  include = [...new Set(include)];

  const edits: FileEdit[] = [];
  const editCount = rng.int(1, 3);
  for (let i = 0; i < editCount; i++) {
    const from = rng.chance(0.85) ? rng.pick(include) : rng.pick(all).path;
    const size = all.find((f) => f.path === from)!.bytes.length;
    const ops: Op[] = [];
    const n = rng.int(1, 4);
    for (let k = 0; k < n; k++) ops.push(randomOp(rng, size, heavy));
    const edit: FileEdit = { from, ops };
    if (rng.chance(0.07)) edit.to = randomPath(rng, from);
    edits.push(edit);
  }
  return { seed, include, edits };
}

/** The files of a case: included corpus files, then each edit applied in order. */
export function materializeCase(c: LintCase, corpus: Corpus): CaseFiles {
  const byPath = new Map<string, { path: string; bytes: Uint8Array; suite: boolean }>();
  const find = (p: string) => corpus.repository.find((f) => f.path === p) ?? corpus.suites.find((f) => f.path === p);
  for (const p of c.include) {
    const f = find(p);
    if (f) byPath.set(p, { path: p, bytes: f.bytes, suite: p.startsWith("tests/") });
  }
  for (const e of c.edits) {
    const current = byPath.get(e.from) ?? (find(e.from) ? { path: e.from, bytes: find(e.from)!.bytes, suite: e.from.startsWith("tests/") } : undefined);
    if (!current) continue;
    let bytes = current.bytes;
    for (const op of e.ops) bytes = applyOp(bytes, op);
    byPath.delete(e.from);
    let to = e.to ?? e.from;
    // a real tree cannot hold one path twice
    while (byPath.has(to)) to = `${to}.dup`;
    byPath.set(to, { path: to, bytes, suite: current.suite });
  }
  const repository: CorpusFile[] = [];
  const suites: CorpusFile[] = [];
  for (const f of byPath.values()) (f.suite ? suites : repository).push({ path: f.path, bytes: f.bytes });
  return { repository, suites };
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message.slice(0, 300)}\n${(e.stack ?? "").split("\n").slice(1, 6).join("\n")}`;
  return String(e);
}

/** Runs the readers over the files and returns every broken quality bar (empty when all hold). */
export function checkFiles(files: CaseFiles, options: CheckOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const paths = new Set(files.repository.map((f) => f.path));
  let repo;
  try {
    repo = buildRepository(files.repository);
  } catch (e) {
    return [{ kind: "threw:buildRepository", detail: describeError(e) }];
  }
  let result;
  try {
    result = runLint(repo, { rules: RULES });
  } catch (e) {
    return [{ kind: "threw:runLint", detail: describeError(e) }];
  }
  for (const f of result.findings) {
    if (f.rule === "internal-error") {
      // grouped by cause: one crash of the merge shows up in every rule that reads it
      const cause = (/^rule \S+ failed: (.*)$/s.exec(f.message)?.[1] ?? f.message).replace(/\d+/g, "N").slice(0, 60);
      problems.push({ kind: `internal-error:${cause}`, detail: f.message });
      continue;
    }
    const where = `${f.rule} ${JSON.stringify(f.file)}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;
    if (typeof f.file !== "string" || f.file === "") problems.push({ kind: `no-file:${f.rule}`, detail: where });
    else if (!paths.has(f.file)) problems.push({ kind: `unknown-file:${f.rule}`, detail: where });
    if (!(Number.isInteger(f.line) && f.line >= 1)) problems.push({ kind: `bad-line:${f.rule}`, detail: where });
    if (!(Number.isInteger(f.column) && f.column >= 1)) problems.push({ kind: `bad-column:${f.rule}`, detail: where });
    if (!(Number.isInteger(f.endLine) && f.endLine >= f.line)) problems.push({ kind: `bad-end-line:${f.rule}`, detail: where });
    if (!(Number.isInteger(f.endColumn) && (f.endLine > f.line || f.endColumn > f.column))) problems.push({ kind: `bad-end-column:${f.rule}`, detail: where });
    if (typeof f.message !== "string" || f.message === "") problems.push({ kind: `no-message:${f.rule}`, detail: where });
  }
  if (options.reports) {
    const sources = new Map(repo.files.map((f) => [f.path, f.source.text] as const));
    for (const format of REPORT_FORMATS as readonly ReportFormat[]) {
      try {
        const out = formatReport(format, { ...result, sources }, SARIF_OPTIONS);
        if (typeof out !== "string") problems.push({ kind: `report:${format}`, detail: "did not return text" });
      } catch (e) {
        problems.push({ kind: `threw:report:${format}`, detail: describeError(e) });
      }
    }
  }
  const suites: ReturnType<typeof parseSuite>[] = [];
  for (const s of files.suites) {
    try {
      const suite = parseSuite(s.path, s.bytes);
      for (const p of suite.problems) {
        if (!(p.line >= 1 && p.column >= 1) || p.file !== s.path) problems.push({ kind: "suite-position", detail: `${p.file}:${p.line}:${p.column} ${p.message}` });
      }
      suites.push(suite);
    } catch (e) {
      problems.push({ kind: "threw:parseSuite", detail: describeError(e) });
    }
  }
  if (options.compile !== false && result.summary.errors === 0) {
    // What lint accepts, `edict bundle build` signs and the loader compiles: it must compile.
    try {
      const targets = new Map(buildAllTargets(repo).map((m) => [m.target, { merged: m, engine: compileEngine(m.effective) }] as const));
      const cases = suites.flatMap((s) => s.cases);
      if (cases.length > 0) runCases(cases, targets);
    } catch (e) {
      problems.push({ kind: `lint-clean-but-fails:${(e as { code?: string }).code ?? (e as Error).constructor?.name}`, detail: describeError(e) });
    }
  }
  for (const p of pollutionProblems()) problems.push({ kind: "pollution", detail: p });
  return problems;
}

export function checkCase(c: LintCase, corpus: Corpus, options: CheckOptions = {}): { files: CaseFiles; problems: Problem[] } {
  const files = materializeCase(c, corpus);
  return { files, problems: checkFiles(files, options) };
}
