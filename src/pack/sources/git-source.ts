/**
 * A git repository as a pack source: packs under `packs/<name>/` at a branch or tag (default the
 * remote's default branch). The ref is resolved to a commit with `git ls-remote`; that commit is
 * fetched into the cache and read from there, so offers and fetches of one run see one commit.
 * What pins an installed pack is the commit: a pinned fetch reads exactly that commit, whatever
 * the ref points at now.
 */
import { EdictError } from "../../errors.js";
import type { PackSourceConfig } from "../../model/types.js";
import { toShippedPacks } from "../model.js";
import type { ShippedPacks } from "../model.js";
import { GitCache, lsRemote } from "./git-cache.js";
import { commitOfRef, formatGitPin, gitLocationOf, parseGitPin, parseLsRemote, refCandidates, refProblem, withoutCredentials } from "./git-refs.js";
import { offersOf, packAt } from "./offers.js";
import type { FetchedPack, PackOffer, PackSource } from "./types.js";

interface Resolved {
  /** The ref as resolved (`refs/heads/main`), for messages. */
  ref: string;
  commit: string;
}

function failure(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function gitSource(config: PackSourceConfig, options: { root: string }): PackSource {
  const name = config.name;
  const written = config.git ?? "";
  /** The URL as the pin records it: as written (a relative path stays portable), without credentials. */
  const pinUrl = withoutCredentials(written);
  const shown = pinUrl;
  const configError = (message: string): EdictError =>
    new EdictError("CONFIG_ERROR", `packs.sources "${name}": ${message}`, { position: { file: "edict.yaml" } });
  const sourceError = (message: string, cause?: unknown): EdictError =>
    new EdictError("PACK_SOURCE_ERROR", `git source ${name} (${shown}): ${message}`, cause === undefined ? {} : { cause });

  // Misconfiguration is refused on first use, so building the list of sources never fails.
  const location = gitLocationOf(written, options.root);
  const problem = !location.ok ? location.message : config.ref !== undefined ? refProblem(config.ref) : undefined;
  const url = location.ok ? location.url : "";
  const cache = new GitCache(options.root, url);
  const checked = (): void => {
    if (problem !== undefined) throw configError(problem);
  };

  let resolved: Promise<Resolved> | undefined;
  const packsAt = new Map<string, Promise<ShippedPacks>>();

  async function resolveRef(): Promise<Resolved> {
    let output: string;
    try {
      output = config.ref === undefined ? await lsRemote(url, ["HEAD"], true) : await lsRemote(url, refCandidates(config.ref).flatMap((r) => [r, `${r}^{}`]));
    } catch (e) {
      throw sourceError(`cannot list its branches and tags: ${failure(e)}. Check the URL and your access to it`, e);
    }
    const remote = parseLsRemote(output);
    if (config.ref === undefined) {
      const commit = remote.refs.get("HEAD");
      if (commit === undefined) throw sourceError("the repository has no default branch (is it empty?); push a branch or set ref: in edict.yaml");
      return { ref: remote.headTarget ?? "HEAD", commit };
    }
    const found = commitOfRef(remote, config.ref);
    if (!found) throw sourceError(`has no branch or tag named ${config.ref}; fix ref: in edict.yaml`);
    return found;
  }

  function read(commit: string): Promise<ShippedPacks> {
    let packs = packsAt.get(commit);
    if (!packs) {
      packs = cache.packFiles(commit).then((files) => ({ ...toShippedPacks(files), source: `packs at ${commit.slice(0, 12)}` }));
      packsAt.set(commit, packs);
    }
    return packs;
  }

  /** The packs at the ref's commit, fetching it when it is not cached. */
  async function current(): Promise<{ at: Resolved; packs: ShippedPacks }> {
    checked();
    const at = await (resolved ??= resolveRef());
    try {
      await cache.obtain(url, at.commit);
      return { at, packs: await read(at.commit) };
    } catch (e) {
      throw sourceError(`cannot fetch ${at.ref} (commit ${at.commit}): ${failure(e)}`, e);
    }
  }

  async function pinned(pin: string, packName: string, version: string): Promise<FetchedPack> {
    const refuse = (message: string): EdictError =>
      new EdictError("PACK_PIN_MISMATCH", `${packName} ${version} was installed from ${pin}, but ${message}. Run \`edict pack install ${packName}\` to install what the source offers now`);
    const parsed = parseGitPin(pin);
    if (!parsed) throw refuse(`that is not a git pin (git+<url>@<commit>#packs/<name>), so git source ${name} cannot produce it`);
    if (parsed.url !== pinUrl) throw refuse(`git source ${name} now reads ${shown}`);
    if (parsed.name !== packName) throw refuse(`the pin names packs/${parsed.name}`);
    try {
      await cache.obtain(url, parsed.commit);
    } catch (e) {
      // an unreachable remote is a source problem; a reachable one without the commit refuses the pin
      try {
        await lsRemote(url, ["HEAD"]);
      } catch (unreachable) {
        throw sourceError(`cannot reach it to fetch commit ${parsed.commit}: ${failure(unreachable)}`, unreachable);
      }
      throw refuse(`commit ${parsed.commit} cannot be fetched from ${shown} any more (${failure(e)})`);
    }
    let packs: ShippedPacks;
    try {
      packs = await read(parsed.commit);
    } catch (e) {
      throw sourceError(`cannot read commit ${parsed.commit}: ${failure(e)}`, e);
    }
    const pack = packs.packs.get(packName);
    if (!pack) throw refuse(`commit ${parsed.commit} has no packs/${packName}`);
    if (pack.version !== version) throw refuse(`packs/${packName} at commit ${parsed.commit} is version ${pack.version}`);
    return { pack, origin: { source: name, resolved: formatGitPin(pinUrl, parsed.commit, packName) } };
  }

  return {
    name,
    kind: "git",
    async offers(): Promise<PackOffer[]> {
      return offersOf((await current()).packs, name);
    },
    async fetch(packName: string, version: string, pin?: string): Promise<FetchedPack> {
      checked();
      if (pin !== undefined) return pinned(pin, packName, version);
      const { at, packs } = await current();
      const pack = packAt(packs, packName, version, `git source ${name} (${shown} at ${at.ref}, commit ${at.commit.slice(0, 12)})`);
      return { pack, origin: { source: name, resolved: formatGitPin(pinUrl, at.commit, packName) } };
    },
  };
}

