/** The GitHub Action: check, publish, refresh and packs modes as plain functions, and the comment renderer. */
export { runAction, resolveMode } from "./run.js";
export type { ActionDeps, ActionResult, ResolvedMode } from "./run.js";
export { FAIL_ON, INPUT_NAMES, MODES, parseInputs, parseList } from "./inputs.js";
export type { ActionInputs, FailOn, InputName, Mode } from "./inputs.js";
export { defaultBranchOf, pullRequestOf, readActionContext, runUrlOf } from "./context.js";
export type { ActionContext, Env, PullRequestInfo } from "./context.js";
export { maskSecret, OUTPUT_NAMES } from "./output.js";
export type { ActionIO, ActionOutputs, AnnotationLevel, AnnotationProps, OutputName } from "./output.js";
export { COMMENT_MAX_LENGTH, renderReport, SUMMARY_MAX_LENGTH } from "./comment.js";
export type { CheckReport, RenderOptions } from "./comment.js";
export {
  COMMENT_MARKER,
  commentMarker,
  createDraftRelease,
  createGitHubClient,
  deleteReleaseAsset,
  describeGitHubFailure,
  downloadReleaseAsset,
  findStickyComment,
  getRelease,
  getReleaseByTag,
  listReleases,
  publishRelease,
  statusOf,
  uploadReleaseAsset,
  upsertStickyComment,
} from "./github.js";
export type { CommentAction, DownloadLimits, GitHubClientOptions, NewRelease, Octokit, ReleaseAsset, ReleaseInfo, RepoRef, StickyComment } from "./github.js";
export { realSleep, retriesOf, retryPlugin, withRetries } from "./github-retry.js";
export type { RetryBudget, RetryCall, RetryOptions, RetryRecord, Sleep } from "./github-retry.js";
export { classifyFailure, DEFAULT_RETRY_POLICY, nextRetry, parseRetryAfter } from "./retry-policy.js";
export type { FailureKind, RetryableFailure, RetryPolicy, RetryStep } from "./retry-policy.js";
export { ANNOTATIONS_PER_LEVEL, annotateFindings, lintForAction, pathPrefix } from "./lint.js";
export { ensureCommit } from "./git.js";
export { runPolicyTests } from "./policy-tests.js";
export type { PolicyTestReport, TestFailure } from "./policy-tests.js";
export { baseCommitOf, runCheck } from "./check.js";
export { bundleDir, publishPacksForRelease, runPublish, verdictSinceRelease } from "./publish.js";
export { refreshDecision, refreshedPayload, runRefresh, signRefreshed } from "./refresh.js";
export { changeLine, PACK_PR_MARKER, planChanges, runPacks, upgradeBody, upgradeTitle } from "./packs-mode.js";
export type { PackHooks, PackUpgradeProposal, ProposeOptions, ProposeUpgrades } from "./packs-mode.js";
export {
  authEnv,
  BOT_AUTHOR,
  commitChanges,
  findOpenPullRequest,
  PACK_UPGRADE_BRANCH,
  proposePullRequest,
  PULL_REQUEST_BODY_MAX,
  pushBranch,
  upsertPullRequest,
} from "./pull-request.js";
export type { FileChange, GitExec, ProposedCommit, ProposeResult, ProposeSpec, PullRequestAction, PullRequestRef } from "./pull-request.js";
export type { RefreshDecision } from "./refresh.js";
export { differingAssets, publishBundleRelease, readReleasedBundle, releaseCandidates, releaseFiles, tagPrefixOf } from "./release.js";
export type { PublishAction, ReleaseCandidate, ReleasedBundle, ReleaseFile } from "./release.js";
export { requireSigningKey } from "./signing-key.js";
export type { ModeResult, ModeRun } from "./mode.js";
