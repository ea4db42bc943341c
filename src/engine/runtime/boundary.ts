/**
 * Sec0's boundary allowlists: host patterns like `*.example.com` and path globs like
 * `/tmp/sec0-*`. Both are all-of lists of lists: a value passes only when every inner list has a
 * matching entry.
 */
import { compileWildcard } from "../match/wildcard.js";

/** Tests one normalized value. */
export type ValueTest = (value: string) => boolean;

/** The test of an entry that matches nothing. */
export const NEVER = (): boolean => false;

/**
 * The inner lists of an all-of value. A flat list (a single document's value, as in a RuntimeSpec)
 * counts as one inner list, so a caller passing the wrong shape does not end up matching the
 * characters of each entry; `[]` is read the same way, as an empty list that allows nothing
 * (the merge never produces an empty all-of: a list no document sets is absent).
 */
function toAllOf(value: readonly (readonly unknown[])[] | readonly unknown[]): (readonly unknown[])[] {
  if (value.every((v) => typeof v === "string")) return [value];
  return value.map((v) => (typeof v === "string" ? [v] : (v as readonly unknown[])));
}

/**
 * All-of over any-of: the test of each inner list, true when some entry of that list accepts the
 * value; a value passes the whole list when every test does. Undefined when the list is absent
 * (it allows everything); a present list that is not an array throws (fail closed).
 */
export function compileAllOf<T>(
  value: readonly (readonly string[])[] | readonly string[] | undefined,
  compile: (entry: unknown) => (value: T) => boolean,
): ((value: T) => boolean)[] | undefined {
  return value === undefined
    ? undefined
    : toAllOf(value).map((list) => {
        const entries = list.map((entry) => compile(entry));
        return (v: T) => entries.some((t) => t(v));
      });
}

// ---------------------------------------------------------------------------------------------
// Hosts

/**
 * Normalizes what a call reaches to a lower-case host name: a bare host, `host:port`,
 * `[v6]:port` or a URL (the URL parser decides the host, so `https://ok.com@evil.com/` is
 * `evil.com`). A trailing dot is dropped. Undefined when no host can be read.
 */
export function toHost(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  let host = value.trim();
  if (host.includes("://")) {
    try {
      host = new URL(host).hostname;
    } catch {
      return undefined;
    }
  } else if (host.startsWith("[") || host.split(":").length === 2) {
    // `[v6]` with an optional port, or `host:port` (a bare IPv6 address has several colons)
    const m = /^(\[[^\]]*\]|[^:[][^:]*)(?::\d+)?$/.exec(host);
    if (!m) return undefined;
    host = m[1]!;
  }
  host = host.toLowerCase().replace(/\.$/, "");
  if (host === "" || /[\s/\\@?#]/.test(host)) return undefined;
  return host;
}

/** Host pattern: `*` any run (across dots), `?` one character, compared case-insensitively; a non-string matches nothing. */
export function compileHostPattern(pattern: unknown): ValueTest {
  return typeof pattern === "string" ? compileWildcard(pattern.toLowerCase().replace(/\.$/, "")) : NEVER;
}

// ---------------------------------------------------------------------------------------------
// Paths

/**
 * Normalizes a file path: `//` collapsed, `.` dropped, `..` resolved (never above the root of an
 * absolute path), no trailing `/`. Undefined for an empty path or one with a NUL byte, which the
 * runtime must not trust. `/tmp/sec0-a/../../etc/passwd` becomes `/etc/passwd`.
 */
export function normalizePath(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "" || value.includes("\0")) return undefined;
  const absolute = value.startsWith("/");
  const out: string[] = [];
  for (const seg of value.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined === "" ? "." : joined;
}

/**
 * Path glob: `*` and `?` stay within one path segment, `**` crosses segments, and a pattern also
 * covers everything below it (`/tmp/sec0-*` allows `/tmp/sec0-run/out.json`). The pattern is
 * normalized like the paths it is compared with. Case-sensitive.
 */
export function compilePathPattern(pattern: unknown): ValueTest {
  const glob = normalizePath(pattern) ?? "";
  if (glob === "") return NEVER;
  if (glob === "/") return (path) => path.startsWith("/");
  // `**` (a run of stars) crosses segments, `*` and `?` stay within one
  const re = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*+|[*?]/g, (w) => (w === "?" ? "[^/]" : w === "*" ? "[^/]*" : ".*"));
  const regex = new RegExp(`^${re}(?:/.*)?$`, "s");
  return (path) => regex.test(path);
}
