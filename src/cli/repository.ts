/** Shared CLI helpers: open the repository, pick targets, say what is wrong with clear errors. */
import { resolve } from "node:path";
import { EdictError } from "../errors.js";
import { readRepository } from "../io/read-repository.js";
import type { Repository } from "../model/repository.js";
import { targetNames } from "../model/merge/index.js";
import { suggest } from "../model/suggest.js";
import type { CliIO } from "./io.js";
import { progress } from "./io.js";

export async function openRepository(io: CliIO, rootOption: string): Promise<{ root: string; repo: Repository }> {
  const root = resolve(io.cwd, rootOption);
  const bar = progress(io, "reading");
  const repo = await readRepository(root, (d, t) => bar.update(d, t));
  bar.done();
  if (repo.files.length === 0) {
    throw new EdictError("NOT_FOUND", `no policy repository at ${root}: no edict.yaml, policies/ or packs/ found`, { position: { file: root } });
  }
  return { root, repo };
}

/** Requires edict.yaml with targets; returns the names. */
export function requireTargets(repo: Repository): string[] {
  if (!repo.config) throw new EdictError("CONFIG_ERROR", "edict.yaml is missing or unreadable; run `edict lint` to see why", { position: { file: "edict.yaml" } });
  const names = targetNames(repo);
  if (names.length === 0) throw new EdictError("CONFIG_ERROR", "edict.yaml defines no targets", { position: { file: "edict.yaml" } });
  return names;
}

/** Validates a --target value against edict.yaml. */
export function resolveTarget(repo: Repository, target: string | undefined): string {
  const names = requireTargets(repo);
  if (target === undefined) {
    if (names.length === 1) return names[0]!;
    throw new EdictError("USAGE", `--target is required: one of ${names.join(", ")}`);
  }
  if (names.includes(target)) return target;
  const near = suggest(target, names);
  throw new EdictError("USAGE", `unknown target "${target}"${near ? `; did you mean "${near}"?` : ""} (targets in edict.yaml: ${names.join(", ")})`);
}
