import { describe, expect, it } from "vitest";
import { parseSource } from "../../src/model/source.js";

function firstProblem(text: string) {
  const s = parseSource("x.yaml", text);
  return { source: s, problems: s.problems.map((p) => ({ code: p.code, ...s.lines.position(p.span[0]), text: text.slice(p.span[0], p.span[1]), help: p.help })) };
}

describe("a document with a syntax error", () => {
  it("is reported by its first error only, at the dedented key rather than the start of the line", () => {
    const text = "spec:\n  Statement:\n    - Sid: A\n      Effect: Allow\n    Action: x\n      Resource: y\n    - Sid: B\n";
    const { source, problems } = firstProblem(text);
    expect(source.syntaxError).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "yaml-syntax", line: 5, column: 5, text: "Action" });
    expect(problems[0]!.help).toMatch(/^this line starts at column 5, the line above at column 7; .*; the parser found \d+ more syntax errors? after this one/);
  });

  it("leaves out the key problems of the tree the parser recovered", () => {
    // the misplaced list becomes a "non-string key" of the recovered tree
    const { problems } = firstProblem("a:\n  - x\n - y\n");
    expect(problems.map((p) => p.code)).toEqual(["yaml-syntax"]);
    expect(problems[0]).toMatchObject({ line: 3, column: 2 });
  });

  it("points an unclosed quote at its opening quote", () => {
    const { problems } = firstProblem('a: "abc\nb: 2\n');
    expect(problems).toEqual([expect.objectContaining({ code: "yaml-syntax", line: 1, column: 4, text: '"' })]);
  });

  it("keeps a tab used as indentation at the tab", () => {
    const { problems } = firstProblem("a:\n\tb: 1\n");
    expect(problems[0]).toMatchObject({ code: "yaml-syntax", line: 2, column: 1 });
  });

  it("is not flagged when the document parses", () => {
    const s = parseSource("x.yaml", "a:\n  b: 1\n");
    expect(s.syntaxError).toBeUndefined();
    expect(s.problems).toEqual([]);
  });
});
