/** Where a CLI decision command gets its engine: a policy repository (merged here) or a bundle verified against pinned keys. */
import { blake3Hex } from "../bundle/digest-blake3.js";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { readPublicKeys } from "../bundle/key-files.js";
import type { BundlePayload } from "../bundle/payload.js";
import { verifyBundle } from "../bundle/verify.js";
import { EdictError } from "../errors.js";
import { compileEngine } from "../engine/engine.js";
import type { Engine } from "../engine/engine.js";
import { buildTarget } from "../model/merge/index.js";
import type { TargetMerge } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import { runLint } from "../lint/engine.js";
import { RULES } from "../lint/registry.js";
import type { CliIO } from "./io.js";
import { openRepository, resolveTarget } from "./repository.js";

export interface RepositoryEngine {
  /** The repository's absolute path (from -C/--root, or found upward). */
  root: string;
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

export async function engineFromRepository(io: CliIO, rootOption: string | undefined, targetOption: string | undefined): Promise<RepositoryEngine> {
  const { root, repo } = await openRepository(io, rootOption);
  const target = resolveTarget(repo, targetOption);
  warnOnLintErrors(io, repo);
  const merged = buildTarget(repo, target);
  return { root, repo, target, merged, engine: compileEngine(merged.effective) };
}

/** An engine from a signed bundle, verified first (signature, digests, expiry, target). */
export async function engineFromBundle(io: CliIO, file: string, keyFiles: readonly string[], targetOption: string | undefined): Promise<{ target: string; engine: Engine; payload: BundlePayload }> {
  if (keyFiles.length === 0) throw new EdictError("USAGE", "--bundle needs --key PUB (the trusted public key); a bundle is never used unverified");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(io.cwd, file));
  } catch {
    throw new EdictError("NOT_FOUND", `cannot read bundle ${file}`);
  }
  const keys = readPublicKeys(keyFiles.map((k) => resolve(io.cwd, k)));
  const names = (payload: BundlePayload) => Object.keys(payload.targets);
  const first = verifyBundle(bytes, { trustedKeys: keys, blake3: blake3Hex, ...(targetOption ? { target: targetOption } : {}) });
  const available = names(first.payload);
  const target = targetOption ?? (available.length === 1 ? available[0]! : undefined);
  if (!target) throw new EdictError("USAGE", `--target is required: the bundle has ${available.join(", ")}`);
  return { target, engine: compileEngine(first.payload.targets[target]!), payload: first.payload };
}
