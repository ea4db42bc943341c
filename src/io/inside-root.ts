/** Path containment for readers: a policy repository must not read outside itself through links. */
import { realpath } from "node:fs/promises";
import { join, sep } from "node:path";

/**
 * Whether `rel` (forward slashes, relative to `root`) resolves, after following every symbolic
 * link on the way, to a place inside `root`. A missing path is not inside.
 */
export async function resolvesInside(root: string, rel: string): Promise<boolean> {
  try {
    const [base, target] = await Promise.all([realpath(root), realpath(join(root, ...rel.split("/")))]);
    return target === base || target.startsWith(base.endsWith(sep) ? base : base + sep);
  } catch {
    return false;
  }
}
