/** The decision log: line format, AuditLog-driven filtering, Include, redaction, bounded asynchronous writes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileScanner } from "../../src/engine/scan/index.js";
import { EdictError } from "../../src/errors.js";
import { createDecisionLog, newDecisionId } from "../../src/serve/decision-log.js";
import type { AuditSettings, DecisionEntry, DecisionLog } from "../../src/serve/decision-log.js";
import { classifyDecision, parseInclude } from "../../src/serve/decision-line.js";
import { isPersonalDataKey, redactSpans, REDACTED } from "../../src/serve/redact.js";
import type { DecisionLogSink } from "../../src/serve/types.js";

const BUNDLE = { name: "acme-policies", serial: 7, revision: "3f2a9c1" };
const REQUIRED: AuditSettings = { Required: true };
const NOT_REQUIRED: AuditSettings = { Required: false };

function entry(overrides: Partial<DecisionEntry> = {}): DecisionEntry {
  return {
    time: "2025-01-02T03:04:05.678Z",
    decision_id: "11111111-2222-4333-8444-555555555555",
    kind: "authorize",
    input: { action: "file:Read", resource: "file://workspace/a.txt", context: { "source.ip": "10.0.0.1", team: "core" } },
    result: { decision: "allow", reasons: [{ policy: "p", file: "policies/p.yaml", effect: "Allow" }] },
    bundle: BUNDLE,
    duration_us: 42,
    ...overrides,
  };
}
const deny = (overrides: Partial<DecisionEntry> = {}): DecisionEntry => entry({ result: { decision: "deny", reasons: [] }, ...overrides });
const approval = (overrides: Partial<DecisionEntry> = {}): DecisionEntry => entry({ result: { decision: "approval_required", reasons: [] }, ...overrides });

/** A log whose writer collects chunks in memory. */
function memoryLog(options: { all?: boolean; scan?: (text: string) => { index: number; length: number }[]; maxBufferedLines?: number } = {}) {
  const chunks: string[] = [];
  const log = createDecisionLog({
    destination: "-",
    all: options.all ?? false,
    ...(options.maxBufferedLines === undefined ? {} : { maxBufferedLines: options.maxBufferedLines }),
    ...(options.scan === undefined ? {} : { scan: options.scan }),
    write: async (chunk) => {
      chunks.push(chunk);
    },
  });
  const lines = async (): Promise<Record<string, unknown>[]> => {
    await log.flush();
    return chunks
      .join("")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { log, chunks, lines };
}

async function oneLine(e: DecisionEntry, audit: AuditSettings | undefined, options: Parameters<typeof memoryLog>[0] = {}): Promise<Record<string, unknown> | undefined> {
  const { log, lines } = memoryLog(options);
  log.record(e, audit);
  const all = await lines();
  expect(all.length).toBeLessThanOrEqual(1);
  return all[0];
}

describe("line format", () => {
  it("writes one JSON line per decision with every field, in order", async () => {
    const { log, chunks } = memoryLog();
    log.record(entry({ overlay: "sha256:abc" }), REQUIRED);
    await log.flush();
    const text = chunks.join("");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(2);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(["time", "decision_id", "kind", "input", "result", "bundle", "overlay", "duration_us"]);
    expect(line).toEqual({
      time: "2025-01-02T03:04:05.678Z",
      decision_id: "11111111-2222-4333-8444-555555555555",
      kind: "authorize",
      input: { action: "file:Read", resource: "file://workspace/a.txt", context: { "source.ip": "10.0.0.1", team: "core" } },
      result: { decision: "allow", reasons: [{ policy: "p", file: "policies/p.yaml", effect: "Allow" }] },
      bundle: BUNDLE,
      overlay: "sha256:abc",
      duration_us: 42,
    });
  });

  it("omits overlay when no overlay applies, and gives an entry without an id a random UUID", async () => {
    const line = await oneLine(entry({ decision_id: "" }), REQUIRED);
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty("overlay");
    expect(line?.decision_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newDecisionId()).not.toBe(newDecisionId());
  });

  it("copies what it logs: changing the entry after record() does not change the line", async () => {
    const { log, lines } = memoryLog();
    const e = entry();
    log.record(e, REQUIRED);
    (e.input as { action: string }).action = "changed";
    expect((await lines())[0]?.input).toMatchObject({ action: "file:Read" });
  });
});

describe("filtering by AuditLog.Required and --decision-log-all", () => {
  it("Required true logs every decision", async () => {
    const { log, lines } = memoryLog();
    log.record(entry(), REQUIRED);
    log.record(deny(), REQUIRED);
    log.record(approval(), REQUIRED);
    expect((await lines()).map((l) => (l.result as { decision: string }).decision)).toEqual(["allow", "deny", "approval_required"]);
  });

  it("Required false or unset logs only denials and approvals", async () => {
    for (const audit of [NOT_REQUIRED, undefined, {}]) {
      const { log, lines } = memoryLog();
      log.record(entry(), audit);
      log.record(deny(), audit);
      log.record(approval(), audit);
      log.record(entry({ kind: "data.decide", result: { decision: "mask" } }), audit);
      log.record(entry({ kind: "data.decide", result: { decision: "require_approval" } }), audit);
      expect((await lines()).map((l) => (l.result as { decision: string }).decision)).toEqual(["deny", "approval_required", "require_approval"]);
    }
  });

  it("a tool check with allowed=false is a denial, escalate an approval, observe an allow", async () => {
    const { log, lines } = memoryLog();
    log.record(entry({ kind: "tools.check", input: { uri: "mcp://a/b" }, result: { decision: "observe", allowed: true } }), NOT_REQUIRED);
    log.record(entry({ kind: "tools.check", input: { uri: "mcp://a/c" }, result: { decision: "deny", allowed: false } }), NOT_REQUIRED);
    log.record(entry({ kind: "tools.check", input: { uri: "mcp://a/d" }, result: { decision: "escalate", allowed: true } }), NOT_REQUIRED);
    log.record(entry({ kind: "posture", input: { facts: {} }, result: { decision: "fail", allowed: false } }), NOT_REQUIRED);
    const uris = (await lines()).map((l) => (l.input as { uri?: string }).uri ?? l.kind);
    expect(uris).toEqual(["mcp://a/c", "mcp://a/d", "posture"]);
    expect(classifyDecision({ decision: "allow", allowed: false })).toBe("denial");
    // the server reports a tool check as allow/deny and keeps the engine's `enforced`
    expect(classifyDecision({ decision: "allow", allowed: true, enforced: "escalate" })).toBe("approval");
    expect(classifyDecision({ decision: "allow", allowed: true, enforced: "observe" })).toBe("allow");
    expect(classifyDecision({ decision: "flagged", findings: [] })).toBe("allow");
  });

  it("--decision-log-all logs every decision whatever Required and Include say", async () => {
    const { log, lines } = memoryLog({ all: true });
    log.record(entry(), NOT_REQUIRED);
    log.record(entry(), undefined);
    log.record(entry(), { Required: true, Include: ["denials"] });
    expect(await lines()).toHaveLength(3);
  });

  it("reads the settings per record, so a bundle update changes the filtering", async () => {
    const { log, lines } = memoryLog();
    log.record(entry({ decision_id: "a" }), NOT_REQUIRED);
    log.record(entry({ decision_id: "b" }), REQUIRED);
    log.record(entry({ decision_id: "c" }), NOT_REQUIRED);
    expect((await lines()).map((l) => l.decision_id)).toEqual(["b"]);
  });
});

describe("AuditLog.Include", () => {
  it("parses decision classes and fields, ignoring unknown values and non-strings", () => {
    const parsed = parseInclude(["all_actions", "Resources", "outcomes", "timestamps", "context", "frobnicate", 3, null]);
    expect([...(parsed.classes ?? [])].sort()).toEqual(["allow", "approval", "denial"]);
    expect([...(parsed.fields ?? [])].sort()).toEqual(["context", "outcomes", "resources", "timestamps"]);
    expect(parseInclude(undefined)).toEqual({ classes: undefined, fields: undefined });
    expect(parseInclude(["frobnicate"])).toEqual({ classes: undefined, fields: undefined });
    expect(parseInclude("all_actions")).toEqual({ classes: undefined, fields: undefined });
  });

  it("the production example [all_actions, resources, outcomes, timestamps, context] keeps the whole line", async () => {
    const line = await oneLine(entry(), { Required: true, Include: ["all_actions", "resources", "outcomes", "timestamps", "context"] });
    expect(line?.input).toEqual(entry().input);
    expect(line?.result).toEqual(entry().result);
  });

  it("the development example [all_actions, outcomes] keeps the action and the outcome, not the resource or context", async () => {
    const line = await oneLine(entry(), { Required: true, Include: ["all_actions", "outcomes"] });
    expect(line?.input).toEqual({ action: "file:Read" });
    expect(line?.result).toEqual(entry().result);
    expect(line?.time).toBe("2025-01-02T03:04:05.678Z");
    expect(line?.bundle).toEqual(BUNDLE);
  });

  it("the starter example [all_actions, resources, outcomes, timestamps] leaves the context out", async () => {
    const line = await oneLine(entry(), { Required: true, Include: ["all_actions", "resources", "outcomes", "timestamps"] });
    expect(line?.input).toEqual({ action: "file:Read", resource: "file://workspace/a.txt" });
  });

  it("without outcomes/results the result is the decision alone; results is an alias of outcomes", async () => {
    expect((await oneLine(entry(), { Required: true, Include: ["resources"] }))?.result).toEqual({ decision: "allow" });
    expect((await oneLine(entry(), { Required: true, Include: ["results"] }))?.result).toEqual(entry().result);
  });

  it("inputs keeps the whole input; an Include with only unknown values keeps everything", async () => {
    expect((await oneLine(entry(), { Required: true, Include: ["inputs"] }))?.input).toEqual(entry().input);
    const line = await oneLine(entry(), { Required: true, Include: ["frobnicate", "who-knows"] });
    expect(line?.input).toEqual(entry().input);
    expect(line?.result).toEqual(entry().result);
  });

  it("selects inside a data.decide request, and timestamps keeps its `now`", async () => {
    const input = { request: { dataset: "patients", fields: [{ name: "email" }], requester: { role: "nurse" }, environment: "production" }, now: "2025-01-01T00:00:00Z" };
    const e = entry({ kind: "data.decide", input, result: { decision: "deny" } });
    expect((await oneLine(e, { Required: true, Include: ["resources"] }))?.input).toEqual({ request: { dataset: "patients", fields: [{ name: "email" }] } });
    expect((await oneLine(e, { Required: true, Include: ["timestamps", "context"] }))?.input).toEqual({
      request: { requester: { role: "nurse" }, environment: "production" },
      now: "2025-01-01T00:00:00Z",
    });
  });

  it("decision classes narrow what is logged: denials only, approvals only", async () => {
    const { log, lines } = memoryLog();
    for (const audit of [{ Required: true, Include: ["denials"] }, { Required: false, Include: ["approvals"] }]) {
      log.record(entry(), audit);
      log.record(deny(), audit);
      log.record(approval(), audit);
    }
    expect((await lines()).map((l) => (l.result as { decision: string }).decision)).toEqual(["deny", "approval_required"]);
  });

  it("with Required false, all_actions does not widen the log beyond denials and approvals", async () => {
    const { log, lines } = memoryLog();
    log.record(entry(), { Required: false, Include: ["all_actions"] });
    log.record(deny(), { Required: false, Include: ["all_actions"] });
    expect(await lines()).toHaveLength(1);
  });
});

describe("AuditLog.RedactPII", () => {
  it("matches personal-data keys case-insensitively on the last dotted segment", () => {
    for (const key of ["email", "user.Email", "E-Mail", "contact.email_address", "phone", "user.mobileNumber", "ssn", "social_security_number", "name", "first_name", "lastName", "full_name", "address", "street", "zip", "postcode", "postal_code", "dob", "date_of_birth", "birthDate", "passport", "national_id", "tax_id", "credit_card", "cardNumber", "iban", "account_number", "ip", "source.ip", "aws:SourceIp", "client_ip", "ip_address"]) {
      expect(isPersonalDataKey(key), key).toBe(true);
    }
    for (const key of ["team", "role", "environment", "user.name.length_hint", "classname", "skip", "hostname", "region", "mfa", "email.verified"]) {
      expect(isPersonalDataKey(key), key).toBe(false);
    }
  });

  it("redacts context values whose keys name personal data, nested, leaving other values and the caller's object alone", async () => {
    const input = {
      action: "data:Read",
      resource: "db://crm/customers",
      context: { "user.email": "ann@example.com", team: "core", "source.ip": "10.0.0.1", user: { first_name: "Ann", role: "admin", contacts: [{ phone: "555-0100", kind: "home" }] } },
    };
    const line = await oneLine(entry({ input }), { Required: true, RedactPII: true });
    expect(line?.input).toEqual({
      action: "data:Read",
      resource: "db://crm/customers",
      context: { "user.email": REDACTED, team: "core", "source.ip": REDACTED, user: { first_name: REDACTED, role: "admin", contacts: [{ phone: REDACTED, kind: "home" }] } },
    });
    expect(input.context["user.email"]).toBe("ann@example.com");
  });

  it("redacts tool and posture facts by key too, but not keys outside context (a data request's field names)", async () => {
    const tool = await oneLine(entry({ kind: "tools.check", input: { uri: "mcp://a/b", facts: { egressHost: "x", email: "a@b.c" } }, result: { decision: "deny", allowed: false } }), { Required: true, RedactPII: true });
    expect(tool?.input).toEqual({ uri: "mcp://a/b", facts: { egressHost: "x", email: REDACTED } });
    const data = await oneLine(entry({ kind: "data.decide", input: { request: { dataset: "d", fields: [{ name: "email" }], requester: { role: "r" } } }, result: { decision: "deny" } }), { Required: true, RedactPII: true });
    expect(data?.input).toEqual({ request: { dataset: "d", fields: [{ name: "email" }], requester: { role: "r" } } });
  });

  it("replaces the spans the engine's scanner flags in every input string, and the scan result's matches", async () => {
    const scanner = compileScanner({ compliance: { packs: [{ id: "pii", rules: [{ id: "ssn", type: "regex", location: "input", patterns: ["\\b\\d{3}-\\d{2}-\\d{4}\\b"] }] }] } });
    const scan = (text: string) => scanner.scan(text, "input");
    const input = { text: "ssn 123-45-6789 and 987-65-4321 ok", location: "input" };
    const result = { decision: "flagged", findings: [{ pack: "pii", rule: "ssn", index: 4, match: "123-45-6789", length: 11 }] };
    const line = await oneLine(entry({ kind: "scan", input, result }), { Required: true, RedactPII: true }, { scan });
    expect(line?.input).toEqual({ text: `ssn ${REDACTED} and ${REDACTED} ok`, location: "input" });
    expect(line?.result).toEqual({ decision: "flagged", findings: [{ pack: "pii", rule: "ssn", index: 4, match: REDACTED, length: 11 }] });
    const nested = await oneLine(entry({ input: { action: "a:B", resource: "x://123-45-6789", context: { note: ["id 123-45-6789"] } } }), { Required: true, RedactPII: true }, { scan });
    expect(nested?.input).toEqual({ action: "a:B", resource: `x://${REDACTED}`, context: { note: [`id ${REDACTED}`] } });
  });

  it("a scan request's own findings (e.g. from output rules) redact its text even without a scanner", async () => {
    const input = { text: "token=abc123 rest", location: "output" };
    const result = { decision: "flagged", findings: [{ pack: "s", rule: "r", pattern: "token=\\w+", index: 0, match: "token=abc123", length: 12 }] };
    const line = await oneLine(entry({ kind: "scan", input, result }), { Required: true, RedactPII: true });
    expect(line?.input).toEqual({ text: `${REDACTED} rest`, location: "output" });
  });

  it("merges overlapping spans and ignores spans outside the text", () => {
    expect(redactSpans("abcdefgh", [{ index: 1, length: 3 }, { index: 2, length: 4 }, { index: 50, length: 2 }, { index: 7, length: 9 }])).toBe(`a${REDACTED}g${REDACTED}`);
    expect(redactSpans("abc", [])).toBe("abc");
  });

  it("leaves everything as is when RedactPII is false", async () => {
    const scan = () => [{ index: 0, length: 3 }];
    const line = await oneLine(entry({ input: { action: "a:B", resource: "r", context: { email: "ann@example.com" } } }), { Required: true, RedactPII: false }, { scan });
    expect(line?.input).toEqual({ action: "a:B", resource: "r", context: { email: "ann@example.com" } });
  });
});

describe("buffering", () => {
  /** A writer whose writes never complete, like a disk that stopped answering. */
  function stuckLog(maxBufferedLines: number, all = true): { log: DecisionLog; calls: string[] } {
    const calls: string[] = [];
    const log = createDecisionLog({ destination: "-", all, maxBufferedLines, write: (chunk) => {
      calls.push(chunk);
      return new Promise<void>(() => {});
    } });
    return { log, calls };
  }

  it("record() is synchronous and drops and counts lines once the buffer is full", async () => {
    const { log, calls } = stuckLog(3);
    for (let i = 0; i < 10; i += 1) expect(log.record(entry({ decision_id: String(i) }), REQUIRED)).toBeUndefined();
    // counted at once, before any write has even started
    expect(calls).toHaveLength(0);
    expect(log.dropped()).toBe(7);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { decision_id: string }).decision_id)).toEqual(["0", "1", "2"]);
    // the lines being written still count against the bound
    log.record(entry(), REQUIRED);
    expect(log.dropped()).toBe(8);
  });

  it("lines filtered out are not counted as dropped", () => {
    const { log } = stuckLog(1, false);
    log.record(deny(), REQUIRED);
    log.record(entry(), NOT_REQUIRED);
    expect(log.dropped()).toBe(0);
  });

  it("batches many records into few writes, and flush() resolves after they are written", async () => {
    const { log, chunks, lines } = memoryLog();
    for (let i = 0; i < 500; i += 1) log.record(entry({ decision_id: String(i) }), REQUIRED);
    const written = await lines();
    expect(written.map((l) => l.decision_id)).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
    expect(chunks.length).toBeLessThan(5);
    expect(log.dropped()).toBe(0);
  });

  it("is what the server takes as its decision log", () => {
    const sink: DecisionLogSink = memoryLog().log;
    expect(typeof sink.record).toBe("function");
  });

  it("flush() resolves at once when nothing is buffered", async () => {
    const { log } = memoryLog();
    await expect(log.flush()).resolves.toBeUndefined();
  });

  it("a write error is counted and reported, never thrown from record(); later lines still get written", async () => {
    const errors: string[] = [];
    const written: string[] = [];
    let fail = true;
    const log = createDecisionLog({
      destination: "-",
      all: true,
      onError: (e) => errors.push(e.message),
      write: async (chunk) => {
        if (fail) throw new Error("disk full");
        written.push(chunk);
      },
    });
    expect(() => {
      log.record(entry(), REQUIRED);
      log.record(entry(), REQUIRED);
    }).not.toThrow();
    await log.flush();
    expect(log.dropped()).toBe(2);
    expect(log.writeErrors()).toBe(1);
    expect(errors).toEqual(["disk full"]);
    fail = false;
    log.record(entry(), REQUIRED);
    await log.flush();
    expect(written).toHaveLength(1);
    expect(log.dropped()).toBe(2);
  });

  it("a writer that throws synchronously, and an entry that cannot be serialised, are counted too", async () => {
    const errors: string[] = [];
    const log = createDecisionLog({
      destination: "-",
      all: true,
      onError: (e) => errors.push(e.message),
      write: () => {
        throw new Error("sync failure");
      },
    });
    const circular: Record<string, unknown> = { action: "a:B" };
    circular.self = circular;
    expect(() => log.record(entry({ input: circular }), REQUIRED)).not.toThrow();
    expect(() => log.record(entry({ duration_us: 10n as unknown as number }), REQUIRED)).not.toThrow();
    log.record(entry(), REQUIRED);
    await log.flush();
    expect(log.dropped()).toBe(3);
    expect(errors).toHaveLength(3);
    expect(errors).toContain("sync failure");
  });

  it("close() flushes everything, and records after close are dropped", async () => {
    const { log, chunks } = memoryLog();
    log.record(entry(), REQUIRED);
    log.record(deny(), REQUIRED);
    await log.close();
    expect(chunks.join("").split("\n").filter((l) => l !== "")).toHaveLength(2);
    log.record(entry(), REQUIRED);
    await log.close();
    expect(log.dropped()).toBe(1);
    expect(chunks.join("").split("\n").filter((l) => l !== "")).toHaveLength(2);
  });
});

describe("destinations", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "edict-decision-log-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a missing file and appends across two logs", async () => {
    const path = join(dir, "decisions.jsonl");
    const first = createDecisionLog({ destination: path, all: false });
    first.record(deny({ decision_id: "first" }), REQUIRED);
    await first.close();
    const second = createDecisionLog({ destination: path, all: false });
    second.record(deny({ decision_id: "second" }), REQUIRED);
    second.record(approval({ decision_id: "third" }), REQUIRED);
    await second.close();
    const ids = readFileSync(path, "utf8").trimEnd().split("\n").map((l) => (JSON.parse(l) as { decision_id: string }).decision_id);
    expect(ids).toEqual(["first", "second", "third"]);
  });

  it("appends to a file that already has content", async () => {
    const path = join(dir, "existing.jsonl");
    writeFileSync(path, "earlier line\n");
    const log = createDecisionLog({ destination: path, all: true });
    log.record(entry(), undefined);
    await log.close();
    const text = readFileSync(path, "utf8");
    expect(text.startsWith("earlier line\n")).toBe(true);
    expect(text.split("\n").filter((l) => l !== "")).toHaveLength(2);
  });

  it("a file that cannot be opened is an IO_ERROR at creation, not a silent loss", () => {
    const path = join(dir, "missing-folder", "decisions.jsonl");
    let caught: unknown;
    try {
      createDecisionLog({ destination: path, all: false });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EdictError);
    expect((caught as EdictError).code).toBe("IO_ERROR");
    expect((caught as EdictError).message).toContain(path);
  });

  it('"-" writes to stdout', async () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      const callback = rest.find((r) => typeof r === "function") as ((error?: Error | null) => void) | undefined;
      callback?.(null);
      return true;
    }) as typeof process.stdout.write;
    try {
      const log = createDecisionLog({ destination: "-", all: true });
      log.record(entry({ decision_id: "to-stdout" }), undefined);
      await log.close();
    } finally {
      process.stdout.write = original;
    }
    expect(written.map((c) => (JSON.parse(c) as { decision_id: string }).decision_id)).toEqual(["to-stdout"]);
  });
});
