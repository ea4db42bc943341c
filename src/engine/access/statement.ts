/**
 * One AccessPolicy statement compiled for the evaluator in ./compiled.ts: its patterns as tests,
 * its Condition as code, where a resource lookup meets it, and the shared, frozen reason every
 * decision that names it hands out.
 */
import type { EffectiveStatement } from "../effective.js";
import { compileWildcard, globMatch } from "../match/wildcard.js";
import type { ConditionBlock } from "../spec.js";
import type { CompiledCondition } from "./compiled-condition.js";
import type { DecisionReason } from "./types.js";

export type StringTest = (value: string) => boolean;

/**
 * What is left to test of a resource once a lookup met a filing's prefix: nothing (undefined), an
 * exact resource (compared with `===`), or a test.
 */
export type ResourceRest = string | StringTest | undefined;

/**
 * Where a lookup meets a statement: the number of the `/`-ended prefix of one of its Resource
 * patterns in the engine's prefix table (0 for the root "").
 */
export interface Filing {
  readonly node: number;
  readonly rest: ResourceRest;
}

export interface CompiledStatement {
  /** Position in `Statement`, for document order. */
  readonly index: number;
  readonly deny: boolean;
  /** Action patterns, lower-cased (actions match case-insensitively); undefined when the statement has no Action. */
  readonly actions: readonly string[] | undefined;
  readonly notActions: readonly string[] | undefined;
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

/**
 * `compileBlock` compiles the Condition (the engine shares one compiled condition per distinct
 * block); `number` numbers a Resource pattern's prefix (its first `length` characters) in the
 * engine's prefix table.
 */
export function compileStatement(
  s: EffectiveStatement,
  index: number,
  compileBlock: (block: ConditionBlock) => CompiledCondition | undefined,
  number: (text: string, length: number) => number,
): CompiledStatement {
  const { policy, file } = s.source;
  return {
    index,
    deny: s.Effect === "Deny",
    actions: lowerCase(s.Action),
    notActions: lowerCase(s.NotAction),
    notResource: s.NotResource && anyOf(s.NotResource.map((p) => compileWildcard(p))),
    condition: s.Condition && compileBlock(s.Condition),
    reason: Object.freeze(s.Sid === undefined ? { policy, file, effect: s.Effect } : { policy, file, sid: s.Sid, effect: s.Effect }),
    filings: s.Resource === undefined || s.Resource.includes("*") ? ROOT : s.Resource.map((pattern) => fileResource(pattern, number)),
  };
}

/** Whether the statement's Action and NotAction let the (lower-cased) action through. */
export function actionMatches(s: CompiledStatement, action: string): boolean {
  const some = (patterns: readonly string[]): boolean => patterns.some((p) => globMatch(p, action));
  return (s.actions === undefined || some(s.actions)) && (s.notActions === undefined || !some(s.notActions));
}

const ROOT: readonly Filing[] = [{ node: 0, rest: undefined }];

/**
 * A Resource pattern filed under its {@link literalPrefix}; nothing is left to test for
 * `prefix*` (a lookup meets the filing only once the resource starts with the prefix).
 */
function fileResource(pattern: string, number: (text: string, length: number) => number): Filing {
  if (typeof pattern !== "string") throw new TypeError(`Resource pattern ${String(JSON.stringify(pattern)).slice(0, 80)} is not a string`);
  const head = headLength(pattern);
  const cut = pattern.lastIndexOf("/", head - 1) + 1;
  return {
    node: number(pattern, cut),
    // `prefix*`, an exact resource (no wildcard), or a test
    rest: cut === head && head === pattern.length - 1 && pattern.charCodeAt(head) === STAR ? undefined : head === pattern.length ? pattern : compileWildcard(pattern),
  };
}

const STAR = 42;
const QUESTION = 63;

/** The length of a pattern's literal head: the text before its first `*` or `?`. */
export function headLength(pattern: string): number {
  let i = 0;
  while (i < pattern.length && pattern.charCodeAt(i) !== STAR && pattern.charCodeAt(i) !== QUESTION) i++;
  return i;
}

/** The literal head of a pattern (the text before its first `*` or `?`) cut back to its last `/`; "" when there is none. */
export const literalPrefix = (pattern: string): string => pattern.slice(0, pattern.lastIndexOf("/", headLength(pattern) - 1) + 1);

/** Actions match case-insensitively: their patterns are tested on the lower-cased action. */
export function lowerCase(patterns: readonly string[] | undefined): string[] | undefined {
  return patterns?.map((p) => p.toLowerCase());
}

/** Any-of test over matchers. */
const anyOf =
  (matchers: readonly StringTest[]): StringTest =>
  (value) =>
    matchers.some((m) => m(value));
