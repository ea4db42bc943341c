/**
 * The pure part of a git source: what a `git:` value and a `ref:` may be, how `git ls-remote`
 * output names a commit, and the pin `.edict/packs.yaml` records (`git+<url>@<commit>#packs/<name>`).
 * User strings reach git only after these checks, and always after `--end-of-options`.
 */
import { isAbsolute, resolve } from "node:path";

/** A full commit id: SHA-1 (40 hex digits) or SHA-256 (64). */
export const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** Transports a git source may use; git's own `ext::` and friends are never allowed. */
export const ALLOWED_SCHEMES = ["https", "http", "ssh", "git", "file"] as const;
/** `user@host:path`, git's scp-like ssh syntax. */
const SCP_LIKE = /^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:/;

export type GitLocation = { ok: true; url: string } | { ok: false; message: string };

/**
 * Where git should fetch from: a URL of an allowed scheme or scp-like as written, a local path
 * resolved against the repository root.
 */
export function gitLocationOf(git: string, root: string): GitLocation {
  if (git.trim() === "" || /[\0\r\n]/.test(git)) return { ok: false, message: "git must be a repository URL or a path" };
  if (git.startsWith("-")) return { ok: false, message: `git "${git}" must not start with "-"` };
  const scheme = URL_SCHEME.exec(git)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!(ALLOWED_SCHEMES as readonly string[]).includes(scheme)) {
      return { ok: false, message: `git "${git}" uses ${scheme}://; use one of ${ALLOWED_SCHEMES.map((s) => `${s}://`).join(", ")} or a local path` };
    }
    return { ok: true, url: git };
  }
  if (SCP_LIKE.test(git)) return { ok: true, url: git };
  if (/^[a-z][a-z0-9+.-]*::/i.test(git)) return { ok: false, message: `git "${git}" names a git remote helper; use a URL or a local path` };
  return { ok: true, url: isAbsolute(git) ? git : resolve(root, git) };
}

/** The URL without a password or token in it (http(s) user info), for messages and pins. */
export function withoutCredentials(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@]*@/i, "$1");
}

/**
 * Whether `ref` may name a branch or tag: the characters git allows in practice, minus what could
 * be read as an option or a revision expression.
 */
export function refProblem(ref: string): string | undefined {
  const ok =
    /^[A-Za-z0-9_][A-Za-z0-9._/+-]*$/.test(ref) &&
    !ref.includes("..") &&
    !ref.includes("//") &&
    !ref.endsWith("/") &&
    !ref.endsWith(".") &&
    !ref.endsWith(".lock") &&
    !ref.split("/").some((part) => part.startsWith("."));
  return ok ? undefined : `ref "${ref}" is not a branch or tag name (letters, digits, ".", "_", "-", "+" and "/"), e.g. main or v1.2.0`;
}

/** The full ref names a `ref:` may stand for, in the order they are tried (branch, then tag). */
export function refCandidates(ref: string): string[] {
  if (ref.startsWith("refs/")) return [ref];
  return [`refs/heads/${ref}`, `refs/tags/${ref}`];
}

export interface RemoteRefs {
  /** Full ref name → object id (`refs/tags/v1^{}` for the commit an annotated tag points at). */
  refs: Map<string, string>;
  /** What `HEAD` points at, from `--symref`. */
  headTarget?: string;
}

/** Parses `git ls-remote [--symref]` output. */
export function parseLsRemote(output: string): RemoteRefs {
  const refs = new Map<string, string>();
  let headTarget: string | undefined;
  for (const line of output.split("\n")) {
    const symref = /^ref: (\S+)\tHEAD$/.exec(line);
    if (symref) {
      headTarget = symref[1]!;
      continue;
    }
    const m = /^([0-9a-f]+)\t(.+)$/.exec(line);
    if (m && COMMIT_ID.test(m[1]!)) refs.set(m[2]!, m[1]!);
  }
  return { refs, ...(headTarget !== undefined ? { headTarget } : {}) };
}

/** The commit `ref` names among the remote's refs (an annotated tag is peeled), or undefined. */
export function commitOfRef(remote: RemoteRefs, ref: string): { ref: string; commit: string } | undefined {
  for (const name of refCandidates(ref)) {
    const commit = remote.refs.get(`${name}^{}`) ?? remote.refs.get(name);
    if (commit !== undefined) return { ref: name, commit };
  }
  return undefined;
}

/** `git+<url>@<commit>#packs/<name>`: what pins a pack from a git source. */
export function formatGitPin(url: string, commit: string, name: string): string {
  return `git+${url}@${commit}#packs/${name}`;
}

export interface GitPin {
  url: string;
  commit: string;
  name: string;
}

/** Reads a pin written by formatGitPin; undefined when it is not one. */
export function parseGitPin(pin: string): GitPin | undefined {
  const m = /^git\+(.+)@([0-9a-f]{40}|[0-9a-f]{64})#packs\/([^/]+)$/.exec(pin);
  return m ? { url: m[1]!, commit: m[2]!, name: m[3]! } : undefined;
}
