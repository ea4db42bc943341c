/**
 * The decisions of the statements one lookup meets (for one action), laid out flat in a plan's
 * program so that a decision reads a few neighbouring words rather than a chain of objects.
 * Statements that apply to every request meeting them are set aside; the others are tested per
 * request, and the decision for each set of them that applies is made on first use, frozen and
 * shared, so a decision usually allocates nothing.
 *
 * A table at `at` in a program: [tested count n, always count, the decisions by the bit set of
 * the tested statements that apply (2^n words; none above {@link MEMO_BITS}: then each is made
 * afresh), then per tested statement {@link ENTRY} words: the resource rest's fingerprint, the
 * rest, the NotResource test, the Condition and `position * 2 + deny`; then the positions of the
 * statements that always apply].
 */
import type { CompiledCondition } from "./compiled-condition.js";
import type { CompiledStatement, Filing, ResourceRest, StringTest } from "./statement.js";
import type { AccessDecision, ApprovalRequirement, DecisionReason, RequestContext } from "./types.js";

/** Tested statements up to which decisions are remembered by the bit set of those that apply. */
const MEMO_BITS = 8;

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const IMPLICIT_DENY: AccessDecision = Object.freeze({ decision: "deny", reasons: EMPTY_LIST });

export type Word = number | ResourceRest | CompiledCondition | AccessDecision;

/** Words per tested statement. */
const ENTRY = 5;

/** A statement met through one of its filings. */
export interface Met {
  readonly statement: CompiledStatement;
  readonly filing: Filing;
}

/** Where tables live: the words, and the statements by position. */
export interface Tables {
  readonly program: Word[];
  readonly statements: readonly CompiledStatement[];
  readonly approval: ApprovalRequirement | undefined;
}

/**
 * Appends the table of the statements met (in any order; a statement met through several filings
 * applies when one of them matches) to `tables`; answers where it starts.
 */
export function addTable(tables: Tables, met: readonly Met[]): number {
  const statements = groupByStatement(met);
  const always = statements.filter((g) => g.rest === undefined && appliesWhenMet(g.statement));
  const denied = always.some((g) => g.statement.deny);
  /** Allows are left out when an `always` Deny decides. */
  const tested = statements.filter((g) => !always.includes(g) && (g.statement.deny || !denied));
  const { program } = tables;
  const at = program.length;
  program.push(tested.length, always.length);
  if (tested.length <= MEMO_BITS) program.length += 1 << tested.length;
  for (const { statement: s, rest } of tested) program.push(fingerprint(rest), rest, s.notResource, s.condition, s.index * 2 + (s.deny ? 1 : 0));
  for (const g of always) program.push(g.statement.index);
  return at;
}

/**
 * Length and last character of an exact resource, compared before the resource itself so that
 * a resource of another length or ending does not read the exact one.
 */
const fingerprint = (text: ResourceRest): number => (typeof text === "string" ? (text.length << 16) | text.charCodeAt(text.length - 1) : 0);

/** Where the tested entries of the table at `at` start. */
const entries = (program: readonly Word[], at: number, count: number): number => at + 2 + (count > MEMO_BITS ? 0 : 1 << count);

/** The decision of the table at `at` for a request with this resource and context. */
export function decide(tables: Tables, at: number, resource: string, context: RequestContext): AccessDecision {
  const { program } = tables;
  const count = program[at] as number;
  if (count > MEMO_BITS) return make(tables, at, applyingOf(program, at, count, resource, context));
  let bits = 0;
  for (let i = 0, k = at + 2 + (1 << count); i < count; i++, k += ENTRY) if (applies(program, k, resource, context)) bits |= 1 << i;
  return (program[at + 2 + bits] ??= freeze(make(tables, at, bits))) as AccessDecision;
}

/** Whether the tested statement at `k` applies: resource rest, NotResource, Condition ("error" applies for a Deny only). */
function applies(program: readonly Word[], k: number, resource: string, context: RequestContext): boolean {
  const rest = program[k + 1];
  if (typeof rest === "string") {
    if (((resource.length << 16) | resource.charCodeAt(resource.length - 1)) !== program[k] || rest !== resource) return false;
  } else if (rest !== undefined && !(rest as StringTest)(resource)) return false;
  const notResource = program[k + 2] as StringTest | undefined;
  if (notResource !== undefined && notResource(resource)) return false;
  const condition = program[k + 3] as CompiledCondition | undefined;
  if (condition === undefined) return true;
  const result = condition(context);
  return result === "error" ? ((program[k + 4] as number) & 1) === 1 : result;
}

/** More tested statements than a bit set holds: the positions in `tested` of those that apply. */
function applyingOf(program: readonly Word[], at: number, count: number, resource: string, context: RequestContext): number[] {
  const applying: number[] = [];
  for (let i = 0, k = entries(program, at, count); i < count; i++, k += ENTRY) if (applies(program, k, resource, context)) applying.push(i);
  return applying;
}

/** A matching Deny wins, a matching Allow allows, and nothing matching is an implicit deny. */
function make({ program, statements, approval }: Tables, at: number, applying: number | readonly number[]): AccessDecision {
  const count = program[at] as number;
  const always = program[at + 1] as number;
  const first = entries(program, at, count);
  const positions: number[] = [];
  for (let i = 0; i < always; i++) positions.push(program[first + ENTRY * count + i] as number);
  const tested = typeof applying === "number" ? [...Array(count).keys()].filter((i) => (applying >> i) & 1) : applying;
  for (const i of tested) positions.push((program[first + ENTRY * i + 4] as number) >> 1);
  const all = positions.sort((a, b) => a - b).map((p) => statements[p] as CompiledStatement);
  const denies = all.filter((s) => s.deny);
  if (denies.length > 0) return { decision: "deny", reasons: denies.map(reasonOf) };
  if (all.length === 0) return IMPLICIT_DENY;
  const reasons = all.map(reasonOf);
  return approval === undefined ? { decision: "allow", reasons } : { decision: "approval_required", reasons, approval };
}

interface Group {
  readonly statement: CompiledStatement;
  /** What is left to test of the resource: undefined when a filing met needs nothing. */
  readonly rest: ResourceRest;
}

/** The statements met, in document order, each with the rest of its filings met (any of them). */
function groupByStatement(met: readonly Met[]): Group[] {
  const byIndex = new Map<number, Met[]>();
  for (const m of met) {
    const list = byIndex.get(m.statement.index);
    if (list === undefined) byIndex.set(m.statement.index, [m]);
    else list.push(m);
  }
  return [...byIndex.values()]
    .sort((a, b) => (a[0] as Met).statement.index - (b[0] as Met).statement.index)
    .map((list) => {
      const statement = (list[0] as Met).statement;
      const rests = list.map((m) => m.filing.rest);
      if (rests.length === 1 || rests.includes(undefined)) return { statement, rest: rests.length === 1 ? rests[0] : undefined };
      return { statement, rest: (resource: string) => rests.some((r) => (typeof r === "string" ? r === resource : (r as StringTest)(resource))) };
    });
}

/** Whether a statement whose resource part matched applies with nothing else to test. */
function appliesWhenMet(s: CompiledStatement): boolean {
  return s.notResource === undefined && s.condition === undefined;
}

const reasonOf = (s: CompiledStatement): DecisionReason => s.reason;

function freeze(decision: AccessDecision): AccessDecision {
  Object.freeze(decision.reasons);
  return Object.freeze(decision);
}
