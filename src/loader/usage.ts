/** A misuse of the loader's API (a bad option, an unknown event): a `TypeError` with the stable code `USAGE`. */
export type UsageError = TypeError & { code: "USAGE" };

export function usage(message: string, cause?: unknown): UsageError {
  const e = new TypeError(message, { cause }) as UsageError;
  e.code = "USAGE";
  return e;
}
