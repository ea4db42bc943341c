/**
 * The spans the fast path reads, kept as numbers until someone asks for them: building the map
 * from JSON pointers to span pairs for every node of every file costs more than reading the
 * file, and a bundle build never looks at it (lint does, for the files it reports on).
 */
import type { NodeSpans } from "./source.js";

/** Per node: depth, key start, key end, value start, value end. */
const FIELDS = 5;

/** Nodes in the full parse's order (a node before its children, children in file order). */
export class SpanLog {
  private readonly numbers: number[] = [];
  /** Each node's key in its parent mapping, or index in its parent sequence (unused for the root). */
  private readonly segments: Array<string | number> = [];

  /** Adds a node; `keyStart` -1 when it is not a mapping value. Returns its index. */
  add(depth: number, segment: string | number, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): number {
    this.numbers.push(depth, keyStart, keyEnd, valueStart, valueEnd);
    return this.segments.push(segment) - 1;
  }

  /** Sets where a collection ends, once its last child is read. */
  setValueEnd(index: number, end: number): void {
    if (index >= 0) this.numbers[index * FIELDS + 4] = end;
  }

  /** The pointer map `parseSource` returns, in the same order as the full parse fills it. */
  toMap(): Map<string, NodeSpans> {
    const map = new Map<string, NodeSpans>();
    const pointers: string[] = [];
    const n = this.numbers;
    for (let i = 0; i < this.segments.length; i++) {
      const at = i * FIELDS;
      const depth = n[at]!;
      const pointer = depth === 0 ? "" : `${pointers[depth - 1]!}/${escapeSegment(this.segments[i]!)}`;
      pointers[depth] = pointer;
      const keyStart = n[at + 1]!;
      map.set(pointer, keyStart >= 0 ? { key: [keyStart, n[at + 2]!], value: [n[at + 3]!, n[at + 4]!] } : { value: [n[at + 3]!, n[at + 4]!] });
    }
    return map;
  }
}

/** RFC 6901 escaping, as `joinPointer` does it. */
function escapeSegment(segment: string | number): string {
  if (typeof segment === "number") return String(segment);
  return segment.includes("~") || segment.includes("/") ? segment.replace(/~/g, "~0").replace(/\//g, "~1") : segment;
}
