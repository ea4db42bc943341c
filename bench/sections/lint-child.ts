/**
 * Child process of the lint benchmark (forked by ./lint.ts, so a slow size can be stopped at a
 * deadline without losing the rest of the run). Arguments: files, rounds. Sends the floor result,
 * then the lint result, as IPC messages.
 */
import { runLint } from "../../src/lint/engine.js";
import { RULES } from "../../src/lint/registry.js";
import { buildRepository, classifyPath, validateFile } from "../../src/model/repository.js";
import type { RawFile } from "../../src/model/repository.js";
import { parseSource } from "../../src/model/source.js";
import { generateRepository } from "../lib/generate.js";
import { timeRounds } from "../lib/measure.js";

export type LintChildMessage =
  | { kind: "floor"; files: number; medianMs: number; rounds: number[]; schemaIssues: number }
  | { kind: "lint"; files: number; medianMs: number; rounds: number[]; errors: number; warnings: number; infos: number; byRule: Record<string, number> }
  | { kind: "error"; message: string };

/**
 * The floor: parse every file with its source positions (which every finding points at, and which
 * a parse builds only when first asked for) and validate it against its schema, nothing else.
 */
function parseAndValidate(files: readonly RawFile[]): number {
  let issues = 0;
  for (const raw of files) {
    const kind = classifyPath(raw.path);
    if (kind === undefined) continue;
    const file = parseSource(raw.path, raw.bytes);
    void file.spans;
    issues += validateFile(kind, file.value).issues.length;
  }
  return issues;
}

function lintOnce(files: readonly RawFile[]) {
  return runLint(buildRepository(files), { rules: RULES });
}

function send(message: LintChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      console.log(JSON.stringify(message));
      resolve();
    } else {
      process.send(message, () => resolve());
    }
  });
}

async function main(): Promise<void> {
  const files = Number(process.argv[2]);
  const rounds = Number(process.argv[3] ?? 1);
  const repo = generateRepository(files, 3);
  // warm up the parser, ajv's compiled schemas and every rule on a small repository first
  const warm = generateRepository(50, 99).files;
  for (let i = 0; i < 3; i++) {
    parseAndValidate(warm);
    lintOnce(warm);
  }
  const floor = await timeRounds(() => parseAndValidate(repo.files), rounds, files <= 1000 ? 1 : 0);
  await send({ kind: "floor", files, medianMs: floor.medianMs, rounds: floor.rounds, schemaIssues: parseAndValidate(repo.files.slice(0, 200)) });
  let last: ReturnType<typeof lintOnce> | undefined;
  const lint = await timeRounds(() => (last = lintOnce(repo.files)), rounds, files <= 1000 ? 1 : 0);
  const byRule: Record<string, number> = {};
  for (const f of last?.findings ?? []) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  const summary = last?.summary;
  await send({
    kind: "lint",
    files,
    medianMs: lint.medianMs,
    rounds: lint.rounds,
    errors: summary?.errors ?? 0,
    warnings: summary?.warnings ?? 0,
    infos: summary?.infos ?? 0,
    byRule,
  });
}

main().then(
  () => process.exit(0),
  async (e: unknown) => {
    await send({ kind: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(1);
  },
);
