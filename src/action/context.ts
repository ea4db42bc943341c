/**
 * What the runner tells the Action about the run (GITHUB_* variables and the event JSON), read
 * once into a plain value so that the modes are functions of their inputs.
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { EdictError } from "../errors.js";
import { isRecord } from "../engine/record.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface ActionContext {
  /** GITHUB_EVENT_NAME: pull_request, push, schedule, … */
  eventName: string;
  /** GITHUB_REF: refs/heads/main, refs/tags/v1, refs/pull/7/merge. */
  ref: string;
  /** GITHUB_SHA. */
  sha: string;
  owner: string;
  repo: string;
  /** The event JSON (GITHUB_EVENT_PATH); {} when there is none. */
  payload: Record<string, unknown>;
  /** GITHUB_WORKSPACE: the checkout; working-directory is relative to it. */
  workspace: string;
  /** GITHUB_SERVER_URL, for links. */
  serverUrl: string;
  /** GITHUB_RUN_ID, for the link to the job summary. */
  runId?: string;
  /** RUNNER_TEMP: where the bundle files are written. */
  runnerTemp: string;
}

export interface PullRequestInfo {
  number: number;
  baseSha?: string;
  headSha?: string;
  /** Whether the head branch lives in another repository (a fork). */
  fromFork: boolean;
}


/**
 * Reads the context from the runner's environment. Fails with a clear message when
 * GITHUB_REPOSITORY is missing or the event file is not JSON.
 */
export function readActionContext(env: Env, cwd: string, readText: (path: string) => string = (p) => readFileSync(p, "utf8")): ActionContext {
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new EdictError("USAGE", `GITHUB_REPOSITORY must be "owner/name", got ${JSON.stringify(env.GITHUB_REPOSITORY ?? "")}; the Action runs inside GitHub Actions`);
  }
  let payload: Record<string, unknown> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    let text: string;
    try {
      text = readText(eventPath);
    } catch (e) {
      throw new EdictError("IO_ERROR", `cannot read the event file GITHUB_EVENT_PATH=${eventPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new EdictError("PARSE_ERROR", `the event file ${eventPath} is not JSON: ${(e as Error).message}`, { cause: e });
    }
    if (isRecord(parsed)) payload = parsed;
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? "",
    ref: env.GITHUB_REF ?? "",
    sha: env.GITHUB_SHA ?? "",
    owner,
    repo,
    payload,
    workspace: env.GITHUB_WORKSPACE || cwd,
    serverUrl: (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
    ...(env.GITHUB_RUN_ID ? { runId: env.GITHUB_RUN_ID } : {}),
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
  };
}

/** The pull request of a pull_request(_target) event, if any. */
export function pullRequestOf(ctx: ActionContext): PullRequestInfo | undefined {
  const pr = ctx.payload.pull_request;
  if (!isRecord(pr)) return undefined;
  const number = typeof pr.number === "number" ? pr.number : typeof ctx.payload.number === "number" ? ctx.payload.number : undefined;
  if (number === undefined) return undefined;
  const base = isRecord(pr.base) ? pr.base : {};
  const head = isRecord(pr.head) ? pr.head : {};
  const baseRepo = isRecord(base.repo) ? base.repo.full_name : undefined;
  const headRepo = isRecord(head.repo) ? head.repo.full_name : undefined;
  return {
    number,
    ...(typeof base.sha === "string" ? { baseSha: base.sha } : {}),
    ...(typeof head.sha === "string" ? { headSha: head.sha } : {}),
    fromFork: typeof baseRepo === "string" && typeof headRepo === "string" && baseRepo !== headRepo,
  };
}

/** The repository's default branch from the event (push and schedule events carry it). */
export function defaultBranchOf(ctx: ActionContext): string | undefined {
  const repository = ctx.payload.repository;
  if (isRecord(repository) && typeof repository.default_branch === "string") return repository.default_branch;
  return undefined;
}

/** The link to this run, whose page shows the job summary. */
export function runUrlOf(ctx: ActionContext): string | undefined {
  return ctx.runId ? `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}` : undefined;
}
