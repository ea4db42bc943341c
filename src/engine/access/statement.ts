/**
 * One AccessPolicy statement compiled for the evaluator in ./compiled.ts: its patterns as tests,
 * its Condition as code, where a resource lookup meets it, and the shared, frozen reason every
 * decision that names it hands out.
 */
import type { EffectiveStatement } from "../effective.js";
import { compileWildcard } from "../match/wildcard.js";
import type { ConditionBlock } from "../spec.js";
import type { CompiledCondition } from "./compiled-condition.js";
import { commonPrefix } from "./prefix-index.js";
import type { DecisionReason } from "./types.js";

export type StringTest = (value: string) => boolean;

/**
 * What is left to test of a resource once a lookup met a filing's prefix: nothing (undefined), an
 * exact resource (compared with `===`), or a test.
 */
export type ResourceRest = string | StringTest | undefined;

/** Where a lookup meets a statement: the `/`-ended prefix of one of its Resource patterns, or "". */
export interface Filing {
  readonly prefix: string;
  readonly rest: ResourceRest;
}

export interface CompiledStatement {
  /** Position in `Statement`, for document order. */
  readonly index: number;
  readonly deny: boolean;
  /** Action patterns, on the lower-cased action; undefined when the statement has no Action. */
  readonly action: StringTest | undefined;
  readonly notAction: StringTest | undefined;
  readonly notResource: StringTest | undefined;
  readonly condition: CompiledCondition | undefined;
  /** Shared, frozen: every decision that names this statement hands out the same object. */
  readonly reason: DecisionReason;
  /**
   * One filing per Resource pattern (the statement applies when one of them matches), or one at
   * the root with nothing to test when a pattern is `*` or there is no Resource.
   */
  readonly filings: readonly Filing[];
}

/** `compileBlock` compiles the Condition (the engine shares one compiled condition per distinct block). */
export function compileStatement(
  s: EffectiveStatement,
  index: number,
  compileBlock: (block: ConditionBlock | undefined) => CompiledCondition | undefined,
): CompiledStatement {
  const { policy, file } = s.source;
  return {
    index,
    deny: s.Effect === "Deny",
    action: compilePatterns(lowerCase(s.Action)),
    notAction: compilePatterns(lowerCase(s.NotAction)),
    notResource: compilePatterns(s.NotResource),
    condition: compileBlock(s.Condition),
    reason: Object.freeze({ policy, file, ...(s.Sid !== undefined && { sid: s.Sid }), effect: s.Effect }),
    filings: s.Resource === undefined || s.Resource.includes("*") ? ROOT : s.Resource.map(fileResource),
  };
}

const ROOT: readonly Filing[] = [{ prefix: "", rest: undefined }];

/**
 * A Resource pattern filed under its `/`-ended literal prefix; nothing is left to test for
 * `prefix*` (a lookup meets the filing only once the resource starts with the prefix).
 */
function fileResource(pattern: string): Filing {
  const prefix = commonPrefix([pattern]);
  if (pattern === `${prefix}*`) return { prefix, rest: undefined };
  return { prefix, rest: /[*?]/.test(pattern) ? compileWildcard(pattern) : pattern };
}

/** Actions match case-insensitively: their patterns are tested on the lower-cased action. */
export function lowerCase(patterns: readonly string[] | undefined): string[] | undefined {
  return patterns?.map((p) => p.toLowerCase());
}

/** Any-of test over patterns; undefined for no list. */
function compilePatterns(patterns: readonly string[] | undefined): StringTest | undefined {
  const matchers = patterns?.map((p) => compileWildcard(p));
  return matchers?.length === 1 ? matchers[0] : matchers && ((value) => matchers.some((m) => m(value)));
}
