/** A tiny parser of JavaScript patterns for the regex analysis (only patterns that compiled reach it). */
import { EMPTY, union, negate, ch, DIGITS, WORD, SPACE, LINE_TERMINATORS, foldCase, probe } from "./charset.js";
import type { CharSet } from "./charset.js";

// =============================================================================================
// A tiny parser of JavaScript patterns (only valid ones reach it: the pattern compiled first).

export type Node =
  | { type: "chars"; set: CharSet; start: number; end: number }
  | { type: "seq"; items: Node[]; start: number; end: number }
  | { type: "alt"; branches: Node[]; start: number; end: number }
  | { type: "group"; body: Node; start: number; end: number }
  | { type: "look"; body: Node; start: number; end: number }
  | { type: "assert"; start: number; end: number }
  | { type: "backref"; start: number; end: number }
  | { type: "repeat"; body: Node; min: number; max: number; start: number; end: number };

export class Parser {
  private pos = 0;
  private readonly unicode: boolean;
  private readonly ignoreCase: boolean;
  private readonly dotAll: boolean;
  private readonly maxChar: number;

  constructor(
    private readonly src: string,
    private readonly flags: string,
  ) {
    this.unicode = flags.includes("u") || flags.includes("v");
    this.ignoreCase = flags.includes("i");
    this.dotAll = flags.includes("s");
    this.maxChar = this.unicode ? 0x10ffff : 0xffff;
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new Error(`unexpected ${this.src[this.pos]} at ${this.pos}`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private alternation(): Node {
    const start = this.pos;
    const branches = [this.sequence()];
    while (this.peek() === "|") {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0]! : { type: "alt", branches, start, end: this.pos };
  }

  private sequence(): Node {
    const start = this.pos;
    const items: Node[] = [];
    while (this.pos < this.src.length && this.peek() !== "|" && this.peek() !== ")") {
      items.push(this.quantified(this.atom()));
    }
    return items.length === 1 ? items[0]! : { type: "seq", items, start, end: this.pos };
  }

  private quantified(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return atom; // a literal "{" (allowed without the u flag)
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === "?") this.pos++; // lazy: same analysis
    return { type: "repeat", body: atom, min, max, start: atom.start, end: this.pos };
  }

  private chars(set: CharSet, start: number): Node {
    return { type: "chars", set: this.ignoreCase ? foldCase(set) : set, start, end: this.pos };
  }

  private atom(): Node {
    const start = this.pos;
    const c = this.src[this.pos]!;
    if (c === "(") {
      this.pos++;
      let look = false;
      if (this.src.startsWith("?:", this.pos)) this.pos += 2;
      else if (this.src.startsWith("?=", this.pos) || this.src.startsWith("?!", this.pos)) {
        this.pos += 2;
        look = true;
      } else if (this.src.startsWith("?<=", this.pos) || this.src.startsWith("?<!", this.pos)) {
        this.pos += 3;
        look = true;
      } else if (this.src.startsWith("?<", this.pos)) {
        this.pos = this.src.indexOf(">", this.pos) + 1;
      } else if (this.peek() === "?") {
        // modifiers group (?i:…) of newer runtimes
        const m = /^\?[a-z]*(?:-[a-z]*)?:/.exec(this.src.slice(this.pos));
        if (!m) throw new Error("unsupported group");
        this.pos += m[0].length;
      }
      const body = this.alternation();
      if (this.peek() !== ")") throw new Error("unterminated group");
      this.pos++;
      return look ? { type: "look", body, start, end: this.pos } : { type: "group", body, start, end: this.pos };
    }
    if (c === "[") return this.charClass();
    if (c === ".") {
      this.pos++;
      return this.chars(this.dotAll ? [[0, this.maxChar]] : negate(LINE_TERMINATORS, this.maxChar), start);
    }
    if (c === "^" || c === "$") {
      this.pos++;
      return { type: "assert", start, end: this.pos };
    }
    if (c === "\\") {
      const next = this.peek(1);
      if (next === "b" || next === "B") {
        this.pos += 2;
        return { type: "assert", start, end: this.pos };
      }
      if (next !== undefined && /[1-9]/.test(next)) {
        this.pos += 1 + /^\d+/.exec(this.src.slice(this.pos + 1))![0].length;
        return { type: "backref", start, end: this.pos };
      }
      if (next === "k" && this.peek(2) === "<") {
        this.pos = this.src.indexOf(">", this.pos) + 1;
        return { type: "backref", start, end: this.pos };
      }
      return this.chars(this.escape(false), start);
    }
    const cp = this.unicode ? this.src.codePointAt(this.pos)! : this.src.charCodeAt(this.pos);
    this.pos += cp > 0xffff ? 2 : 1;
    return this.chars([[cp, cp]], start);
  }

  /** An escape at `pos` (which is at the backslash); returns its set and moves past it. */
  private escape(inClass: boolean): CharSet {
    const start = this.pos;
    this.pos++;
    const c = this.src[this.pos];
    if (c === undefined) return EMPTY;
    this.pos++;
    switch (c) {
      case "d":
        return DIGITS;
      case "D":
        return negate(DIGITS, this.maxChar);
      case "w":
        return WORD;
      case "W":
        return negate(WORD, this.maxChar);
      case "s":
        return SPACE;
      case "S":
        return negate(SPACE, this.maxChar);
      case "n":
        return [[10, 10]];
      case "r":
        return [[13, 13]];
      case "t":
        return [[9, 9]];
      case "f":
        return [[12, 12]];
      case "v":
        return [[11, 11]];
      case "0":
        return [[0, 0]];
      case "b":
        return inClass ? [[8, 8]] : EMPTY;
      case "c": {
        const letter = this.src[this.pos];
        if (letter && /[A-Za-z]/.test(letter)) {
          this.pos++;
          const code = letter.charCodeAt(0) % 32;
          return [[code, code]];
        }
        return [[92, 92]];
      }
      case "x": {
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos));
        if (!m) return [ch("x")];
        this.pos += 2;
        const code = parseInt(m[0], 16);
        return [[code, code]];
      }
      case "u": {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos));
        if (this.unicode && braced) {
          this.pos += braced[0].length;
          const code = parseInt(braced[1]!, 16);
          return [[code, code]];
        }
        const m = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.pos));
        if (!m) return [ch("u")];
        this.pos += 4;
        const code = parseInt(m[0], 16);
        return [[code, code]];
      }
      case "p":
      case "P": {
        if (this.unicode && this.src[this.pos] === "{") {
          this.pos = this.src.indexOf("}", this.pos) + 1;
          return probe(this.src.slice(start, this.pos), this.flags);
        }
        return [ch(c)];
      }
      default: {
        const cp = this.src.codePointAt(this.pos - 1)!;
        if (cp > 0xffff) this.pos++;
        return [[cp, cp]];
      }
    }
  }

  private charClass(): Node {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.pos++;
    }
    const parts: CharSet[] = [];
    while (this.pos < this.src.length && this.peek() !== "]") {
      const lo = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined && isSingle(lo)) {
        const save = this.pos;
        this.pos++;
        const hi = this.classAtom();
        if (isSingle(hi)) {
          parts.push([[lo[0]![0], hi[0]![0]]]);
          continue;
        }
        this.pos = save; // "[\w-x]"-like: the "-" is literal
      }
      parts.push(lo);
    }
    this.pos++; // "]"
    let set = union(...parts);
    if (this.ignoreCase) set = foldCase(set);
    if (negated) set = negate(set, this.maxChar);
    return { type: "chars", set, start, end: this.pos };
  }

  private classAtom(): CharSet {
    if (this.peek() === "\\") return this.escape(true);
    const cp = this.unicode ? this.src.codePointAt(this.pos)! : this.src.charCodeAt(this.pos);
    this.pos += cp > 0xffff ? 2 : 1;
    return [[cp, cp]];
  }
}

function isSingle(set: CharSet): boolean {
  return set.length === 1 && set[0]![0] === set[0]![1];
}
