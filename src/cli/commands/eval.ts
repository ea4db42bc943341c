/** `edict eval`: one decision against a repository's effective policy (or a verified bundle). */
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import type { Engine } from "../../engine/engine.js";
import type { AccessDecision, AccessRequest, ContextScalar, RequestContext } from "../../engine/access/types.js";
import type { DataRequest } from "../../engine/data/types.js";
import { requestProblem } from "../../engine/data/request.js";
import { validateActionPattern, validateResourcePattern } from "../../engine/match/index.js";
import { parseToolUri } from "../../engine/runtime/index.js";
import { explainRefusal } from "../../testing/refusal.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice, policiesOption, rootOption } from "../options.js";
import { engineFromBundle, engineFromRepository } from "../engine-source.js";
import { rootOptionOf } from "../repository.js";

const FORMATS = ["text", "json"] as const;
const EXPECT = ["allow", "deny", "approval_required", "mask", "require_approval"] as const;

export interface EvalOptions {
  /** -C/--root, or its older spelling --policies; neither: the nearest folder upward with edict.yaml. */
  root?: string;
  policies?: string;
  bundle?: string;
  key?: string[];
  target?: string;
  action?: string;
  resource?: string;
  context: string[];
  contextJson?: string;
  tool?: string;
  data?: string;
  format: (typeof FORMATS)[number];
  expect?: (typeof EXPECT)[number];
}

/** `k=v` pairs into a context; a repeated key becomes a multi-valued key. */
export function parseContextPairs(pairs: readonly string[], json?: string): RequestContext {
  const ctx: Record<string, ContextScalar | ContextScalar[]> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new EdictError("USAGE", `--context-json is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new EdictError("USAGE", "--context-json must be a JSON object of context keys");
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const ok = (x: unknown) => typeof x === "string" || typeof x === "number" || typeof x === "boolean";
      if (!(ok(v) || (Array.isArray(v) && v.every(ok)))) throw new EdictError("USAGE", `--context-json key "${k}" must be a string, number, boolean or a list of them`);
      ctx[k] = v as ContextScalar | ContextScalar[];
    }
  }
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new EdictError("USAGE", `--context takes key=value, got "${pair}"`);
    const k = pair.slice(0, eq);
    const v = pair.slice(eq + 1);
    const prev = ctx[k];
    ctx[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return ctx;
}

/** The one question an eval asks, checked before any policy is read. */
export type Question = { kind: "access"; request: AccessRequest } | { kind: "tool"; uri: string } | { kind: "data"; request: DataRequest };

const TOOL_FORM = "mcp://SERVER/TOOL[@VERSION], e.g. mcp://vision-mcp/detect@1.2.0";
const ACTION_FORM = "SERVICE:ACTION, e.g. db:Select";
const RESOURCE_FORM = "SCHEME://PATH or *, e.g. db://production/users";
const DATA_FORM = 'a JSON object like {"dataset": "customers", "fields": [{"name": "email", "sensitivity": "pii"}], "requester": {"role": "analyst", "region": "US"}}';

function usage(flag: string, form: string, got: string, why?: string): EdictError {
  return new EdictError("USAGE", `${flag} expects ${form}; got ${JSON.stringify(got)}${why ? ` (${why})` : ""}`);
}

/** An access request's action: one concrete `service:Action`, in the grammar policies are linted with. */
function parseAction(action: string): string {
  const problem = validateActionPattern(action);
  if (problem !== undefined) throw usage("--action", ACTION_FORM, action, problem);
  if (/[*?]/.test(action)) throw usage("--action", ACTION_FORM, action, "a request names one action; wildcards belong in policies");
  return action;
}

function parseResource(resource: string): string {
  const problem = validateResourcePattern(resource);
  if (problem !== undefined) throw usage("--resource", RESOURCE_FORM, resource, problem);
  return resource;
}

function parseDataRequest(text: string): DataRequest {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (e) {
    throw usage("--data", DATA_FORM, text, `not valid JSON: ${(e as Error).message}`);
  }
  const problem = requestProblem(request, new Date());
  if (problem !== undefined) throw usage("--data", DATA_FORM, text, problem);
  return request as DataRequest;
}

/**
 * The question the options ask. Malformed input is a usage error (exit 2) that shows the expected
 * form, so a typo is never answered with the engine's fail-closed deny. The checks reuse the
 * engine's parsers (tool URI, data request) and the action/resource grammar lint applies to policies.
 */
export function parseQuestion(opts: Pick<EvalOptions, "action" | "resource" | "context" | "contextJson" | "tool" | "data">): Question {
  const access = opts.action !== undefined || opts.resource !== undefined;
  const asked = [access, opts.tool !== undefined, opts.data !== undefined].filter(Boolean).length;
  if (asked !== 1) throw new EdictError("USAGE", "ask exactly one question: --action and --resource, or --tool URI, or --data JSON");
  if (!access && ((opts.context ?? []).length > 0 || opts.contextJson !== undefined)) {
    throw new EdictError("USAGE", "--context and --context-json belong to an access request (--action and --resource)");
  }
  if (opts.tool !== undefined) {
    if (parseToolUri(opts.tool) === undefined) throw usage("--tool", TOOL_FORM, opts.tool);
    return { kind: "tool", uri: opts.tool };
  }
  if (opts.data !== undefined) return { kind: "data", request: parseDataRequest(opts.data) };
  if (opts.action === undefined) throw new EdictError("USAGE", `--resource needs --action ${ACTION_FORM}`);
  if (opts.resource === undefined) throw new EdictError("USAGE", `--action needs --resource ${RESOURCE_FORM}`);
  const context = parseContextPairs(opts.context ?? [], opts.contextJson);
  return { kind: "access", request: { action: parseAction(opts.action), resource: parseResource(opts.resource), context } };
}

/** Runs the one question the options ask and returns the JSON-able answer and its decision word. */
export function answer(engine: Engine, opts: EvalOptions): { result: unknown; decision: string } {
  const question = parseQuestion(opts);
  switch (question.kind) {
    case "tool": {
      const r = engine.checkTool(question.uri);
      return { result: r, decision: r.allowed ? "allow" : "deny" };
    }
    case "data": {
      const r = engine.decideData(question.request);
      return { result: r, decision: r.action };
    }
    case "access": {
      const r = engine.authorize(question.request);
      return { result: r, decision: r.decision };
    }
  }
}

/** `refusal`: lines that say why a refused access request was refused (see explainRefusal). */
function renderText(result: unknown, decision: string, refusal: readonly string[] = []): string {
  const r = result as { reasons?: Array<{ policy: string; file: string; sid?: string; effect: string }>; approval?: { approverRole?: string; timeoutSeconds?: number }; violations?: Array<{ code: string; message: string }>; reason?: string; policy?: string | null };
  const lines = [decision];
  for (const reason of r.reasons ?? []) lines.push(`  ${reason.effect} ${reason.policy}${reason.sid ? `/${reason.sid}` : ""}  (${reason.file})`);
  if (r.approval) lines.push(`  approval by ${r.approval.approverRole ?? "an approver"}${r.approval.timeoutSeconds ? ` within ${r.approval.timeoutSeconds}s` : ""}`);
  for (const v of r.violations ?? []) lines.push(`  ${v.code}: ${v.message}`);
  if (r.reason) lines.push(`  ${r.policy ?? "default"}: ${r.reason}`);
  if (refusal.length > 0) lines.push(...refusal.map((l) => `  ${l}`));
  else if (r.reasons && r.reasons.length === 0 && decision === "deny") lines.push("  no statement allows this request (implicit deny)");
  return lines.join("\n") + "\n";
}

export function registerEval(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("eval")
    .description("answer one request against the effective policy: access, tool call or data request")
    .addOption(rootOption())
    .addOption(policiesOption())
    .option("--bundle <file>", "answer from a signed bundle instead (verified first)")
    .option("-k, --key <pub>", "trusted public key for --bundle (repeatable)", collect, [])
    .option("-t, --target <name>", "target from edict.yaml")
    .option("-a, --action <action>", "access request action, e.g. db:Select")
    .option("-r, --resource <resource>", "access request resource, e.g. db://production/users")
    .option("-c, --context <key=value>", "context key (repeatable; a repeated key is multi-valued)", collect, [])
    .option("--context-json <json>", "context as a JSON object")
    .option("--tool <uri>", "check a tool call like checkTool: mcp://SERVER/TOOL[@VERSION]")
    .option("--data <json>", "decide a data request like decideData")
    .option("--expect <decision>", `exit 1 unless the decision is this: ${EXPECT.join(", ")}`, (v) => parseChoice(v, EXPECT, "--expect"))
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nExamples:\n  edict eval -t production -a db:Select -r db://production/users -c source.ip=10.1.2.3\n  edict eval --bundle acme-policies.bundle.json --key edict.pub -t production -a db:Delete -r db://production/users\n  edict eval -t production --tool mcp://vision-mcp/detect@1.2.0 --format json\n  edict eval -t production --data '{\"dataset\":\"customers\",\"fields\":[{\"name\":\"email\",\"sensitivity\":\"pii\"}],\"requester\":{\"role\":\"analyst\",\"region\":\"US\"},\"dataset_region\":\"EU\"}'\n",
    )
    .action(async (opts: EvalOptions) => {
      parseQuestion(opts); // a malformed question is a usage error before any policy is read
      const source = opts.bundle !== undefined ? await engineFromBundle(io, opts.bundle, opts.key ?? [], opts.target) : await engineFromRepository(io, rootOptionOf(opts), opts.target);
      const { result, decision } = answer(source.engine, opts);
      const access = "merged" in source ? source.merged.effective.access : source.payload.targets[source.target]?.access;
      const refusal =
        opts.format === "text" && decision === "deny" && access && opts.action !== undefined && opts.resource !== undefined
          ? explainRefusal({ action: opts.action, resource: opts.resource, context: parseContextPairs(opts.context, opts.contextJson) }, result as AccessDecision, { access, target: source.target })
          : [];
      io.stdout(opts.format === "json" ? JSON.stringify(result, null, 2) + "\n" : renderText(result, decision, refusal));
      setExit(opts.expect !== undefined && opts.expect !== decision ? EXIT.FINDINGS : EXIT.OK);
    });
}
