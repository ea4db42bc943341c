import { parentPointer } from "../model/pointer.js";
import type { Span, SourceFile } from "../model/source.js";

/** The span of a pointer in a parsed file, or of its nearest ancestor. */
export function spanOfPointer(source: SourceFile, pointer: string): Span {
  let p: string | undefined = pointer;
  while (p !== undefined) {
    const s = source.spans.get(p);
    if (s) return s.key ?? s.value;
    p = parentPointer(p);
  }
  return [0, 0];
}
