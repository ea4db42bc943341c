/** Shared CLI helpers: open the repository, pick targets, say what is wrong with clear errors. */
import { resolve } from "node:path";
import { EdictError } from "../errors.js";
import { readRepository } from "../io/read-repository.js";
import type { Repository } from "../model/repository.js";
import { targetNames } from "../model/merge/index.js";
import { suggest } from "../model/suggest.js";
import { findRoot } from "./find-root.js";
import type { CliIO } from "./io.js";
import { progress } from "./io.js";

/** Where the repository is: `-C DIR` as given (relative to the current folder), else found upward. */
export interface RepositoryRoot {
  root: string;
  /** "option": from -C/--root; "found": the nearest folder upward with edict.yaml; "cwd": none found, the current folder. */
  from: "option" | "found" | "cwd";
}

/** `-C/--root` as given, else the nearest folder upward holding edict.yaml, else the current folder. */
export function locateRepository(io: CliIO, rootOption: string | undefined): RepositoryRoot {
  if (rootOption !== undefined) return { root: resolve(io.cwd, rootOption), from: "option" };
  const found = findRoot(io.cwd);
  return found === undefined ? { root: resolve(io.cwd), from: "cwd" } : { root: found, from: "found" };
}

/** The repository root's absolute path (see locateRepository). */
export function repositoryRoot(io: CliIO, rootOption: string | undefined): string {
  return locateRepository(io, rootOption).root;
}

/** `-C/--root` or its older spelling `--policies` (eval, posture, check-agent); giving two different folders is a usage error. */
export function rootOptionOf(opts: { root?: string | undefined; policies?: string | undefined }): string | undefined {
  if (opts.root !== undefined && opts.policies !== undefined && resolve(opts.root) !== resolve(opts.policies)) {
    throw new EdictError("USAGE", `-C/--root ${opts.root} and --policies ${opts.policies} name different folders; give one of them`);
  }
  return opts.root ?? opts.policies;
}

export async function openRepository(io: CliIO, rootOption: string | undefined): Promise<{ root: string; repo: Repository }> {
  const { root, from } = locateRepository(io, rootOption);
  const bar = progress(io, "reading");
  const repo = await readRepository(root, (d, t) => bar.update(d, t));
  bar.done();
  if (repo.files.length === 0) {
    const message =
      from === "option"
        ? "no policy repository here: no edict.yaml, policies/ or packs/ found; pass -C <folder> with the folder that holds edict.yaml"
        : "no policy repository here or in any folder above it: no edict.yaml found; run edict inside the repository, or pass -C <folder>";
    throw new EdictError("NOT_FOUND", message, { position: { file: root } });
  }
  return { root, repo };
}

/** Requires edict.yaml with targets; returns the names. */
export function requireTargets(repo: Repository): string[] {
  if (!repo.config) throw new EdictError("CONFIG_ERROR", "missing or unreadable; run `edict lint` to see why", { position: { file: "edict.yaml" } });
  const names = targetNames(repo);
  if (names.length === 0) throw new EdictError("CONFIG_ERROR", "no targets defined: add one under `targets:`, for example `targets: { production: {} }`", { position: { file: "edict.yaml" } });
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
