/**
 * The repository as the tree-reading rules see it. A file with a YAML syntax error holds the tree
 * the parser guessed after the error, and findings drawn from it would flood the report with
 * consequences of one typo (a dedented `Action:` becomes an unknown key of the spec, the
 * statement loses its Action, …). So its document takes no part in cross-file checks: a broken
 * policy is left out of the merge and of the id and target checks, and a broken edict.yaml leaves
 * no targets to check against. The syntax error itself is reported by the yaml-syntax rule.
 */
import type { Repository } from "../model/repository.js";

export function parsedView(repo: Repository): Repository {
  if (!repo.files.some((f) => f.source.syntaxError)) return repo;
  const parses = (e: { file: { source: { syntaxError?: boolean } } }) => !e.file.source.syntaxError;
  const view: Repository = {
    ...repo,
    policies: repo.policies.filter(parses),
    packPolicies: repo.packPolicies.filter(parses),
    packMetas: repo.packMetas.map((m) => (parses(m) ? m : { file: m.file, pack: m.pack })),
  };
  if (repo.config && !parses(repo.config)) delete view.config;
  if (repo.packState && !parses(repo.packState)) delete view.packState;
  return view;
}
