/** Path globs for `lint.ignore` and CLI filters: `**` crosses folders, `*` and `?` stay inside one. */

/** Compiled globs, bounded: a repository has a handful of ignore globs, a caller may pass any number. */
const cache = new Map<string, RegExp>();
const CACHE_SIZE = 256;

export function pathGlobToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  if (cache.size >= CACHE_SIZE) cache.clear();
  let out = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        i++;
        if (glob[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else out += ".*";
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // A folder glob ("policies/legacy") also covers what is inside it.
  out += "(?:/.*)?$";
  re = new RegExp(out);
  cache.set(glob, re);
  return re;
}

export function matchesPathGlob(glob: string, path: string): boolean {
  return pathGlobToRegExp(glob.replace(/^\.\//, "").replace(/\/$/, "")).test(path);
}

/** Checks a glob's syntax; returns a message when it cannot be used. */
export function validatePathGlob(glob: string): string | undefined {
  if (glob.trim() === "") return "empty glob";
  if (glob.startsWith("/")) return "globs are relative to the repository root; remove the leading /";
  if (glob.split("/").includes("..")) return "globs may not leave the repository (..)";
  return undefined;
}
