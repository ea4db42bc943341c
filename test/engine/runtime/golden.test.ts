/**
 * The exact decisions of the RuntimePolicy tool check over ./corpus.ts, against a golden file:
 * every policy with every URI, every policy with every facts object, the malformed runtime
 * sections (compile or throw), and a SHA-256 over the whole policy × URI × facts cross product.
 * The lines show decisions compactly; the digest is over their exact JSON (field order included).
 * Decisions must never change; if this fails, the change to src/engine/runtime is wrong. (A new
 * corpus entry is added with `UPDATE_GOLDEN=1 npx vitest run test/engine/runtime/golden.test.ts`
 * against the unchanged evaluator, then the diff is read.)
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { EffectiveRuntime } from "../../../src/engine/effective.js";
import { compileRuntime } from "../../../src/engine/runtime/index.js";
import type { ToolDecision } from "../../../src/engine/runtime/index.js";
import { FACTS, ODD_RUNTIMES, POLICIES, URIS } from "./corpus.js";

const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
const GOLDEN = fileURLToPath(new URL("./golden/decisions.txt", import.meta.url));
const PINNED_URI = "mcp://a/t@1";

/** A corpus value as a line label: JSON with NaN, ±Infinity and undefined spelled out. */
const label = (value: unknown): string =>
  value === undefined ? "undefined" : JSON.stringify(value, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? `<${v}>` : v));

/** A decision on one line: `allowed enforced [escalate]`, then each violation as `code (blocking): message`. */
const show = (d: ToolDecision): string =>
  [`${d.allowed} ${d.enforced} [${d.escalate.join(",")}]`, ...d.violations.map((v) => `${v.code}${v.blocking ? " (blocking)" : ""}: ${v.message}`)].join(" | ");

function goldenText(): string {
  const lines: string[] = [];
  URIS.forEach((uri, i) => lines.push(`uri ${i} = ${label(uri)}`));
  FACTS.forEach((facts, i) => lines.push(`facts ${i} = ${label(facts)}`));
  const empty = compileRuntime({});
  for (const [name, runtime] of POLICIES) {
    const r = name === "empty" ? empty : compileRuntime(runtime);
    lines.push(`# ${name}`);
    // only the URIs this policy decides differently from the empty policy (the first) are listed
    URIS.forEach((uri, i) => {
      const decision = show(r.checkTool(uri as string));
      if (r === empty || decision !== show(empty.checkTool(uri as string))) lines.push(`${name} | uri ${i} => ${decision}`);
    });
    const withoutFacts = show(r.checkTool(PINNED_URI));
    lines.push(`${name} | ${PINNED_URI} without facts => ${withoutFacts}`);
    // only the facts that change the decision are listed; the digest covers the others
    FACTS.forEach((facts, i) => {
      const decision = show(r.checkTool(PINNED_URI, facts));
      if (decision !== withoutFacts) lines.push(`${name} | ${PINNED_URI} facts ${i} => ${decision}`);
    });
  }
  for (const [name, runtime] of ODD_RUNTIMES) {
    let r;
    try {
      r = compileRuntime(runtime as EffectiveRuntime);
    } catch {
      lines.push(`# odd: ${name}: throws`);
      continue;
    }
    lines.push(`# odd: ${name}: compiles`);
    for (const uri of ["mcp://a/t@1", "mcp://a/t", "x"]) {
      lines.push(`odd: ${name} | ${uri} => ${show(r.checkTool(uri))}`);
      lines.push(`odd: ${name} | ${uri} facts ${FACTS.length - 1} => ${show(r.checkTool(uri, FACTS.at(-1)))}`);
    }
  }
  lines.push(`policy x uri x facts sha256: ${crossProductDigest()}`);
  return `${lines.join("\n")}\n`;
}

function crossProductDigest(): string {
  const hash = createHash("sha256");
  for (const [, runtime] of POLICIES) {
    const r = compileRuntime(runtime);
    for (const uri of URIS) for (const facts of FACTS) hash.update(`${JSON.stringify(r.checkTool(uri as string, facts))}\n`);
  }
  return hash.digest("hex");
}

describe("checkTool golden decisions", () => {
  it("match test/engine/runtime/golden/decisions.txt", () => {
    const text = goldenText();
    if (UPDATE) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("a clean decision is shared and frozen, a violating one is fresh", () => {
    const r = compileRuntime({ tools: { allowlist: [["mcp://a/*"]] } });
    const clean = r.checkTool("mcp://a/t@1");
    expect(clean).toBe(r.checkTool("mcp://a/u"));
    expect(Object.isFrozen(clean) && Object.isFrozen(clean.violations) && Object.isFrozen(clean.escalate)).toBe(true);
    const refused = r.checkTool("mcp://b/t@1");
    expect(refused).not.toBe(r.checkTool("mcp://b/t@1"));
    expect(Object.keys(refused)).toEqual(["allowed", "violations", "enforced", "escalate"]);
    expect(Object.keys(refused.violations[0]!)).toEqual(["code", "message", "blocking"]);
  });
});
