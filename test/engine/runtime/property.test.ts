import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRuntime } from "../../../src/engine/runtime/index.js";

// An independent reading of the tool URIs and allowlist entries, with regular expressions.
const ENTRY = /^mcp:\/\/([^/@\s]+)\/([^@\s]+)(?:@([^@\s]+))?$/i;
// concrete URIs hold no wildcard characters
const URI = /^mcp:\/\/([^/@*?\s]+)\/([^@*?\s]+)(?:@([^@*?\s]+))?$/i;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&"))).join("")}$`, "s");
}

function referenceMatch(entry: string, uri: string): boolean {
  const u = URI.exec(uri);
  if (!u) return false;
  if (/^\*+$/.test(entry)) return true;
  const e = ENTRY.exec(entry);
  if (!e) return false;
  if (!globToRegExp(e[1]!).test(u[1]!) || !globToRegExp(e[2]!).test(u[2]!)) return false;
  if (e[3] === undefined) return true;
  if (u[3] === undefined) return /^\*+$/.test(e[3]);
  return globToRegExp(e[3]).test(u[3]);
}

const part = (items: string[]) => fc.constantFrom(...items);
const entry = fc.oneof(
  { weight: 1, arbitrary: fc.constant("*") },
  {
    weight: 8,
    arbitrary: fc
      .tuple(part(["a", "b", "ab", "*", "a*", "?b", "*b"]), part(["t", "u", "t/x", "*", "t*", "?"]), part(["", "@*", "@1", "@1.*", "@2.1", "@?"]))
      .map(([s, t, v]) => `mcp://${s}/${t}${v}`),
  },
  { weight: 1, arbitrary: part(["mcp://a", "a/t", "mcp://a/", "mcp://*"]) },
);
const uri = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .tuple(part(["a", "b", "ab", "a-b", "bb"]), part(["t", "u", "t/x", "tt"]), part(["", "@1", "@1.0", "@2.1", "@1.5"]))
      .map(([s, t, v]) => `mcp://${s}/${t}${v}`),
  },
  { weight: 1, arbitrary: part(["", "mcp://a", "mcp://a/t@", "mcp://a/t@1@2", "a/t@1", "mcp://a/*"]) },
);

describe("checkTool properties", () => {
  it("never allows a URI that some inner allowlist has no entry for, when deny_on has tool_not_in_allowlist", () => {
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 4 }), { minLength: 1, maxLength: 3 }), uri, fc.boolean(), (lists, u, observeOthers) => {
        const r = compileRuntime({
          tools: { allowlist: lists },
          enforcement: { deny_on: observeOthers ? ["tool_not_in_allowlist"] : ["tool_not_in_allowlist", "version_unpinned"] },
        });
        const d = r.checkTool(u);
        const everyListMatches = lists.every((list) => list.some((e) => referenceMatch(e, u)));
        if (!everyListMatches) expect(d.allowed).toBe(false);
        // and the converse: with only the allowlist in force, a URI every list matches is allowed
        if (everyListMatches && observeOthers) expect(d.allowed).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("a URI that matches no entry at all is never allowed, whatever the other settings", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), uri, fc.boolean(), (list, u, pinned) => {
        fc.pre(!list.some((e) => referenceMatch(e, u)));
        const d = compileRuntime({
          tools: { allowlist: [list], deny_if_unpinned_version: pinned },
          enforcement: { deny_on: ["tool_not_in_allowlist"], escalate_on: ["tool_not_in_allowlist"] },
        }).checkTool(u);
        expect(d.allowed).toBe(false);
        expect(d.enforced).toBe("deny");
      }),
      { numRuns: 2000 },
    );
  });
});
