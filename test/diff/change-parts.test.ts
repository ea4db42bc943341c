/** The parts of a change a report shows: what differs, each in full, the rest left out. */
import { describe, expect, it } from "vitest";
import { changeParts } from "../../src/diff/change-parts.js";
import { changeTexts } from "../../src/diff/render-common.js";
import type { Change } from "../../src/diff/index.js";

const change = (before: unknown, after: unknown, over: Partial<Change> = {}): Change => ({
  kind: "access",
  path: "X",
  subject: "field",
  change: "changed",
  verdict: "neutral",
  review: false,
  before,
  after,
  source: { before: [], after: [] },
  ...over,
});

describe("changeParts", () => {
  it("a scalar is old → new; unset on one side is (unset)", () => {
    expect(changeTexts(change(1, 2))).toEqual(["1 → 2"]);
    expect(changeTexts(change(undefined, "x", { change: "added" }))).toEqual(["(unset) → x"]);
  });

  it("a list names the items added and removed, duplicates counted", () => {
    expect(changeParts(change(["a", "b", "b"], ["b", "c"]))).toEqual([{ at: "", kind: "items", added: ["c"], removed: ["a", "b"] }]);
    expect(changeTexts(change(["a", "b"], ["b", "a"]))).toEqual(["reordered [a, b] → [b, a]"]);
  });

  it("a single value becoming a list (IAM's two spellings) compares as lists", () => {
    expect(changeTexts(change({ IpAddress: { "source.ip": "10.0.0.0/8" } }, { IpAddress: { "source.ip": ["10.0.0.0/8", "192.168.0.0/16"] } }))).toEqual([
      "IpAddress.source.ip: added 192.168.0.0/16",
    ]);
  });

  it("lists of lists are walked pairwise: the item inside that changed is named", () => {
    expect(changeTexts(change([["a"]], [["a", "b"]]))).toEqual(["added b"]);
    expect(changeTexts(change([["a"], ["x"]], [["a"], ["x", "y"]]))).toEqual(["[1]: added y"]);
    // one more list than before: the new one is named whole
    expect(changeTexts(change([["a"]], [["a"], ["z"]]))).toEqual(["added [z]"]);
  });

  it("objects are walked key by key, keys that did not change left out", () => {
    const before = { Sid: "S", Effect: "Allow", Action: ["db:Select"], Condition: { StringEquals: { "principal.role": "dba" } } };
    const after = { Sid: "S", Effect: "Allow", Action: ["db:Select", "db:Insert"], Condition: { StringEquals: { "principal.role": "dba", "principal.team": "data" } } };
    expect(changeTexts(change(before, after, { subject: "statement" }))).toEqual(["Action: added db:Insert", "Condition.StringEquals.principal.team: (unset) → data"]);
  });

  it("a statement or rule added or removed is shown whole; one moved unchanged says so", () => {
    const st = { Sid: "S", Effect: "Deny", Action: ["db:Drop"], Resource: ["*"] };
    expect(changeTexts(change(undefined, st, { subject: "statement", change: "added" }))).toEqual(["added {Sid: S, Effect: Deny, Action: [db:Drop], Resource: [*]}"]);
    expect(changeTexts(change(st, undefined, { subject: "statement", change: "removed" }))).toEqual(["removed {Sid: S, Effect: Deny, Action: [db:Drop], Resource: [*]}"]);
    expect(changeTexts(change(st, st, { subject: "statement", change: "moved" }))).toEqual(["moved"]);
  });

  it("a row with no values (a comparison not proven) has no parts", () => {
    expect(changeParts(change(undefined, undefined))).toEqual([]);
  });
});
