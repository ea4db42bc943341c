/**
 * Gathers what a report page shows (I/O: git, the bundle files, tests/, packs/), then hands
 * it to the pure `renderReport`. A bundle given with its key is verified here once (a report
 * is never made from a bundle that does not verify); the page verifies it again in the browser.
 */
import { blake3Hex } from "../bundle/digest-blake3.js";
import { installedPacksOf } from "../bundle/payload-build.js";
import type { PublicKey } from "../bundle/keys.js";
import { verifyBundle } from "../bundle/verify.js";
import { EdictError } from "../errors.js";
import { listUncommittedPaths, openGit, readHead } from "../io/git.js";
import { buildAllTargets, targetNames } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import { gatherChanges } from "./gather-changes.js";
import { gatherPacks } from "./gather-packs.js";
import { gatherTests } from "./gather-tests.js";
import { githubUrlOf } from "./provenance.js";
import { readPlaygroundScript } from "./runtime-script.js";
import type { ReportInput } from "./types.js";

export interface GatherOptions {
  root: string;
  repo: Repository;
  /** Targets to show (default: every target of edict.yaml). */
  targets?: readonly string[];
  /** A signed bundle to embed, with the keys it must verify against. */
  bundle?: { file: string; bytes: Uint8Array; keys: readonly PublicKey[] };
  /** The previous release's bundle, for the Changes section; verified when keys are given. */
  previous?: { file: string; bytes: Uint8Array; keys?: readonly PublicKey[] };
  env?: Readonly<Record<string, string | undefined>>;
  now?: Date;
  /** The playground's browser code; dist/report-playground.js unless given. */
  playgroundScript?: string;
}

interface GitFacts {
  revision?: string;
  dirty?: boolean;
  prefix?: string;
  remote?: string;
}

async function gitFacts(root: string): Promise<GitFacts> {
  let repo;
  try {
    repo = await openGit(root, "bundle");
  } catch {
    return {};
  }
  const facts: GitFacts = { prefix: repo.prefix };
  try {
    facts.revision = (await readHead(repo)).revision;
    facts.dirty = (await listUncommittedPaths(repo)).length > 0;
  } catch {
    // no commit yet: the page describes the work tree
  }
  try {
    facts.remote = (await repo.git.raw(["remote", "get-url", "origin"])).trim();
  } catch {
    // no origin: no links
  }
  return facts;
}

/** The repository's web address: the Actions run's own repository, else a GitHub origin remote. */
function repoUrlOf(env: Readonly<Record<string, string | undefined>>, remote: string | undefined): string | undefined {
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  if (env.GITHUB_REPOSITORY && /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY)) return `${server}/${env.GITHUB_REPOSITORY}`;
  return githubUrlOf(remote, server);
}

function selectTargets(repo: Repository, wanted: readonly string[] | undefined): string[] {
  const names = targetNames(repo);
  if (names.length === 0) throw new EdictError("CONFIG_ERROR", "no targets defined: add one under `targets:`, for example `targets: { production: {} }`", { position: { file: "edict.yaml" } });
  if (!wanted || wanted.length === 0) return names;
  for (const t of wanted) if (!names.includes(t)) throw new EdictError("USAGE", `unknown target "${t}" (targets: ${names.join(", ")})`);
  return names.filter((n) => wanted.includes(n));
}

export async function gatherReport(options: GatherOptions): Promise<ReportInput> {
  const { root, repo } = options;
  const env = options.env ?? {};
  const config = repo.config?.value;
  if (!config?.name) throw new EdictError("CONFIG_ERROR", "missing or has no name; run `edict lint` to see why", { position: { file: "edict.yaml" } });
  const names = selectTargets(repo, options.targets);
  const merges = buildAllTargets(repo).filter((m) => names.includes(m.target));
  const git = await gitFacts(root);

  let bundle: ReportInput["bundle"];
  if (options.bundle) {
    const { file, bytes, keys } = options.bundle;
    // expiry aside (an old release's report is still worth reading; the page refuses to answer from it)
    const verified = verifyBundle(bytes, { trustedKeys: [...keys], blake3: blake3Hex, allowExpired: true });
    const missing = names.filter((t) => !Object.hasOwn(verified.payload.targets, t));
    if (missing.length > 0) throw new EdictError("USAGE", `the bundle ${file} has no target ${missing.join(", ")} (it has ${Object.keys(verified.payload.targets).join(", ")}); pass --target`);
    bundle = {
      bytes,
      payload: verified.payload,
      keyids: verified.keyids,
      sha256: verified.sha256,
      keys: keys.map((k) => Buffer.from(k.bytes).toString("base64")),
      file,
    };
  }

  const previous = options.previous;
  const [tests, packs] = await Promise.all([gatherTests(root, repo, names), gatherPacks(root, repo)]);
  const head = git.revision === undefined || git.dirty ? "working tree" : git.revision;
  const changes = previous
    ? gatherChanges(previous.bytes, previous.file, merges, {
        ...(previous.keys ? { trustedKeys: previous.keys } : {}),
        targets: names,
        head,
        headPacks: installedPacksOf(repo.packState?.value),
      })
    : undefined;
  const repoUrl = repoUrlOf(env, git.remote);

  return {
    repo,
    name: config.name,
    ...(config.version !== undefined ? { version: config.version } : {}),
    merges,
    ...(git.revision !== undefined ? { revision: git.revision } : {}),
    ...(git.dirty ? { dirty: true } : {}),
    ...(repoUrl !== undefined ? { repoUrl } : {}),
    ...(git.prefix ? { repoPrefix: git.prefix } : {}),
    generatedAt: options.now ?? new Date(),
    ...(bundle ? { bundle } : {}),
    ...(tests ? { tests } : {}),
    ...(packs ? { packs } : {}),
    ...(changes ? { changes } : {}),
    playgroundScript: options.playgroundScript ?? (await readPlaygroundScript()),
  };
}
