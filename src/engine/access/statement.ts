/**
 * One AccessPolicy statement compiled for the evaluator in ./compiled.ts: its patterns as tests,
 * its Condition as code, and the shared, frozen reason every decision that names it hands out.
 */
import type { EffectiveStatement } from "../effective.js";
import { compileWildcard } from "../match/wildcard.js";
import type { ConditionBlock } from "../spec.js";
import type { CompiledCondition } from "./compiled-condition.js";
import { commonPrefix } from "./prefix-index.js";
import type { DecisionReason, RequestContext } from "./types.js";

type StringTest = (value: string) => boolean;

export interface CompiledStatement {
  /** Position in `Statement`, for document order. */
  readonly index: number;
  readonly deny: boolean;
  /** Action patterns, on the lower-cased action; undefined when the statement has no Action. */
  readonly action: StringTest | undefined;
  readonly notAction: StringTest | undefined;
  /** undefined when every resource a lookup under `prefix` meets matches (see {@link impliedByPrefix}). */
  readonly resource: StringTest | undefined;
  readonly notResource: StringTest | undefined;
  readonly condition: CompiledCondition | undefined;
  /** Shared, frozen: every decision that names this statement hands out the same object. */
  readonly reason: DecisionReason;
  /** The `/`-ended prefix every matching resource starts with, or "". */
  readonly prefix: string;
}

/** `compileBlock` compiles the Condition (the engine shares one compiled condition per distinct block). */
export function compileStatement(
  s: EffectiveStatement,
  index: number,
  compileBlock: (block: ConditionBlock | undefined) => CompiledCondition | undefined,
): CompiledStatement {
  const { policy, file } = s.source;
  const prefix = s.Resource === undefined ? "" : commonPrefix(s.Resource);
  return {
    index,
    deny: s.Effect === "Deny",
    action: compilePatterns(lowerCase(s.Action)),
    notAction: compilePatterns(lowerCase(s.NotAction)),
    resource: impliedByPrefix(s.Resource, prefix) ? undefined : compilePatterns(s.Resource),
    notResource: compilePatterns(s.NotResource),
    condition: compileBlock(s.Condition),
    reason: Object.freeze({ policy, file, ...(s.Sid !== undefined && { sid: s.Sid }), effect: s.Effect }),
    prefix,
  };
}

/** Whether the statement applies to every request that meets it: nothing left to test. */
export function appliesAlways(s: CompiledStatement): boolean {
  return s.resource === undefined && s.notResource === undefined && s.condition === undefined;
}

/** The resource and condition parts; the action part was checked when the statement was met. */
export function applies(s: CompiledStatement, resource: string, context: RequestContext): boolean {
  if (s.resource?.(resource) === false || s.notResource?.(resource) === true) return false;
  const result = s.condition?.(context) ?? true;
  return result === "error" ? s.deny : result;
}

/** Actions match case-insensitively: their patterns are tested on the lower-cased action. */
export function lowerCase(patterns: readonly string[] | undefined): string[] | undefined {
  return patterns?.map((p) => p.toLowerCase());
}

/**
 * Whether every resource a lookup under `prefix` can meet matches `patterns`: one of them is `*`,
 * or the only one is `prefix*` (a lookup meets a statement only once the resource starts with it).
 */
function impliedByPrefix(patterns: readonly string[] | undefined, prefix: string): boolean {
  return patterns !== undefined && (patterns.includes("*") || (patterns.length === 1 && prefix !== "" && patterns[0] === `${prefix}*`));
}

/** Any-of test over patterns; undefined for no list. */
function compilePatterns(patterns: readonly string[] | undefined): StringTest | undefined {
  const matchers = patterns?.map((p) => compileWildcard(p));
  return matchers?.length === 1 ? matchers[0] : matchers && ((value) => matchers.some((m) => m(value)));
}
