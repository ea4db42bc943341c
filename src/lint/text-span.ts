/** Offsets of visible text inside a span (spans of block values end after trailing newlines). */
import type { Span } from "../model/source.js";

/** The offset of the last visible character of a span (its start when it holds none). */
export function lastVisibleOffset(text: string, span: Span): number {
  let e = span[1];
  while (e > span[0] && /\s/.test(text[e - 1]!)) e--;
  return Math.max(span[0], e - 1);
}
