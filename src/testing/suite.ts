/**
 * Policy tests: expected-result cases kept in `tests/**\/*.yaml`, like `opa test`.
 * Pure: parses suite files into cases with positions and runs them against compiled engines.
 */
import type { SourceFile } from "../model/source.js";
import { parseSource } from "../model/source.js";
import { spanOfPointer } from "./positions.js";
import { isRecord } from "../engine/record.js";
import { suggest } from "../model/suggest.js";

export type Expectation = "allow" | "deny" | "approval_required" | "mask" | "require_approval" | "escalate";

export interface PolicyCase {
  file: string;
  line: number;
  name: string;
  target: string;
  /** The expected outcome as written; one of the Expectations unless `invalid` says otherwise. */
  expect: string;
  /**
   * Why the case cannot pass as written (an unknown `expect` value), with the position: it is run
   * as a failed case, so the count of failures stays true.
   */
  invalid?: { line: number; column: number; message: string };
  request?: { action: string; resource: string; context?: Record<string, unknown> };
  tool?: string;
  data?: Record<string, unknown>;
}

export interface SuiteProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const EXPECTATIONS: readonly Expectation[] = ["allow", "deny", "approval_required", "mask", "require_approval", "escalate"];
const KNOWN = new Set<string>(EXPECTATIONS);

/** Parses one suite file; malformed cases become problems with positions, valid ones cases. */
export function parseSuite(path: string, bytes: Uint8Array | string, defaultTarget?: string): { cases: PolicyCase[]; problems: SuiteProblem[] } {
  const source = parseSource(path, bytes);
  const problems: SuiteProblem[] = source.problems.map((p) => ({ file: path, ...source.lines.position(p.span[0]), message: p.message }));
  const cases: PolicyCase[] = [];
  const where = (pointer: string) => source.lines.position(spanOfPointer(source, pointer)[0]);
  const fail = (pointer: string, message: string) => problems.push({ file: path, ...where(pointer), message });
  const root = source.value;
  if (!isRecord(root) || !Array.isArray(root.cases)) {
    if (source.problems.length === 0) fail("", "a test file holds `cases: [...]`");
    return { cases, problems };
  }
  root.cases.forEach((raw, i) => {
    const at = `/cases/${i}`;
    if (!isRecord(raw)) return fail(at, "a case is a mapping with name, target, expect and one of request, tool, data");
    const name = typeof raw.name === "string" ? raw.name : `case ${i + 1}`;
    const target = typeof raw.target === "string" ? raw.target : defaultTarget;
    if (!target) return fail(at, `case "${name}" needs a target`);
    if (typeof raw.expect !== "string") return fail(`${at}/expect`, `case "${name}": expect must be one of ${EXPECTATIONS.join(", ")}`);
    const questions = ["request", "tool", "data"].filter((k) => raw[k] !== undefined);
    if (questions.length !== 1) return fail(at, `case "${name}" needs exactly one of request, tool, data`);
    const c: PolicyCase = { file: path, line: where(at).line, name, target, expect: raw.expect };
    if (!KNOWN.has(raw.expect)) {
      // "denied", "allowed", "masked": the outcome's past tense is the likeliest slip
      const near = suggest(raw.expect, EXPECTATIONS) ?? suggest(raw.expect.replace(/(?:ed|d)$/, ""), EXPECTATIONS);
      const value = source.spans.get(`${at}/expect`)?.value;
      c.invalid = { ...(value ? source.lines.position(value[0]) : where(`${at}/expect`)), message: `expect "${raw.expect}" is not one of ${EXPECTATIONS.join(", ")}${near ? `; did you mean "${near}"?` : ""}` };
    }
    if (raw.request !== undefined) {
      const r = raw.request;
      if (!isRecord(r) || typeof r.action !== "string" || typeof r.resource !== "string") return fail(`${at}/request`, `case "${name}": request needs action and resource`);
      if (r.context !== undefined && !isRecord(r.context)) return fail(`${at}/request/context`, `case "${name}": context must be a mapping`);
      c.request = { action: r.action, resource: r.resource, ...(isRecord(r.context) ? { context: r.context } : {}) };
    } else if (raw.tool !== undefined) {
      if (typeof raw.tool !== "string") return fail(`${at}/tool`, `case "${name}": tool is a URI string`);
      c.tool = raw.tool;
    } else {
      if (!isRecord(raw.data)) return fail(`${at}/data`, `case "${name}": data is a request mapping`);
      c.data = raw.data;
    }
    cases.push(c);
  });
  return { cases, problems };
}

export type { SourceFile };
