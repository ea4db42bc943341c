/**
 * The agreed domain of the IAM differential test: what a case must satisfy for edict and IAM
 * (as @cloud-copilot/iam-simulate implements it) to be expected to agree, checked with readers
 * written here (not edict's, not the simulator's), and stated for each case.
 *
 * Outside the domain on purpose (edict's deliberate differences from IAM):
 * 1. a value an operator cannot read (non-number for Numeric, non-date for Date, non-IP for
 *    IpAddress, non-boolean for Bool, non-ARN for Arn) is "error" in edict: a Deny applies (IAM:
 *    it does not) → every value is well-formed for the family of the operator testing it;
 * 2. a list given to a single-valued operator is "error" in edict (IAM: false), so a Deny
 *    applies → a Deny statement tests a multi-valued key only with ForAnyValue/ForAllValues or
 *    Null (an Allow may: "error" and false both leave an Allow out);
 * 3. resources match as whole strings with `*`/`?` in edict, segment by segment in IAM → the
 *    partition, service, region and account of a pattern are lower case, literal or a whole `*`,
 *    the resource-type prefix (`table/`, `function:`) is literal, and for every pattern and
 *    request resource of the case both readings give the same answer.
 *
 * Outside the domain because the simulator departs from IAM (not edict's business):
 * - IPv4 `/0` (the simulator computes `-1 << 32`, a full mask); bare addresses as policy values
 *   (IPv6 ones are compared as text, and `NotIpAddress` of a bare IPv4 address is false for an
 *   IPv6 client: `isValidIpV4(request) && …`), so policy IPs are CIDRs (`/32` for one address);
 * - an epoch-seconds value compared with an ISO date (the simulator compares seconds with
 *   milliseconds) → each Date key has one format; date-times always carry an offset (without
 *   one, `Date.parse` uses the host's time zone);
 * - numbers with exponents, `+` or spaces (the simulator's `parseInt` reads a prefix);
 * - a list for a single-valued key (the simulator keeps its first element), a key the action
 *   does not know (dropped), policy variables (`${…}`), non-ASCII and control characters.
 *
 * Outside the domain because AWS does not say and the two differ by design: IPv4-mapped IPv6
 * client addresses (`::ffff:a.b.c.d`), which edict's cidr.ts puts in IPv4 ranges on purpose and
 * the simulator does not.
 */
import { ACCOUNT, KEYS, keyApplies, TARGETS } from "./catalog.js";
import type { KeySpec, KeyType } from "./catalog.js";
import { arnParts, resourceTypePrefix, segmentMatch, wholeMatch } from "./arn.js";
import type { IamCase, IamStatement, PolicyValue } from "./generators.js";

export interface DomainReport {
  ok: boolean;
  /** Why the case is inside the domain, one line per rule (meaningful when ok). */
  reasons: string[];
  /** Each way the case leaves the domain. */
  violations: string[];
}

// ---- independent readers ----

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)$/;
const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?(?:Z|[+-](\d\d):(\d\d)))?$/;
const EPOCH = /^(?:0|[1-9]\d*)$/;
const BOOL = /^(?:true|false)$/i;
const PRINTABLE = /^[\x20-\x7e]*$/;

const isIpv4 = (s: string): boolean => IPV4.test(s);

/** The eight groups of an IPv6 address (fewer written with one `::`), hex only: no dotted tail, no zone. */
function ipv6Groups(s: string): number[] | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const split = (h: string | undefined): string[] => (h === undefined || h === "" ? [] : h.split(":"));
  const head = split(halves[0]);
  const tail = split(halves[1]);
  const count = head.length + tail.length;
  if (![...head, ...tail].every((g) => HEXTET.test(g))) return undefined;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const groups = [...head, ...new Array<string>(8 - count).fill("0"), ...tail].map((g) => parseInt(g, 16));
  return groups;
}
const isMapped = (g: readonly number[]): boolean => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
const isRequestIpv6 = (s: string): boolean => {
  const g = ipv6Groups(s);
  return g !== undefined && !isMapped(g);
};

function isPolicyIp(s: string): boolean {
  const [address = "", prefix, extra] = s.split("/");
  if (extra !== undefined) return false;
  if (isIpv4(address)) return prefix !== undefined && /^[1-9]\d?$/.test(prefix) && Number(prefix) <= 32;
  return ipv6Groups(address) !== undefined && prefix !== undefined && /^(?:0|[1-9]\d{0,2})$/.test(prefix) && Number(prefix) <= 128;
}

function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > days) return false;
  const ok = (v: string | undefined, max: number): boolean => v === undefined || Number(v) <= max;
  return ok(m[4], 23) && ok(m[5], 59) && ok(m[6], 59) && ok(m[7], 23) && ok(m[8], 59);
}

const isArn = (s: string): boolean => arnParts(s)?.[0] === "arn";

/** Is `v` a value the `family` operators read the same way on both sides, for key `key`? */
function wellFormed(family: KeyType | "Null", key: KeySpec, v: PolicyValue, side: "policy" | "request"): boolean {
  if (typeof v === "string" && (!PRINTABLE.test(v) || v.includes("${"))) return false;
  switch (family) {
    case "Null":
    case "Bool":
      return typeof v === "boolean" || BOOL.test(v as string);
    case "Numeric":
      return typeof v === "number" ? Number.isSafeInteger(v) : typeof v === "string" && NUMBER.test(v);
    case "Date":
      if (key.dateFormat === "epoch") return typeof v === "number" ? Number.isSafeInteger(v) && v >= 0 : EPOCH.test(v as string);
      return typeof v === "string" && isIsoDate(v);
    case "Ip":
      return typeof v === "string" && (side === "policy" ? isPolicyIp(v) : isIpv4(v) || isRequestIpv6(v));
    case "Arn":
      return typeof v === "string" && isArn(v);
    case "String":
      return typeof v === "string";
  }
}

// ---- operators ----

const BASES: Record<string, KeyType> = {
  StringEquals: "String",
  StringNotEquals: "String",
  StringEqualsIgnoreCase: "String",
  StringNotEqualsIgnoreCase: "String",
  StringLike: "String",
  StringNotLike: "String",
  NumericEquals: "Numeric",
  NumericNotEquals: "Numeric",
  NumericLessThan: "Numeric",
  NumericLessThanEquals: "Numeric",
  NumericGreaterThan: "Numeric",
  NumericGreaterThanEquals: "Numeric",
  DateEquals: "Date",
  DateNotEquals: "Date",
  DateLessThan: "Date",
  DateLessThanEquals: "Date",
  DateGreaterThan: "Date",
  DateGreaterThanEquals: "Date",
  Bool: "Bool",
  IpAddress: "Ip",
  NotIpAddress: "Ip",
  ArnEquals: "Arn",
  ArnNotEquals: "Arn",
  ArnLike: "Arn",
  ArnNotLike: "Arn",
};

interface ParsedName {
  set?: "ForAnyValue" | "ForAllValues";
  base: string;
  ifExists: boolean;
  family: KeyType | "Null";
}

function parseOperator(name: string): ParsedName | undefined {
  if (name === "Null") return { base: "Null", ifExists: false, family: "Null" };
  const m = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/.exec(name);
  const family = m === null ? undefined : BASES[m[2]!];
  if (m === null || family === undefined) return undefined;
  return { ...(m[1] !== undefined && { set: m[1] as ParsedName["set"] }), base: m[2]!, ifExists: m[3] !== undefined, family };
}

export const keySpec = (name: string): KeySpec | undefined => KEYS.find((k) => k.name.toLowerCase() === name.toLowerCase());

// ---- resources ----

function resourcePatternProblem(pattern: string): string | undefined {
  if (pattern === "*") return undefined;
  if (!PRINTABLE.test(pattern) || pattern.includes("${")) return `resource pattern ${pattern}: non-ASCII, control character or policy variable`;
  const parts = arnParts(pattern);
  if (parts === undefined || parts[0] !== "arn") return `resource pattern ${pattern}: not an ARN`;
  const [, partition, service, region, account, rest] = parts;
  for (const seg of [partition, service, region, account]) {
    if (seg !== "*" && !/^[a-z0-9-]*$/.test(seg)) return `resource pattern ${pattern}: segment "${seg}" is neither lower-case literal nor a whole "*"`;
  }
  const prefix = resourceTypePrefix(service, region, account, rest);
  if (/[*?]/.test(prefix)) return `resource pattern ${pattern}: wildcard in the resource type "${prefix}"`;
  return undefined;
}

// ---- the check ----

const patternsOf = (s: IamStatement): string[] => [...(s.Resource ?? []), ...(s.NotResource ?? [])];

export function checkDomain(c: IamCase): DomainReport {
  const violations: string[] = [];
  const families = new Set<string>();
  const keysUsed = new Set<string>();

  c.statements.forEach((s, i) => {
    const where = `statement ${i} (${s.Effect})`;
    const actions = s.Action ?? s.NotAction;
    if ((s.Action === undefined) === (s.NotAction === undefined) || actions === undefined || actions.length === 0) violations.push(`${where}: needs exactly one of Action/NotAction, non-empty`);
    for (const a of actions ?? []) {
      // the service prefix is literal: IAM refuses wildcards there
      if (a !== "*" && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) violations.push(`${where}: action pattern ${a} is not service:name with a literal service`);
    }
    const resources = s.Resource ?? s.NotResource;
    if ((s.Resource === undefined) === (s.NotResource === undefined) || resources === undefined || resources.length === 0) violations.push(`${where}: needs exactly one of Resource/NotResource, non-empty`);
    for (const r of resources ?? []) {
      const problem = resourcePatternProblem(r);
      if (problem !== undefined) violations.push(`${where}: ${problem}`);
    }
    for (const [name, entries] of Object.entries(s.Condition ?? {})) {
      const op = parseOperator(name);
      if (op === undefined) {
        violations.push(`${where}: unknown operator ${name}`);
        continue;
      }
      families.add(op.family);
      for (const [keyName, raw] of Object.entries(entries)) {
        const key = keySpec(keyName);
        if (key === undefined) {
          violations.push(`${where}: ${name} on unknown key ${keyName}`);
          continue;
        }
        keysUsed.add(key.name);
        const values = Array.isArray(raw) ? raw : [raw];
        if (values.length === 0) violations.push(`${where}: ${name} ${keyName} has no values`);
        if (op.family !== "String" && op.family !== "Null" && op.family !== key.type) violations.push(`${where}: ${name} on ${key.type} key ${keyName}`);
        if (op.family === "Null" && (op.set !== undefined || op.ifExists)) violations.push(`${where}: Null takes neither a set prefix nor IfExists`);
        for (const v of values) {
          if (!wellFormed(op.family, key, v, "policy")) violations.push(`${where}: ${name} ${keyName}: value ${JSON.stringify(v)} is not well-formed for ${op.family}`);
        }
        if (s.Effect === "Deny" && key.multi && op.set === undefined && op.family !== "Null") {
          violations.push(`${where}: single-valued ${name} on the multi-valued key ${keyName} in a Deny (difference 2)`);
        }
      }
    }
  });

  c.requests.forEach((r, j) => {
    const where = `request ${j} (${r.action} ${r.resource})`;
    const target = TARGETS.find((t) => t.action.toLowerCase() === r.action.toLowerCase() && t.resource === r.resource);
    if (target === undefined) violations.push(`${where}: not an (action, resource) pair of the catalogue`);
    const seen = new Set<string>();
    for (const [keyName, value] of Object.entries(r.context)) {
      const key = keySpec(keyName);
      if (key === undefined) {
        violations.push(`${where}: unknown context key ${keyName}`);
        continue;
      }
      if (seen.has(key.name)) violations.push(`${where}: context key ${keyName} twice (letter case)`);
      seen.add(key.name);
      if (!keyApplies(key, r.action)) violations.push(`${where}: ${keyName} is not a key of ${r.action}`);
      if (key.multi !== Array.isArray(value)) violations.push(`${where}: ${keyName} must be ${key.multi ? "a list" : "a single value"}`);
      for (const v of Array.isArray(value) ? value : [value]) {
        if (!wellFormed(key.type, key, v, "request")) violations.push(`${where}: ${keyName} value ${JSON.stringify(v)} is not a well-formed ${key.type}`);
      }
    }
    // difference 3: whole-string and segment matching must agree on every pattern of the case
    for (const s of c.statements) {
      for (const p of patternsOf(s)) {
        if (segmentMatch(p, r.resource) !== wholeMatch(p, r.resource)) violations.push(`${where}: pattern ${p} matches it as a whole string but not segment by segment, or the reverse (difference 3)`);
      }
    }
  });

  const denyOnLists = c.statements.some(
    (s) => s.Effect === "Deny" && Object.values(s.Condition ?? {}).some((entries) => Object.keys(entries).some((k) => keySpec(k)?.multi === true)),
  );
  const reasons = [
    `${c.statements.length} statement(s); action patterns are * or service:name with a literal service prefix (wildcards and letter case vary in the name only)`,
    `resource patterns: * or ARNs with lower-case partition/service/region/account, each literal or a whole *, literal resource type; whole-string and segment-by-segment matching agree on every (pattern, request resource) pair (difference 3)`,
    `conditions use ${[...families].sort().join(", ") || "no operator"} on ${[...keysUsed].sort().join(", ") || "no key"}: every policy value is well-formed for its operator family (difference 1): decimal numbers, ISO dates with an offset or epoch seconds (one format per key), IPv4 CIDRs /1–/32, IPv6 CIDRs, ARNs with six parts, true/false`,
    denyOnLists
      ? `Deny statements test multi-valued keys only with ForAnyValue/ForAllValues or Null (difference 2)`
      : `no Deny statement tests a multi-valued key, so difference 2 cannot arise`,
    `${c.requests.length} request(s) for (action, resource) pairs the simulator accepts, in account ${ACCOUNT}; context keys known to each action (none dropped), lists only for multi-valued keys, values well-formed for the key's type`,
  ];
  return { ok: violations.length === 0, reasons, violations };
}
