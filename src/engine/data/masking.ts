/**
 * How masks of several rules combine: per field, the strictest method wins.
 *
 * Strictness, strictest first: `nullify` (the value is gone) > `redact` (replaced by a marker)
 * > `hash` (replaced, but equal values stay linkable) > `full` (every character masked, the
 * length shows) > `partial` (some characters show) > `truncate` (a prefix shows).
 */
import type { MaskingMethod } from "../vocabulary.js";

/** Masking methods, strictest first. */
export const MASK_STRICTNESS: readonly MaskingMethod[] = Object.freeze(["nullify", "redact", "hash", "full", "partial", "truncate"]);

/** The method a mask rule uses for a selected field it names no method for (neither in `rules` nor `default_method`). */
export const FALLBACK_MASK_METHOD: MaskingMethod = "redact";

const RANK = new Map<unknown, number>(MASK_STRICTNESS.map((m, i) => [m, MASK_STRICTNESS.length - i]));

/** The stricter of two methods; `b` when there is no `a` yet. */
export function stricterMask(a: MaskingMethod | undefined, b: MaskingMethod): MaskingMethod {
  return (RANK.get(b) ?? 0) > (RANK.get(a) ?? 0) ? b : (a ?? b);
}

/** One of MASKING_METHODS (the same set as {@link MASK_STRICTNESS}). */
export function isMaskingMethod(value: unknown): value is MaskingMethod {
  return RANK.has(value);
}
