/**
 * Redaction of decision-log entries when the effective `AuditLog.RedactPII` is true. Pure: values
 * in, new values out; the caller's objects are never modified.
 *
 * Two mechanisms:
 * - by key: inside request context (`context`, `facts`, at any depth), a value whose key names
 *   personal data is replaced whole with "[REDACTED]" (see `isPersonalDataKey`);
 * - by content: in every string of the input, the spans the engine's compliance scanner flags are
 *   replaced with "[REDACTED]".
 */

export const REDACTED = "[REDACTED]";

/** One flagged span of a string, in UTF-16 code units (the engine's `ScanFinding` has these fields). */
export interface FlaggedSpan {
  readonly index: number;
  readonly length: number;
}

/** The scanner a decision log may use: the spans of `text` that are sensitive. */
export type SpanScanner = (text: string) => readonly FlaggedSpan[];

/**
 * Key terms that name personal data, compared with the "compact" form of a key's last segment
 * (lowercased, with everything but letters and digits removed: `e-mail`, `E_Mail` and `eMail`
 * all become `email`). A key matches when its compact form contains one of these.
 */
export const PII_KEY_SUBSTRINGS: readonly string[] = [
  "email",
  "phone",
  "mobile",
  "socialsecurity",
  "firstname",
  "lastname",
  "fullname",
  "middlename",
  "givenname",
  "familyname",
  "surname",
  "username",
  "displayname",
  "address",
  "street",
  "zipcode",
  "postcode",
  "postalcode",
  "birth",
  "passport",
  "nationalid",
  "taxid",
  "creditcard",
  "cardnumber",
  "iban",
  "accountnumber",
];

/**
 * Short terms that would match too much as substrings (`ssn` is inside `classname`, `ip` inside
 * `zip` and `skip`): a key matches only when its compact form equals one of these.
 * IP addresses count as personal data (they identify a person's device; GDPR treats them so).
 */
export const PII_KEY_EXACT: readonly string[] = ["name", "ssn", "zip", "dob", "cvv", "ip", "ipaddr", "sourceip", "clientip", "remoteip", "userip"];

const SUBSTRINGS = [...PII_KEY_SUBSTRINGS];
const EXACT = new Set(PII_KEY_EXACT);

/** Compact form of the last segment of a key: `user.Email-Address` → `emailaddress`, `aws:SourceIp` → `sourceip`. */
function compactLastSegment(key: string): string {
  const segments = key.split(/[.:/]/);
  const last = segments[segments.length - 1] ?? key;
  return last.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * True when a context key names personal data, matched case-insensitively on its last dotted
 * segment (`:` and `/` also separate segments, for IAM-style keys such as `aws:SourceIp`).
 */
export function isPersonalDataKey(key: string): boolean {
  const compact = compactLastSegment(key);
  if (compact === "") return false;
  if (EXACT.has(compact)) return true;
  return SUBSTRINGS.some((term) => compact.includes(term));
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Replaces the flagged spans of `text` (overlapping spans merge); returns `text` itself when nothing is flagged. */
export function redactSpans(text: string, spans: readonly FlaggedSpan[]): string {
  const valid = spans
    .filter((s) => Number.isInteger(s.index) && Number.isInteger(s.length) && s.length > 0 && s.index >= 0 && s.index < text.length)
    .map((s) => ({ start: s.index, end: Math.min(text.length, s.index + s.length) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  if (valid.length === 0) return text;
  let out = "";
  let cursor = 0;
  let current: { start: number; end: number } | undefined;
  for (const span of valid) {
    if (current !== undefined && span.start <= current.end) {
      current.end = Math.max(current.end, span.end);
      continue;
    }
    if (current !== undefined) {
      out += text.slice(cursor, current.start) + REDACTED;
      cursor = current.end;
    }
    current = { ...span };
  }
  if (current !== undefined) {
    out += text.slice(cursor, current.start) + REDACTED;
    cursor = current.end;
  }
  return out + text.slice(cursor);
}

/** Keys under which a request carries context whose values are redacted by key. */
const CONTEXT_KEYS = new Set(["context", "facts"]);

/**
 * A copy of `value` with personal data redacted: values whose keys name personal data inside any
 * `context`/`facts` object (at any depth below it), and the spans `scan` flags in every string.
 */
export function redactInput(value: unknown, scan: SpanScanner | undefined): unknown {
  return walk(value, false, scan);
}

function walk(value: unknown, inContext: boolean, scan: SpanScanner | undefined): unknown {
  if (typeof value === "string") return scan === undefined ? value : redactSpans(value, scan(value));
  if (Array.isArray(value)) return value.map((item) => walk(item, inContext, scan));
  if (!isPlainRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (inContext && isPersonalDataKey(key)) out[key] = REDACTED;
    else out[key] = walk(item, inContext || CONTEXT_KEYS.has(key), scan);
  }
  return out;
}

/**
 * A copy of a result with the text the scanner matched removed: a scan answer lists findings
 * whose `match` is the flagged text itself, which must not reach the log when the input's copy
 * of it is redacted.
 */
export function redactResult(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactResult);
  if (!isPlainRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = key === "match" && typeof item === "string" ? REDACTED : redactResult(item);
  return out;
}
