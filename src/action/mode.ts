/** What every mode receives and returns: plain values and the injected clients. */
import type { ActionContext, Env } from "./context.js";
import type { Octokit, RepoRef } from "./github.js";
import type { ActionInputs } from "./inputs.js";
import type { ActionIO, ActionOutputs } from "./output.js";

export interface ModeRun {
  inputs: ActionInputs;
  ctx: ActionContext;
  octokit: Octokit;
  io: ActionIO;
  now: () => Date;
  env: Env;
  /** The policy repository's root folder (workspace + working-directory). */
  root: string;
  /** Path of the root inside the workspace: "" or "sub/dir/". */
  prefix: string;
  ref: RepoRef;
}

export interface ModeResult {
  outputs: ActionOutputs;
  /** Why the step fails; empty when it succeeds. */
  failures: string[];
}
