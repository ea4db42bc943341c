/** Limits and guards shared by both ways of reading a source file (source.ts and source-fast.ts). */

/** 1 MiB: far above any real policy, small enough that a hostile file cannot exhaust memory. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Upper bound on nodes materialised per file, which caps alias expansion ("billion laughs"). */
export const MAX_NODES = 100_000;
/** Keys that could reach an object's prototype: reported and dropped. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** The problem for a key in `UNSAFE_KEYS`. */
export function unsafeKeyMessage(key: string): string {
  return `key "${key}" is not allowed (prototype pollution guard); it is ignored`;
}

/** The problem for the second and later uses of a key in one mapping. */
export function duplicateKeyMessage(key: string): string {
  return `duplicate key ${JSON.stringify(key)}`;
}

export const DUPLICATE_KEY_HELP = "remove or rename one of the keys; the first one is kept";
