/** JSON Pointer (RFC 6901) helpers: every position and finding is keyed by one. */

export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function joinPointer(base: string, segment: string | number): string {
  return `${base}/${escapeSegment(segment)}`;
}

export function splitPointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map(unescapeSegment);
}

export function parentPointer(pointer: string): string | undefined {
  if (pointer === "") return undefined;
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** "/spec/Statement/0/Effect" → "spec.Statement[0].Effect" (the `path` of a finding). */
export function toJsonPath(pointer: string): string {
  let out = "";
  for (const seg of splitPointer(pointer)) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Reads the value at a pointer, or undefined when any step is missing. */
export function getAtPointer(value: unknown, pointer: string): unknown {
  let cur: unknown = value;
  for (const seg of splitPointer(pointer)) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
