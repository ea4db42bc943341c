/**
 * What the IAM differential test draws from: real AWS actions on real ARNs (each pair accepted
 * by @cloud-copilot/iam-simulate), the context keys it leaves alone, and values for each key.
 *
 * Keys: the simulator validates context keys against AWS's catalogue and silently drops a key
 * the action does not know (it reports it in `ignoredContextKeys`, which the oracle checks is
 * empty); this version fills none itself (`aws:PrincipalArn`, `aws:CurrentTime` stay absent
 * unless sent). Global `aws:` keys are known to every action; the service keys below only to
 * the actions listed with them, and are only sent with those.
 *
 * Values are kept well-formed for the operator family of their key and in the forms both the
 * simulator and edict read the same way (see ./domain.ts for why each restriction exists).
 * Plain TypeScript, no test-runner imports: `fuzz/` uses it too.
 */
import fc from "fast-check";

/** The request principal and its account; every request resource lives in this account. */
export const PRINCIPAL = "arn:aws:iam::123456789012:user/alice";
export const ACCOUNT = "123456789012";

export interface Target {
  /** `service:Action` exactly as AWS spells it. */
  readonly action: string;
  /** A concrete ARN, or `*` for an action that supports no resource-level permissions. */
  readonly resource: string;
  /**
   * KMS keys need a key policy before IAM policies count at all; the oracle sends the default
   * one (the account root may do `kms:*`), which hands the decision to the identity policies.
   */
  readonly keyPolicy?: boolean;
}

const S3_OBJECTS = [
  "arn:aws:s3:::reports/2024/q1.csv",
  "arn:aws:s3:::reports/public/index.html",
  "arn:aws:s3:::reports/tmp/a+b(1)[2].json",
  "arn:aws:s3:::reports/$HOME^x|y.txt",
  "arn:aws:s3:::reportsx/file",
  "arn:aws:s3:::logs-archive/app/2024-01-01.log",
];
const S3_BUCKETS = ["arn:aws:s3:::reports", "arn:aws:s3:::logs-archive"];
const DDB_TABLES = [
  "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
  "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
  "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
  "arn:aws:dynamodb:us-east-1:123456789012:table/Customers",
];
const SQS_QUEUES = [
  "arn:aws:sqs:us-east-1:123456789012:jobs",
  "arn:aws:sqs:us-east-1:123456789012:jobs-dlq",
  "arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
];
const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const pairs = (actions: readonly string[], resources: readonly string[], extra: Partial<Target> = {}): Target[] =>
  actions.flatMap((action) => resources.map((resource) => ({ action, resource, ...extra })));

/** Every (action, resource) pair was checked to be accepted by the simulator (iam-conformance.test.ts). */
export const TARGETS: readonly Target[] = [
  ...pairs(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], S3_OBJECTS),
  ...pairs(["s3:ListBucket", "s3:GetBucketPolicy"], S3_BUCKETS),
  ...pairs(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"], DDB_TABLES),
  { action: "dynamodb:Query", resource: "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/ByDate" },
  ...pairs(["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"], SQS_QUEUES),
  ...pairs(["sns:Publish"], ["arn:aws:sns:us-east-1:123456789012:alerts", "arn:aws:sns:eu-west-1:123456789012:alerts"]),
  ...pairs(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], [KMS_KEY], { keyPolicy: true }),
  ...pairs(["lambda:InvokeFunction"], ["arn:aws:lambda:us-east-1:123456789012:function:resize", "arn:aws:lambda:us-east-1:123456789012:function:resize:prod"]),
  { action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf" },
  ...pairs(["ec2:StartInstances", "ec2:StopInstances"], ["arn:aws:ec2:us-east-1:123456789012:instance/i-0abcd1234"]),
  { action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:web" },
  // actions without resource-level permissions: the request resource is `*`
  { action: "ec2:DescribeInstances", resource: "*" },
  { action: "s3:ListAllMyBuckets", resource: "*" },
];

/** Action patterns that match none or several of the targets' actions. */
export const DECOY_ACTIONS = ["s3:List*", "s3:Get*Tagging", "dynamodb:Batch*", "iam:PassRole", "sqs:*Message*", "kms:*", "ec2:Describe*", "lambda:Get*"];

/** Resource patterns no target is derived from: other accounts and regions, buckets for objects. */
export const DECOY_RESOURCES = [
  "arn:aws:s3:::reports",
  "arn:aws:s3:::*",
  "arn:aws:dynamodb:us-east-1:210987654321:table/Orders",
  "arn:aws:dynamodb:*:*:table/*",
  "arn:aws:sqs:eu-west-1:123456789012:jobs",
  "arn:aws:kms:us-east-1:123456789012:alias/app",
  "arn:aws:iam::123456789012:role/*",
];

export type KeyType = "String" | "Numeric" | "Date" | "Bool" | "Ip" | "Arn";

export interface KeySpec {
  /** As AWS spells it (the simulator and edict both look keys up case-insensitively). */
  readonly name: string;
  readonly type: KeyType;
  /** A multi-valued key (AWS type ArrayOf…): always sent as a list, possibly empty. */
  readonly multi: boolean;
  /** Actions the key is known for; absent for a global key (known to every action). */
  readonly actions?: readonly string[];
  /** Date keys: the one format every value takes (`aws:EpochTime` is epoch seconds, the others ISO 8601). */
  readonly dateFormat?: "iso" | "epoch";
  /** Request values. */
  readonly values: readonly string[];
  /** Extra policy values for the String family (wildcard patterns for StringLike). */
  readonly patterns: readonly string[];
}

const TAG_VALUES = ["ops", "dev", "Ops", "OPS", "ops-team", "a.b", "aXb", "x+y", "xxy", "(ops)", "[dev]", "", "o*", "d?v", "back\\slash", "$dollar", "pipe|bar", "^caret", "{brace}"];
const TAG_PATTERNS = ["o*", "*ps", "d?v", "*", "?", "ops*", "*-team", "a.b", "(ops)", "x+y", "*|*", "$*", "\\*"];

export const KEYS: readonly KeySpec[] = [
  { name: "aws:PrincipalTag/team", type: "String", multi: false, values: TAG_VALUES, patterns: TAG_PATTERNS },
  { name: "aws:PrincipalTag/cost-center", type: "String", multi: false, values: ["cc-100", "cc-200", "CC-100", "cc-1000"], patterns: ["cc-1*", "cc-?00", "*"] },
  { name: "aws:RequestTag/env", type: "String", multi: false, values: ["prod", "staging", "Prod", "dev", ""], patterns: ["p*", "*ing", "?rod"] },
  { name: "aws:username", type: "String", multi: false, values: ["alice", "bob", "Alice", "al.ice"], patterns: ["a*", "?lice", "*"] },
  { name: "aws:userid", type: "String", multi: false, values: ["AIDAEXAMPLE", "AROAEXAMPLE:alice", "AROAEXAMPLE:bob"], patterns: ["AROA*:alice", "AIDA*", "*:*"] },
  { name: "aws:SourceVpc", type: "String", multi: false, values: ["vpc-111", "vpc-222", "VPC-111"], patterns: ["vpc-*", "vpc-1?1"] },
  { name: "aws:RequestedRegion", type: "String", multi: false, values: ["us-east-1", "eu-west-1", "US-EAST-1", "us-west-2"], patterns: ["us-*", "*-1", "eu-*"] },
  { name: "aws:PrincipalAccount", type: "String", multi: false, values: ["123456789012", "210987654321"], patterns: ["1234*", "*"] },
  { name: "aws:PrincipalOrgID", type: "String", multi: false, values: ["o-a1b2c3d4e5", "o-zzzzzzzzzz"], patterns: ["o-a1*", "o-*"] },
  { name: "aws:CalledViaFirst", type: "String", multi: false, values: ["athena.amazonaws.com", "cloudformation.amazonaws.com"], patterns: ["*.amazonaws.com", "athena.*"] },
  { name: "aws:TagKeys", type: "String", multi: true, values: ["env", "team", "Env", "cost-center", "owner", "*", "e?v"], patterns: ["e*", "cost-*", "*", "?eam"] },
  {
    name: "aws:PrincipalOrgPaths",
    type: "String",
    multi: true,
    values: ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/", "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/", "o-zzzzzzzzzz/r-zz99/"],
    patterns: ["o-a1b2c3d4e5/*", "o-a1b2c3d4e5/r-ab12/ou-ab12-1*", "*/ou-*"],
  },
  { name: "aws:CalledVia", type: "String", multi: true, values: ["athena.amazonaws.com", "cloudformation.amazonaws.com", "dynamodb.amazonaws.com"], patterns: ["*.amazonaws.com", "athena.*"] },
  { name: "aws:SourceIp", type: "Ip", multi: false, values: [], patterns: ["10.1.*", "192.168.*", "2001:db8:*", "*"] },
  { name: "aws:VpcSourceIp", type: "Ip", multi: false, values: [], patterns: ["10.*", "*::1"] },
  { name: "aws:MultiFactorAuthAge", type: "Numeric", multi: false, values: [], patterns: ["3*", "*0", "?"] },
  { name: "aws:CurrentTime", type: "Date", multi: false, dateFormat: "iso", values: [], patterns: ["2024-*", "*Z"] },
  { name: "aws:TokenIssueTime", type: "Date", multi: false, dateFormat: "iso", values: [], patterns: ["2024-01-*"] },
  { name: "aws:EpochTime", type: "Date", multi: false, dateFormat: "epoch", values: [], patterns: ["17*", "?"] },
  { name: "aws:SecureTransport", type: "Bool", multi: false, values: ["true", "false", "True", "FALSE"], patterns: ["t*", "*"] },
  { name: "aws:MultiFactorAuthPresent", type: "Bool", multi: false, values: ["true", "false", "TRUE"], patterns: ["t*"] },
  { name: "aws:ViaAWSService", type: "Bool", multi: false, values: ["true", "false"], patterns: ["f*"] },
  { name: "aws:SourceArn", type: "Arn", multi: false, values: [], patterns: ["arn:aws:sns:*", "*:alerts", "arn:aws:iam::*"] },
  { name: "aws:PrincipalArn", type: "Arn", multi: false, values: [], patterns: ["arn:aws:iam::123456789012:*", "*/alice"] },
  // service keys: known only to the actions listed
  { name: "s3:prefix", type: "String", multi: false, actions: ["s3:ListBucket"], values: ["", "home/", "home/alice/", "public/", "Home/"], patterns: ["home/*", "public/*", "*/"] },
  { name: "s3:max-keys", type: "Numeric", multi: false, actions: ["s3:ListBucket"], values: [], patterns: ["1*"] },
  { name: "s3:ExistingObjectTag/classification", type: "String", multi: false, actions: ["s3:GetObject"], values: ["public", "secret", "Secret"], patterns: ["s*", "*ic"] },
  {
    name: "dynamodb:LeadingKeys",
    type: "String",
    multi: true,
    actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"],
    values: ["user-1", "user-2", "User-1", "admin"],
    patterns: ["user-*", "*-1"],
  },
  {
    name: "dynamodb:Attributes",
    type: "String",
    multi: true,
    actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"],
    values: ["id", "name", "email", "Email"],
    patterns: ["e*", "*"],
  },
];

export const keyApplies = (key: KeySpec, action: string): boolean =>
  key.actions === undefined || key.actions.some((a) => a.toLowerCase() === action.toLowerCase());

// ---- operators ----

export const STRING_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
] as const;
export const NUMERIC_OPERATORS = [
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
] as const;
export const DATE_OPERATORS = ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"] as const;
export const IP_OPERATORS = ["IpAddress", "NotIpAddress"] as const;
export const ARN_OPERATORS = ["ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"] as const;

/** The operators of a key's own family (besides the String ones, which any key takes, and Null). */
export function familyOperators(type: KeyType): readonly string[] {
  switch (type) {
    case "String":
      return STRING_OPERATORS;
    case "Numeric":
      return NUMERIC_OPERATORS;
    case "Date":
      return DATE_OPERATORS;
    case "Bool":
      return ["Bool"];
    case "Ip":
      return IP_OPERATORS;
    case "Arn":
      return ARN_OPERATORS;
  }
}

/** The family of a base operator (no set prefix, no IfExists). */
export function operatorFamily(base: string): KeyType | "Null" {
  if (base === "Null") return "Null";
  if (base === "Bool") return "Bool";
  if (base.endsWith("IpAddress")) return "Ip";
  if (base.startsWith("Numeric")) return "Numeric";
  if (base.startsWith("Date")) return "Date";
  if (base.startsWith("Arn")) return "Arn";
  return "String";
}

// ---- values ----

const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...items);

const OCTETS = [0, 1, 2, 10, 100, 127, 128, 168, 192, 203, 254, 255];
const octet = fc.oneof({ weight: 4, arbitrary: pick(OCTETS) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });
/** Canonical dotted quads (no leading zeros: edict refuses them, the simulator's regex too). */
export const ipv4Arb = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));

const HEXTETS = [0, 0, 0, 1, 0x2001, 0xdb8, 0xfe80, 0xabcd, 0xffff, 0x10];
const hextet = fc.oneof({ weight: 4, arbitrary: pick(HEXTETS) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) });

/** Eight groups → text: full or with one run of zero groups compressed to `::`, lower or upper case, leading zeros or not. */
function ipv6Text(groups: readonly number[], compress: boolean, upper: boolean, pad: boolean): string {
  const hex = groups.map((g) => {
    const h = g.toString(16).padStart(pad ? 4 : 1, "0");
    return upper ? h.toUpperCase() : h;
  });
  if (!compress) return hex.join(":");
  // the longest run of zero groups (the first when tied), if any
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestLength === 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

/** IPv4-mapped addresses (`::ffff:a.b.c.d`) are left out: edict puts them in IPv4 ranges, the simulator does not. */
const isMapped = (g: readonly number[]): boolean => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;

export const ipv6Arb = fc
  .tuple(fc.array(hextet, { minLength: 8, maxLength: 8 }), fc.boolean(), fc.boolean(), fc.boolean())
  .filter(([g]) => !isMapped(g))
  .map(([g, compress, upper, pad]) => ipv6Text(g, compress, upper, pad));

/** Addresses both sides draw from, so policy ranges often contain request addresses. */
const SHARED_IPV4 = ["10.1.2.3", "10.1.2.4", "10.1.200.7", "10.2.0.1", "192.168.1.1", "203.0.113.77", "8.8.8.8", "0.0.0.0", "255.255.255.255"];
const SHARED_IPV6: ReadonlyArray<readonly number[]> = [
  [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
  [0x2001, 0xdb8, 1, 0, 0, 0, 0, 5],
  [0x2001, 0xdb8, 0xabcd, 0x12, 0, 0, 0, 0x12],
  [0x2001, 0xdb9, 0, 0, 0, 0, 0, 1],
  [0xfe80, 0, 0, 0, 0, 0, 0, 1],
  [0xfe80, 0, 0, 0, 0x1ff, 0xfe23, 0x4567, 0x890a],
  [0, 0, 0, 0, 0, 0, 0, 1],
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff],
];
/** A shared IPv6 address in any of its spellings. */
const sharedIpv6Arb = fc
  .tuple(pick(SHARED_IPV6), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([g, compress, upper, pad]) => ipv6Text(g, compress, upper, pad));

/** Request IPs: shared addresses (IPv6 in varying spellings) and random ones. */
export const requestIpArb = fc.oneof(
  { weight: 3, arbitrary: pick(SHARED_IPV4) },
  { weight: 2, arbitrary: sharedIpv6Arb },
  { weight: 1, arbitrary: ipv4Arb },
  { weight: 1, arbitrary: ipv6Arb },
);

/**
 * Policy IPs: IPv4 CIDRs with a prefix of 1..32, IPv6 CIDRs with a prefix of 0..128, around
 * shared or random addresses. Not `a.b.c.d/0` (the simulator computes `-1 << 32`, a full mask)
 * nor bare addresses (the simulator compares those as text, and its NotIpAddress is false for a
 * bare IPv4 address against an IPv6 client).
 */
export const policyIpArb = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(pick(SHARED_IPV4), fc.integer({ min: 1, max: 32 })).map(([ip, n]) => `${ip}/${n}`) },
  { weight: 3, arbitrary: fc.tuple(sharedIpv6Arb, fc.integer({ min: 0, max: 128 })).map(([ip, n]) => `${ip}/${n}`) },
  pick(["10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "192.168.0.0/16", "203.0.113.0/24", "10.1.2.0/31", "128.0.0.0/1", "2001:db8::/32", "2001:DB8:0:0::/64", "2001:db8::1/128", "::/0", "fe80::/10", "::1/128"]),
  fc.tuple(ipv4Arb, fc.integer({ min: 1, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
  fc.tuple(ipv6Arb, fc.integer({ min: 0, max: 128 })).map(([ip, n]) => `${ip}/${n}`),
);

/** Numbers as IAM writes them: integers, decimals, `.5`, `1.`, leading zeros; no exponents, signs other than `-`, or spaces. */
const NUMBERS = ["0", "1", "3599", "3600", "3601", "3600.0", "-1", "0.5", ".5", "-.5", "1.", "07", "86400", "12.25"];
export const numberArb = fc.oneof(
  { weight: 6, arbitrary: pick(NUMBERS) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 100_000 }).map(String) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`) },
);

const pad2 = (n: number): string => String(n).padStart(2, "0");
/** The same few instants written several ways, so equality is tested across representations. */
const ISO_DATES = [
  "2024-01-01",
  "2024-01-01T00:00Z",
  "2024-01-01T00:00:00Z",
  "2024-01-01T00:00:00.000Z",
  "2023-12-31T19:00:00-05:00",
  "2024-01-01T05:30:00+05:30",
  "2024-06-30T23:59:59Z",
  "2024-07-01T01:59:59+02:00",
  "2024-06-30T23:59:59.999Z",
  "2024-07-01T00:00:00Z",
  "2025-03-15T12:00:00.250Z",
];
/**
 * ISO 8601 as both read it: a date, or a date-time with a `Z` or `±HH:MM` offset (never local
 * time), seconds and a fraction of 1–9 digits optional (both keep milliseconds, truncating).
 */
export const isoDateArb = fc.oneof(
  { weight: 2, arbitrary: pick(ISO_DATES) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        y: fc.integer({ min: 2023, max: 2025 }),
        mo: fc.integer({ min: 1, max: 12 }),
        d: fc.integer({ min: 1, max: 28 }),
        h: fc.integer({ min: 0, max: 23 }),
        mi: fc.integer({ min: 0, max: 59 }),
        s: fc.integer({ min: 0, max: 59 }),
        fraction: fc.stringMatching(/^\d{1,9}$/),
        form: fc.integer({ min: 0, max: 4 }),
        offset: fc.oneof(fc.constant("Z"), fc.tuple(pick(["+", "-"]), fc.integer({ min: 0, max: 14 }), pick([0, 30])).map(([sign, h, m]) => `${sign}${pad2(h)}:${pad2(m)}`)),
      })
      .map(({ y, mo, d, h, mi, s, fraction, form, offset }) => {
        const date = `${y}-${pad2(mo)}-${pad2(d)}`;
        if (form === 0) return date;
        const hm = `${date}T${pad2(h)}:${pad2(mi)}`;
        if (form === 1) return `${hm}${offset}`;
        if (form === 2) return `${hm}:${pad2(s)}${offset}`;
        return `${hm}:${pad2(s)}.${fraction}${offset}`;
      }),
  },
);
/** Epoch seconds: non-negative integers without leading zeros (the simulator reads other forms as date strings). */
export const epochArb = fc.oneof(
  { weight: 2, arbitrary: pick(["1704067200", "1704067199", "1704067201", "1704070800", "1719791999", "0", "2000000000"]) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }).map(String) },
);

export const boolArb = pick(["true", "false", "True", "FALSE", "tRuE"]);

/** Request ARNs: six or more parts, `arn:` first; ARN operators compare case-sensitively, so letter case varies too. */
const REQUEST_ARNS = [
  "arn:aws:sns:us-east-1:123456789012:alerts",
  "arn:aws:sns:eu-west-1:123456789012:alerts",
  "arn:aws:sns:us-east-1:123456789012:alerts:sub-1",
  "arn:aws:s3:::reports",
  "arn:aws:s3:::reports-2",
  "arn:aws:lambda:us-east-1:123456789012:function:resize",
  "arn:aws:lambda:us-east-1:123456789012:function:resize:prod",
  "arn:aws:iam::123456789012:user/alice",
  "arn:aws:iam::123456789012:user/Alice",
  "arn:aws:iam::210987654321:user/alice",
  "arn:aws:iam::123456789012:role/admin",
  "arn:aws:iam::123456789012:role/path/admin",
  "arn:aws-cn:iam::123456789012:user/alice",
  "arn:aws:iam::123456789012:root",
  "arn:aws:events:us-east-1:123456789012:rule/nightly",
  "arn:AWS:iam::123456789012:user/alice",
];
/** ARN condition patterns: `*` and `?` anywhere within a segment, case-sensitive. */
const POLICY_ARNS = [
  "arn:aws:sns:us-east-1:123456789012:alerts",
  "arn:aws:sns:*:123456789012:alerts",
  "arn:aws:sns:us-*:123456789012:*",
  "arn:aws:s3:::reports",
  "arn:aws:s3:::rep*",
  "arn:aws:lambda:us-east-1:123456789012:function:*",
  "arn:aws:lambda:*:*:function:resize:*",
  "arn:aws:iam::123456789012:user/alice",
  "arn:aws:iam::123456789012:user/ALICE",
  "arn:aws:iam::123456789012:role/*",
  "arn:aws:iam::*:user/al?ce",
  "arn:aws:iam::123456789012:*",
  "arn:*:iam::123456789012:user/alice",
  "arn:aws:*:*:123456789012:*",
  "arn:aws:iam::12345678901?:root",
  "arn:aws:events:us-east-1:123456789012:rule/night*",
  "arn:a*:iam::*:*",
  "arn:aws:sns:us-east-1:123456789012:*:sub-?",
];
export const requestArnArb = pick(REQUEST_ARNS);
export const policyArnArb = pick(POLICY_ARNS);

/** A request value for a key (one element of the list for a multi-valued key). */
export function requestValueArb(key: KeySpec): fc.Arbitrary<string> {
  switch (key.type) {
    case "String":
    case "Bool":
      return pick(key.values);
    case "Numeric":
      return numberArb;
    case "Date":
      return key.dateFormat === "epoch" ? epochArb : isoDateArb;
    case "Ip":
      return requestIpArb;
    case "Arn":
      return requestArnArb;
  }
}

/** A policy value of `family` for a key whose own type is `key.type`; JSON numbers and booleans where IAM allows them. */
export function policyValueArb(key: KeySpec, family: KeyType | "Null", like: boolean): fc.Arbitrary<string | number | boolean> {
  switch (family) {
    case "Null":
      return pick<string | boolean>(["true", "false", "TRUE", "False", true, false]);
    case "Bool":
      return fc.oneof({ weight: 4, arbitrary: boolArb }, { weight: 1, arbitrary: fc.boolean() });
    case "Numeric":
      return fc.oneof({ weight: 4, arbitrary: numberArb }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 100_000 }) });
    case "Date":
      return key.dateFormat === "epoch"
        ? fc.oneof({ weight: 4, arbitrary: epochArb }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }) })
        : isoDateArb;
    case "Ip":
      return policyIpArb;
    case "Arn":
      return policyArnArb;
    case "String":
      // literal values the requests use, and wildcard patterns (mostly for the Like operators)
      return like
        ? fc.oneof({ weight: 2, arbitrary: pick(key.patterns) }, { weight: 1, arbitrary: requestValueArb(key) })
        : fc.oneof({ weight: 3, arbitrary: requestValueArb(key) }, { weight: 1, arbitrary: pick(key.patterns) });
  }
}
