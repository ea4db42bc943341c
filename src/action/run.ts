/**
 * The Action as a function: inputs, context and clients in, outputs and a pass/fail out. main.ts
 * reads the runner's environment once and calls `runAction`; tests call it directly.
 */
import { isAbsolute, relative, resolve } from "node:path";
import { describeError, EdictError } from "../errors.js";
import { runCheck } from "./check.js";
import { defaultBranchOf } from "./context.js";
import type { ActionContext, Env } from "./context.js";
import type { Octokit } from "./github.js";
import type { ActionInputs } from "./inputs.js";
import { pathPrefix } from "./lint.js";
import type { ModeResult, ModeRun } from "./mode.js";
import { maskSecret, OUTPUT_NAMES } from "./output.js";
import type { ActionIO, ActionOutputs } from "./output.js";
import { runPacks } from "./packs-mode.js";
import type { PackHooks } from "./packs-mode.js";
import { runPublish } from "./publish.js";
import { runRefresh } from "./refresh.js";

export type ResolvedMode = "check" | "publish" | "refresh" | "packs";

export interface ActionDeps {
  octokit: Octokit;
  io: ActionIO;
  /** The clock (refresh decisions, expiry warnings); the real one unless told. */
  now?: () => Date;
  /** Environment variables the modes read (SOURCE_DATE_EPOCH); process.env unless told. */
  env?: Env;
  /** The pack steps' seams (packs mode, publish's packs-out); edict's own unless told. */
  packs?: PackHooks;
}

export interface ActionResult {
  mode?: ResolvedMode;
  ok: boolean;
  /** Why it failed, one line per reason; the step's failure message. */
  failure?: string;
  outputs: ActionOutputs;
}

/**
 * `auto`: check on pull requests, publish on a push to the default branch or a tag, refresh on
 * a schedule. A push to another branch is checked against the commit before it. `packs` runs
 * only when the mode input names it.
 */
export function resolveMode(inputs: Pick<ActionInputs, "mode">, ctx: ActionContext): { mode: ResolvedMode; why: string } {
  if (inputs.mode !== "auto") return { mode: inputs.mode, why: "set by the mode input" };
  const event = ctx.eventName;
  if (event === "pull_request" || event === "pull_request_target" || event === "merge_group") return { mode: "check", why: `a ${event} event` };
  if (event === "schedule") return { mode: "refresh", why: "a schedule event" };
  if (event === "push" || event === "workflow_dispatch") {
    if (ctx.ref.startsWith("refs/tags/")) return { mode: "publish", why: `a ${event} of tag ${ctx.ref.slice("refs/tags/".length)}` };
    const branch = ctx.ref.startsWith("refs/heads/") ? ctx.ref.slice("refs/heads/".length) : undefined;
    const main = defaultBranchOf(ctx);
    const isDefault = branch !== undefined && (main !== undefined ? branch === main : branch === "main" || branch === "master");
    if (isDefault) return { mode: "publish", why: `a ${event} to the default branch ${branch}` };
    return { mode: "check", why: `a ${event} to ${branch ?? ctx.ref}, not the default branch` };
  }
  throw new EdictError("USAGE", `mode auto does not know what to do on a ${event || "(unknown)"} event; set the mode input to check, publish, refresh or packs`);
}

/** Runs the mode the inputs and event ask for. Never throws: failures come back in the result. */
export async function runAction(inputs: ActionInputs, ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const { io } = deps;
  const env = deps.env ?? process.env;
  // before anything can print: the key is masked in every later line of the log
  maskSecret(io, inputs.signingKey);
  let mode: ResolvedMode | undefined;
  let result: ModeResult;
  try {
    const resolved = resolveMode(inputs, ctx);
    mode = resolved.mode;
    io.info(`edict: ${mode} mode (${resolved.why})`);
    const root = resolve(ctx.workspace, inputs.workingDirectory);
    const inside = relative(ctx.workspace, root);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new EdictError("USAGE", `working-directory ${inputs.workingDirectory} is outside the workspace ${ctx.workspace}`);
    }
    const run: ModeRun = {
      inputs,
      ctx,
      octokit: deps.octokit,
      io,
      now: deps.now ?? (() => new Date()),
      env,
      root,
      prefix: pathPrefix(inside),
      ref: { owner: ctx.owner, repo: ctx.repo },
    };
    result =
      mode === "check" ? await runCheck(run) : mode === "publish" ? await runPublish(run, deps.packs) : mode === "packs" ? await runPacks(run, deps.packs) : await runRefresh(run);
  } catch (e) {
    result = { outputs: {}, failures: [describeError(e, env.RUNNER_DEBUG === "1")] };
  }
  for (const name of OUTPUT_NAMES) io.setOutput(name, result.outputs[name] ?? "");
  const ok = result.failures.length === 0;
  return { ...(mode ? { mode } : {}), ok, outputs: result.outputs, ...(ok ? {} : { failure: result.failures.join("; ") }) };
}
