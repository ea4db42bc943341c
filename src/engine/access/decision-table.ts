/**
 * The decisions of the statements one lookup meets (for one action), laid out flat in a plan's
 * program so that a decision reads a few neighbouring words rather than a chain of objects.
 * Statements that apply to every request meeting them are set aside; the others are tested per
 * request, and the decision for each set of them that applies is made on first use, frozen and
 * shared, so a decision usually allocates nothing.
 *
 * A table at `at` in a program: [tested count n, always count, the decisions by the bit set of
 * the tested statements that apply (2^n words; none above {@link MEMO_BITS}: then each is made
 * afresh), then per tested statement {@link ENTRY} words: the resource rest, the NotResource
 * test, the Condition and the statement; then the statements that always apply].
 */
import type { CompiledCondition } from "./compiled-condition.js";
import type { CompiledStatement, ResourceRest, StringTest } from "./statement.js";
import type { AccessDecision, ApprovalRequirement, RequestContext } from "./types.js";

/** Tested statements up to which decisions are remembered by the bit set of those that apply. */
const MEMO_BITS = 8;

/** Words per tested statement. */
const ENTRY = 4;

/** Tested statements whose bits {@link applied} answers in one number. */
const CHUNK = 30;

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const IMPLICIT_DENY: AccessDecision = Object.freeze({ decision: "deny", reasons: EMPTY_LIST });

export type Word = number | ResourceRest | CompiledCondition | CompiledStatement | AccessDecision;

/** A statement met through one of its filings: what is left to test of the resource then. */
export interface Met {
  readonly statement: CompiledStatement;
  readonly rest: ResourceRest;
}

/** Where tables live, and what an allowed request of the action needs. */
export interface Tables {
  readonly program: Word[];
  readonly approval: ApprovalRequirement | undefined;
}

/**
 * Appends the table of the statements met (in any order, sorted here in place; a statement met
 * through several filings applies when one of them matches) to `program`; answers where it starts.
 */
export function addTable(program: Word[], met: Met[]): number {
  const statements: Met[] = [];
  for (const m of met.sort((a, b) => a.statement.index - b.statement.index)) {
    const last = statements.at(-1);
    if (last?.statement !== m.statement) statements.push(m);
    else if (last.rest !== undefined) statements[statements.length - 1] = { statement: m.statement, rest: m.rest === undefined ? undefined : anyRest(last.rest, m.rest) };
  }
  const always = statements.filter(appliesWhenMet);
  const denied = always.some((m) => m.statement.deny);
  /** Allows are left out when an `always` Deny decides. */
  const tested = statements.filter((m) => !appliesWhenMet(m) && (m.statement.deny || !denied));
  const at = program.length;
  program.push(tested.length, always.length);
  if (tested.length <= MEMO_BITS) program.length += 1 << tested.length;
  for (const { statement: s, rest } of tested) program.push(rest, s.notResource, s.condition, s);
  for (const m of always) program.push(m.statement);
  return at;
}

/** Whether a statement met applies to every request that meets it: nothing left to test. */
const appliesWhenMet = ({ statement: s, rest }: Met): boolean => rest === undefined && s.notResource === undefined && s.condition === undefined;

/** Either rest. */
const anyRest =
  (a: ResourceRest, b: ResourceRest): StringTest =>
  (resource) =>
    passes(a, resource) || passes(b, resource);

const passes = (rest: ResourceRest, resource: string): boolean => (typeof rest === "string" ? rest === resource : rest === undefined || rest(resource));

/**
 * The decision of the table at `at` for a request with this resource and context. It makes no
 * closure (its variables stay off the heap): those are made by {@link remembered} and {@link afresh}.
 */
export function decide({ program, approval }: Tables, at: number, resource: string, context: RequestContext): AccessDecision {
  const count = program[at] as number;
  if (count > MEMO_BITS) return afresh(program, at, approval, resource, context);
  // where the tested entries start
  const first = at + 2 + (1 << count);
  const bits = applied(program, first, count, resource, context);
  return (program[at + 2 + bits] ?? remembered(program, at, first, approval, bits)) as AccessDecision;
}

/** The decision for the bit set of the tested statements that apply, made once and kept in the table. */
const remembered = (program: Word[], at: number, first: number, approval: ApprovalRequirement | undefined, bits: number): AccessDecision =>
  (program[at + 2 + bits] = Object.freeze(make(program, at, first, approval, (i) => (bits >> i) & 1)));

/** The decision of a table with too many tested statements to remember one per set: their bit sets, {@link CHUNK} at a time. */
function afresh(program: Word[], at: number, approval: ApprovalRequirement | undefined, resource: string, context: RequestContext): AccessDecision {
  const count = program[at] as number;
  const chunks: number[] = [];
  for (let i = 0; i < count; i += CHUNK) chunks.push(applied(program, at + 2 + ENTRY * i, Math.min(CHUNK, count - i), resource, context));
  return make(program, at, at + 2, approval, (i) => ((chunks[Math.floor(i / CHUNK)] as number) >> i % CHUNK) & 1);
}

/**
 * The bit set of the `count` (at most 31) tested statements from `first` that apply: bit i when
 * the i-th one's resource rest, NotResource and Condition let the request through ("error"
 * applies for a Deny only). One loop, so the optimiser keeps the tests in one piece of code.
 */
function applied(program: readonly Word[], first: number, count: number, resource: string, context: RequestContext): number {
  let bits = 0;
  for (let i = 0, k = first; i < count; i++, k += ENTRY) {
    const rest = program[k] as ResourceRest;
    if (rest !== undefined && (typeof rest === "string" ? rest !== resource : !rest(resource))) continue;
    const not = program[k + 1] as StringTest | undefined;
    if (not !== undefined && not(resource)) continue;
    const condition = program[k + 2] as CompiledCondition | undefined;
    const result = condition === undefined || condition(context);
    if (result === true || (result === "error" && (program[k + 3] as CompiledStatement).deny)) bits |= 1 << i;
  }
  return bits;
}

/** A matching Deny wins, a matching Allow allows, and nothing matching is an implicit deny. */
function make(program: readonly Word[], at: number, first: number, approval: ApprovalRequirement | undefined, applied: (i: number) => unknown): AccessDecision {
  const count = program[at] as number;
  const all = program.slice(first + ENTRY * count, first + ENTRY * count + (program[at + 1] as number)) as CompiledStatement[];
  for (let i = 0; i < count; i++) if (applied(i)) all.push(program[first + ENTRY * i + 3] as CompiledStatement);
  all.sort((a, b) => a.index - b.index);
  if (all.length === 0) return IMPLICIT_DENY;
  const denies = all.filter((s) => s.deny);
  const reasons = Object.freeze((denies.length > 0 ? denies : all).map((s) => s.reason));
  if (denies.length > 0) return { decision: "deny", reasons };
  return approval === undefined ? { decision: "allow", reasons } : { decision: "approval_required", reasons, approval };
}
