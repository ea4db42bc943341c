/** `edict diff --base REF [--head REF]`: what a change does to the effective policy. */
import type { Command } from "commander";
import { DEFAULT_MAX_REGIONS, diffRepositories, isLoosening, isTightening, renderDiffJson, renderDiffMarkdown, renderDiffText } from "../../diff/index.js";
import type { DiffResult } from "../../diff/index.js";
import { EdictError } from "../../errors.js";
import { shouldUseColor } from "../../lint/reporters/index.js";
import { DEFAULT_TAG_PREFIX, latestTaggedVersion } from "../../bundle/version.js";
import { openGit, readRepositoryAtRevision } from "../../io/git.js";
import type { Repository } from "../../model/repository.js";
import { EXIT, progress } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice, parseCount, rootOption } from "../options.js";
import { openRepository, repositoryRoot, requireTargets } from "../repository.js";

const FORMATS = ["text", "markdown", "json"] as const;
const FAIL_ON = ["loosened", "tightened", "changed"] as const;

/** The label of the head side when it is the working tree (JSON `head`). */
export const WORKING_TREE = "working-tree";

export interface DiffCommandOptions {
  base: string;
  head?: string;
  target?: string[];
  format: (typeof FORMATS)[number];
  failOn?: (typeof FAIL_ON)[number];
  maxRegions?: number;
  root?: string;
}

/**
 * The version of the latest release, from the release tags (`<tag_prefix><semver>`, as
 * `edict bundle build` and the Action name them) in the git repository around `root`;
 * undefined before the first release.
 */
async function lastReleasedVersion(root: string, repo: Repository): Promise<string | undefined> {
  const prefix = repo.config?.value.bundle?.tag_prefix ?? DEFAULT_TAG_PREFIX;
  const git = await openGit(root, "diff");
  let out: string;
  try {
    out = await git.git.raw(["for-each-ref", "--format=%(refname:strip=2)", "refs/tags/"]);
  } catch (e) {
    throw new EdictError("GIT_ERROR", `cannot list the release tags: ${(e instanceof Error ? e.message : String(e)).trim().split("\n")[0]}`, { cause: e });
  }
  return latestTaggedVersion(out.split("\n").filter((t) => t !== ""), prefix);
}

async function readAt(io: CliIO, root: string, rev: string, label: string): Promise<{ commit: string; repo: Repository }> {
  const bar = progress(io, `reading ${label} ${rev}`);
  try {
    return await readRepositoryAtRevision(root, rev, (d, t) => bar.update(d, t));
  } finally {
    bar.done();
  }
}

function failed(result: DiffResult, failOn: DiffCommandOptions["failOn"]): boolean {
  switch (failOn) {
    case "loosened":
      // a comparison cut short may hide a loosening: fail closed
      return isLoosening(result.verdict) || result.targets.some((t) => !t.proof.proven);
    case "tightened":
      return isTightening(result.verdict);
    case "changed":
      return result.verdict !== "unchanged";
    default:
      return false;
  }
}

export async function diffCommand(io: CliIO, opts: DiffCommandOptions): Promise<number> {
  const root = repositoryRoot(io, opts.root);
  const base = await readAt(io, root, opts.base, "base");
  let head: { label: string; repo: Repository };
  if (opts.head !== undefined) {
    const h = await readAt(io, root, opts.head, "head");
    if (h.repo.files.length === 0) throw new EdictError("NOT_FOUND", `no policy repository at ${opts.head}: no edict.yaml, policies/ or packs/ in that revision`);
    head = { label: h.commit, repo: h.repo };
  } else {
    head = { label: WORKING_TREE, repo: (await openRepository(io, root)).repo };
  }
  requireTargets(head.repo);
  const lastVersion = await lastReleasedVersion(root, head.repo);
  const result = diffRepositories(base.repo, head.repo, {
    base: base.commit,
    head: head.label,
    ...(lastVersion !== undefined ? { lastVersion } : {}),
    ...(opts.target && opts.target.length > 0 ? { targets: opts.target } : {}),
    ...(opts.maxRegions !== undefined ? { maxRegions: opts.maxRegions } : {}),
  });
  switch (opts.format) {
    case "json":
      io.stdout(renderDiffJson(result));
      break;
    case "markdown":
      io.stdout(renderDiffMarkdown(result));
      break;
    default:
      io.stdout(renderDiffText(result, { color: shouldUseColor({ isTTY: io.isTTY }, io.env) }));
  }
  return failed(result, opts.failOn) ? EXIT.FINDINGS : EXIT.OK;
}

export function registerDiff(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("diff")
    .description("compare the effective policy of two revisions: every change marked loosened, tightened or neutral, with newly allowed requests")
    .requiredOption("-b, --base <ref>", "base revision (commit, branch or tag), read from git without a checkout")
    .option("--head <ref>", "head revision (default: the working tree)")
    .option("-t, --target <name>", "only this target (repeatable; default: every target)", collect)
    .option("-f, --format <format>", `output format: ${FORMATS.join(", ")}`, (v) => parseChoice(v, FORMATS, "--format"), "text")
    .option("--fail-on <verdict>", `exit 1 when the diff is ${FAIL_ON.join(", ")} (loosened includes mixed, and a target not proven)`, (v) => parseChoice(v, FAIL_ON, "--fail-on"))
    .option("--max-regions <n>", `regions (cells of actions × resources) compared per target before the verdict is "not proven" (default ${DEFAULT_MAX_REGIONS.toLocaleString("en-US")})`, (v) => parseCount(v, "--max-regions"))
    .addOption(rootOption("policy repository root, may be a folder inside the git work tree"))
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  edict diff --base origin/main                     # working tree against main",
        "  edict diff --base v1.3.0 --head HEAD --format json",
        "  edict diff --base \"$BASE_SHA\" --format markdown > comment.md",
        "  edict diff --base origin/main --fail-on loosened  # exit 1 when anything loosened",
        "",
        "The verdict is proven: base and head are compared on every cell of the request space a",
        "changed statement, rule or allowlist entry reaches. A comparison cut short by --max-regions",
        "is \"review\" with \"not proven: N of M regions checked\", never neutral.",
        "",
        "The next version bumps the latest release tag (<tag_prefix><semver>, default policy-v…) by",
        "the verdict; without one it is the first release: edict.yaml's version (default 0.1.0),",
        "the version `edict bundle build` gives it.",
        "",
        "In a shallow clone, fetch the base first: git fetch --depth=1 origin <sha>",
        "",
      ].join("\n"),
    )
    .action(async (opts: DiffCommandOptions) => setExit(await diffCommand(io, opts)));
}
