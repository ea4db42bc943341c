/** Positions inside an overlay file: JSON pointer → file:line:col, and the error that carries one. */
import { EdictError } from "../../errors.js";
import type { SourcePosition } from "../../errors.js";
import { parentPointer } from "../../model/pointer.js";
import type { SourceFile } from "../../model/source.js";

/**
 * The position of the value at `pointer`, or of its nearest ancestor the file has (a key
 * position for a multi-line value, so the line names what is refused).
 */
export function positionAt(source: SourceFile, pointer: string, atKey = false): SourcePosition {
  let p: string | undefined = pointer;
  let wantKey = atKey;
  while (p !== undefined) {
    const s = source.spans.get(p);
    if (s) {
      const multiLine = source.text.slice(s.value[0], s.value[1]).includes("\n");
      const span = s.key && (wantKey || multiLine) ? s.key : s.value;
      const { line, column } = source.lines.position(span[0]);
      return { file: source.path, line, column };
    }
    p = parentPointer(p);
    wantKey = true;
  }
  return { file: source.path, line: 1, column: 1 };
}

/** A refused or unreadable overlay: CONFIG_ERROR at the offending value. */
export function overlayError(source: SourceFile, pointer: string, message: string, atKey = false): EdictError {
  return new EdictError("CONFIG_ERROR", message, { position: positionAt(source, pointer, atKey) });
}
