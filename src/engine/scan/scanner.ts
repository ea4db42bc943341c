/**
 * Sec0's regex compliance rules, compiled once.
 *
 * - Packs run: when `compliance.policies` is present, only the packs named in `pack_ids` of a
 *   policy that is not `enabled: false` (an absent `enabled` counts as enabled; `policies: []`
 *   runs no pack); otherwise every pack.
 * - Rules run: `type: regex` rules whose `location` is the scanned location. `nl` rules need a
 *   model and do not run here; rules of another type or with a bad location, and patterns that
 *   are not strings or do not compile, never run (the schema and lint's `invalid-regex` report them).
 * - Patterns keep Sec0's leading inline flags (`(?i)api_key=`, see ../../values/inline-flags.ts).
 *   Patterns with a catastrophic-backtracking shape still run (skipping them would let the text
 *   they look for through); lint reports them (`regex-catastrophic-backtracking`), so the
 *   runtime does not carry the analysis.
 * - Every match is a finding, at most {@link MAX_FINDINGS_PER_PATTERN} per pattern and text.
 */
import type { EffectiveRuntime } from "../effective.js";
import { toJsRegExp } from "./inline-flags.js";
import type { ScanFinding, ScanLocation, Scanner } from "./types.js";

/** Findings one pattern may report for one text, so a hostile text cannot make the result huge. */
export const MAX_FINDINGS_PER_PATTERN = 100;
/** Characters of the matched text a finding shows. */
export const MATCH_PREVIEW_LENGTH = 80;

type Compliance = NonNullable<EffectiveRuntime["compliance"]>;
type Pack = NonNullable<Compliance["packs"]>[number];

interface CompiledPattern {
  readonly pack: string;
  readonly rule: string;
  readonly pattern: string;
  readonly regex: RegExp;
}

/** The packs whose rules run, in pack order. */
export function selectPacks(compliance: Compliance | undefined): Pack[] {
  const packs = compliance?.packs ?? [];
  const policies = compliance?.policies;
  if (policies === undefined) return [...packs];
  const enabled = new Set<string>();
  for (const p of policies) if (p.enabled !== false) for (const id of p.pack_ids ?? []) enabled.add(id);
  return packs.filter((p) => enabled.has(p.id));
}

/**
 * Compiles the regex compliance rules of the effective runtime policy.
 *
 * @example
 * const scanner = compileScanner(effective.runtime);
 * scanner.scan("API_KEY=abc", "output"); // → [{ pack: "security", rule: "no-secrets", pattern: "(?i)api_key=", index: 0, match: "API_KEY=", length: 8 }]
 */
export function compileScanner(runtime: EffectiveRuntime): Scanner {
  const byLocation: Record<ScanLocation, CompiledPattern[]> = { input: [], output: [] };
  for (const pack of selectPacks(runtime.compliance)) {
    for (const rule of pack.rules ?? []) {
      // nl rules need a model; other types and locations never run (lint reports them)
      if (rule.type !== "regex" || (rule.location !== "input" && rule.location !== "output")) continue;
      for (const pattern of rule.patterns ?? []) {
        // a pattern that is not a string, or does not compile, never runs (lint reports it)
        try {
          if (typeof pattern === "string") byLocation[rule.location].push({ pack: pack.id, rule: rule.id, pattern, regex: toJsRegExp(pattern, "g") });
        } catch {}
      }
    }
  }
  return {
    scan(text, location) {
      if (typeof text !== "string") throw new TypeError(`scan: expected text as a string, got ${text === null ? "null" : typeof text}`);
      if (location !== "input" && location !== "output") {
        throw new TypeError(`scan: unknown location ${JSON.stringify(location)}: expected "input" or "output"`);
      }
      const findings: ScanFinding[] = [];
      for (const p of byLocation[location]) collect(p, text, findings);
      return findings;
    },
  };
}

/**
 * matchAll runs on a copy of the regex (the shared one keeps lastIndex 0) and steps over an empty
 * match by one character, a whole surrogate pair in u mode, so it never repeats forever.
 */
function collect(p: CompiledPattern, text: string, out: ScanFinding[]): void {
  let n = 0;
  for (const m of text.matchAll(p.regex)) {
    const matched = m[0];
    out.push({ pack: p.pack, rule: p.rule, pattern: p.pattern, index: m.index, match: preview(matched), length: matched.length });
    if (++n === MAX_FINDINGS_PER_PATTERN) break;
  }
}

/** The first {@link MATCH_PREVIEW_LENGTH} code units, never splitting a surrogate pair. */
function preview(s: string): string {
  const end = MATCH_PREVIEW_LENGTH;
  // a high surrogate as the last character kept would be cut from its low half
  const high = (s.charCodeAt(end - 1) & 0xfc00) === 0xd800 && (s.charCodeAt(end) & 0xfc00) === 0xdc00;
  return s.slice(0, high ? end - 1 : end);
}
