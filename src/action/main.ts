/**
 * The Action's entry (dist/action.js): reads the inputs and the runner's context once, builds
 * the GitHub client, and hands both to `runAction`. Everything else is plain functions.
 */
import * as core from "@actions/core";
import { describeError, EdictError } from "../errors.js";
import { readActionContext } from "./context.js";
import { createGitHubClient } from "./github.js";
import { parseInputs } from "./inputs.js";
import { maskSecret } from "./output.js";
import type { ActionIO } from "./output.js";
import { runAction } from "./run.js";

const io: ActionIO = {
  info: (message) => core.info(message),
  annotate: (level, message, props) => (level === "error" ? core.error : level === "warning" ? core.warning : core.notice)(message, props ?? {}),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  writeSummary: async (markdown) => {
    if (!process.env.GITHUB_STEP_SUMMARY) {
      core.info(markdown);
      return;
    }
    await core.summary.addRaw(markdown, true).write();
  },
};

async function main(): Promise<void> {
  // the first thing: nothing printed after this line can show the key
  maskSecret(io, core.getInput("signing-key"));
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const ctx = readActionContext(process.env, process.cwd());
    if (inputs.githubToken === "") throw new EdictError("USAGE", "input github-token is empty; leave it unset to use the job's token (${{ github.token }})");
    const octokit = createGitHubClient(inputs.githubToken, { baseUrl: process.env.GITHUB_API_URL || "https://api.github.com", onRetry: (line) => io.info(line) });
    const result = await runAction(inputs, ctx, { octokit, io });
    if (!result.ok) core.setFailed(`edict: ${result.failure ?? "failed"}`);
  } catch (e) {
    core.setFailed(`edict: ${describeError(e)}`);
  }
}

await main();
