/** Where a CLI decision command gets its engine: a policy repository (or, later, a verified bundle). */
import { compileEngine } from "../policy/eval/engine.js";
import type { Engine } from "../policy/eval/engine.js";
import { buildTarget } from "../policy/merge/index.js";
import type { TargetMerge } from "../policy/merge/index.js";
import type { Repository } from "../policy/repository.js";
import { runLint } from "../lint/engine.js";
import { RULES } from "../lint/registry.js";
import type { CliIO } from "./io.js";
import { openRepository, resolveTarget } from "./repository.js";

export interface RepositoryEngine {
  repo: Repository;
  target: string;
  merged: TargetMerge;
  engine: Engine;
}

/** Warns on stderr when lint has errors: invalid values are left out of the effective policy. */
export function warnOnLintErrors(io: CliIO, repo: Repository): void {
  const errors = runLint(repo, { rules: RULES }).summary.errors;
  if (errors > 0) io.stderr(`edict: warning: ${errors} lint error${errors === 1 ? "" : "s"}; invalid values are left out of the effective policy (run \`edict lint\`)\n`);
}

export async function engineFromRepository(io: CliIO, root: string, targetOption: string | undefined): Promise<RepositoryEngine> {
  const { repo } = await openRepository(io, root);
  const target = resolveTarget(repo, targetOption);
  warnOnLintErrors(io, repo);
  const merged = buildTarget(repo, target);
  return { repo, target, merged, engine: compileEngine(merged.effective) };
}
