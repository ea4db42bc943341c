/** `edict eval`: one decision against a repository's effective policy (or a verified bundle). */
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import type { Engine } from "../../engine/engine.js";
import type { ContextScalar, RequestContext } from "../../engine/access/types.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice } from "../options.js";
import { engineFromBundle, engineFromRepository } from "../engine-source.js";

const FORMATS = ["text", "json"] as const;
const EXPECT = ["allow", "deny", "approval_required", "mask", "require_approval"] as const;

export interface EvalOptions {
  policies: string;
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

/** Runs the one question the options ask and returns the JSON-able answer and its decision word. */
export function answer(engine: Engine, opts: EvalOptions): { result: unknown; decision: string } {
  const asked = [opts.action !== undefined || opts.resource !== undefined, opts.tool !== undefined, opts.data !== undefined].filter(Boolean).length;
  if (asked !== 1) throw new EdictError("USAGE", "ask exactly one question: --action and --resource, or --tool URI, or --data JSON");
  if (opts.tool !== undefined) {
    const r = engine.checkTool(opts.tool);
    return { result: r, decision: r.allowed ? "allow" : "deny" };
  }
  if (opts.data !== undefined) {
    let request: unknown;
    try {
      request = JSON.parse(opts.data);
    } catch (e) {
      throw new EdictError("USAGE", `--data is not valid JSON: ${(e as Error).message}`);
    }
    if (!request || typeof request !== "object") throw new EdictError("USAGE", "--data must be a JSON object {dataset, fields, requester, …}");
    const r = engine.decideData(request as Parameters<Engine["decideData"]>[0]);
    return { result: r, decision: r.action };
  }
  if (opts.action === undefined || opts.resource === undefined) throw new EdictError("USAGE", "--action and --resource go together");
  const r = engine.authorize({ action: opts.action, resource: opts.resource, context: parseContextPairs(opts.context, opts.contextJson) });
  return { result: r, decision: r.decision };
}

function renderText(result: unknown, decision: string): string {
  const r = result as { reasons?: Array<{ policy: string; file: string; sid?: string; effect: string }>; approval?: { approverRole?: string; timeoutSeconds?: number }; violations?: Array<{ code: string; message: string }>; reason?: string; policy?: string | null };
  const lines = [decision];
  for (const reason of r.reasons ?? []) lines.push(`  ${reason.effect} ${reason.policy}${reason.sid ? `/${reason.sid}` : ""}  (${reason.file})`);
  if (r.approval) lines.push(`  approval by ${r.approval.approverRole ?? "an approver"}${r.approval.timeoutSeconds ? ` within ${r.approval.timeoutSeconds}s` : ""}`);
  for (const v of r.violations ?? []) lines.push(`  ${v.code}: ${v.message}`);
  if (r.reason) lines.push(`  ${r.policy ?? "default"}: ${r.reason}`);
  if (r.reasons && r.reasons.length === 0 && decision === "deny") lines.push("  no statement allows this request (implicit deny)");
  return lines.join("\n") + "\n";
}

export function registerEval(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("eval")
    .description("answer one request against the effective policy: access, tool call or data request")
    .option("--policies <dir>", "policy repository root", ".")
    .option("--bundle <file>", "answer from a signed bundle instead (verified first)")
    .option("-k, --key <pub>", "trusted public key for --bundle (repeatable)", collect, [])
    .option("-t, --target <name>", "target from edict.yaml")
    .option("-a, --action <action>", "access request action, e.g. db:Select")
    .option("-r, --resource <resource>", "access request resource, e.g. db://production/users")
    .option("-c, --context <key=value>", "context key (repeatable; a repeated key is multi-valued)", collect, [])
    .option("--context-json <json>", "context as a JSON object")
    .option("--tool <uri>", "check a tool call like checkTool: mcp://server/tool@version")
    .option("--data <json>", "decide a data request like decideData")
    .option("--expect <decision>", `exit 1 unless the decision is this: ${EXPECT.join(", ")}`, (v) => parseChoice(v, EXPECT, "--expect"))
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nExamples:\n  edict eval -t production -a db:Select -r db://production/users -c source.ip=10.1.2.3\n  edict eval --bundle acme-policies.bundle.json --key edict.pub -t production -a db:Delete -r db://production/users\n  edict eval -t production --tool mcp://vision-mcp/detect@1.2.0 --format json\n  edict eval -t production --data '{\"dataset\":\"customers\",\"fields\":[{\"name\":\"email\",\"sensitivity\":\"pii\"}],\"requester\":{\"role\":\"analyst\",\"region\":\"US\"},\"dataset_region\":\"EU\"}'\n",
    )
    .action(async (opts: EvalOptions) => {
      const { engine } = opts.bundle !== undefined ? await engineFromBundle(io, opts.bundle, opts.key ?? [], opts.target) : await engineFromRepository(io, opts.policies, opts.target);
      const { result, decision } = answer(engine, opts);
      io.stdout(opts.format === "json" ? JSON.stringify(result, null, 2) + "\n" : renderText(result, decision));
      setExit(opts.expect !== undefined && opts.expect !== decision ? EXIT.FINDINGS : EXIT.OK);
    });
}
