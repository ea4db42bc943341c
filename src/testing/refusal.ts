/**
 * Why an access request was refused, in words a policy author can act on: the request itself
 * (`model:Invoke model://anthropic/claude-x`), the allow list or statement that would allow it,
 * and hints on actions that cannot match anything (`db-Select`, an unknown service). Read-only
 * over the effective policy: it explains the engine's decision and never changes it. Pure.
 */
import type { EffectiveAccess, EffectiveStatement } from "../engine/effective.js";
import { evaluateCondition } from "../engine/access/conditions.js";
import type { AccessDecision, AccessRequest } from "../engine/access/types.js";
import { hasWildcard, matchWildcard } from "../engine/match/wildcard.js";
import { suggest } from "../model/suggest.js";

/** What an explanation reads: the target's effective access policy and, for wording, its name. */
export interface RefusalContext {
  access: Pick<EffectiveAccess, "Statement" | "Models" | "Capabilities">;
  target?: string;
}

/** How many near-miss statements are named before "and N more". */
const MAX_NEAR = 3;

const MODEL_ACTION = "model:invoke";
const TOOL_ACTION = "tool:use";

/** `model://provider/model` → its parts; undefined for anything else. */
function modelParts(resource: string): { provider: string; model: string } | undefined {
  const m = /^model:\/\/([^/]+)\/(.+)$/.exec(resource);
  return m ? { provider: m[1]!, model: m[2]! } : undefined;
}

function toolName(resource: string): string | undefined {
  return resource.startsWith("tool://") ? resource.slice("tool://".length) : undefined;
}

const where = (s: EffectiveStatement): string => `${s.source.policy}${s.Sid ? `/${s.Sid}` : ""} (${s.source.file})`;
const sourceOf = (s: EffectiveStatement): string => `${s.source.policy} (${s.source.file})`;
const anyMatch = (patterns: readonly string[], value: string, ignoreCase: boolean): boolean => patterns.some((p) => matchWildcard(p, value, ignoreCase));

function actionMatches(s: EffectiveStatement, action: string): boolean {
  if (s.Action === undefined && s.NotAction === undefined) return false;
  return (s.Action === undefined || anyMatch(s.Action, action, true)) && (s.NotAction === undefined || !anyMatch(s.NotAction, action, true));
}

function resourceMatches(s: EffectiveStatement, resource: string): boolean {
  return (s.Resource === undefined || anyMatch(s.Resource, resource, false)) && (s.NotResource === undefined || !anyMatch(s.NotResource, resource, false));
}

/** `IpAddress on source.ip; Bool on mfa` */
function describeCondition(s: EffectiveStatement): string {
  return Object.entries(s.Condition ?? {})
    .map(([op, keys]) => `${op} on ${Object.keys(keys).join(", ")}`)
    .join("; ");
}

/**
 * Lines that explain a refusal (`decision.decision === "deny"`): for a Deny from a Models or
 * Capabilities list, the list and what it holds; for an implicit deny, the request, the Allow
 * statements that nearly match and why they do not, or the list to add it to; then hints on an
 * action that is not `service:Action` or names a service no statement knows.
 */
export function explainRefusal(request: AccessRequest, decision: AccessDecision, context: RefusalContext): string[] {
  const lines = decision.reasons.length > 0 ? explainDenies(request, decision, context) : explainImplicitDeny(request, context);
  return [...lines, ...actionHints(request.action, context).map((h) => `hint: ${h}`)];
}

/**
 * The merge names the Deny of the n-th document's allow list `<list>.<n>` (1-based), e.g.
 * `Models.AllowedModels.2`; the list it came from is `lists[n - 1]`.
 */
function isListSid(sid: string, list: string): boolean {
  return sid.startsWith(`${list}.`) && /^\d+$/.test(sid.slice(list.length + 1));
}

function listIndex(sid: string, list: string): number {
  return Number(sid.slice(list.length + 1)) - 1;
}

function explainDenies(request: AccessRequest, decision: AccessDecision, { access }: RefusalContext): string[] {
  const lines: string[] = [];
  const asked = `${request.action} ${request.resource}`;
  const model = modelParts(request.resource);
  const tool = toolName(request.resource);
  const statements = access.Statement;
  for (const reason of decision.reasons) {
    if (reason.effect !== "Deny" || reason.sid === undefined) continue;
    const s = statements.find((x) => x.Sid === reason.sid && x.source.policy === reason.policy && x.source.file === reason.file);
    if (!s) continue;
    const allowed = (name: string, lists: readonly string[][] | undefined, missing: string) => {
      const entries = lists?.[listIndex(reason.sid!, name)];
      return `${asked}: ${missing} is not in ${name} of ${sourceOf(s)}, which lists ${entries?.length ? entries.join(", ") : "nothing"}; add it there to allow it`;
    };
    if (isListSid(reason.sid, "Models.AllowedModels")) lines.push(allowed("Models.AllowedModels", access.Models?.AllowedModels, model ? `${model.provider}/${model.model}` : request.resource));
    else if (isListSid(reason.sid, "Models.AllowedProviders")) lines.push(allowed("Models.AllowedProviders", access.Models?.AllowedProviders, model ? `provider ${model.provider}` : request.resource));
    else if (isListSid(reason.sid, "Capabilities.AllowedTools")) lines.push(allowed("Capabilities.AllowedTools", access.Capabilities?.AllowedTools, tool ?? request.resource));
    else if (reason.sid === "Models.DeniedModels") lines.push(`${asked}: Models.DeniedModels of ${sourceOf(s)} lists it`);
    else if (reason.sid === "Capabilities.DeniedTools") lines.push(`${asked}: Capabilities.DeniedTools of ${sourceOf(s)} lists it`);
  }
  return lines;
}

function explainImplicitDeny(request: AccessRequest, { access, target }: RefusalContext): string[] {
  const asked = `${request.action} ${request.resource}`;
  const lines = [`no statement allows ${asked} (implicit deny)`];
  const near: string[] = [];
  for (const s of access.Statement) {
    if (s.Effect !== "Allow" || !actionMatches(s, request.action)) continue;
    if (!resourceMatches(s, request.resource)) {
      const on = s.Resource ? `only on ${s.Resource.join(", ")}` : `on anything but ${(s.NotResource ?? []).join(", ")}`;
      near.push(`Allow ${where(s)} allows ${request.action} ${on}`);
    } else {
      // the action and resource match, so only the Condition can have kept it from applying
      const held = evaluateCondition(s.Condition, request.context ?? {});
      near.push(`Allow ${where(s)} would allow it, but its Condition ${held === "error" ? "could not be evaluated" : "does not hold"} for this request (${describeCondition(s)})`);
    }
  }
  lines.push(...near.slice(0, MAX_NEAR));
  if (near.length > MAX_NEAR) lines.push(`… and ${near.length - MAX_NEAR} more Allow statements on ${request.action}`);
  if (near.length > 0) return lines;

  const of = target ? ` of ${target}` : "";
  const action = request.action.toLowerCase();
  if (action === MODEL_ACTION) {
    const denied = access.Models?.DeniedModels?.length ? " (Models.DeniedModels only denies)" : "";
    const model = modelParts(request.resource);
    const entry = model ? `"${model.provider}/${model.model}"` : "the model";
    lines.push(`no policy${of} allows any model${denied}: add ${entry} to Models.AllowedModels (or its provider to Models.AllowedProviders) of an AccessPolicy, or add a statement that allows ${request.action} on ${request.resource}`);
  } else if (action === TOOL_ACTION) {
    const denied = access.Capabilities?.DeniedTools?.length ? " (Capabilities.DeniedTools only denies)" : "";
    const tool = toolName(request.resource);
    lines.push(`no policy${of} allows any tool${denied}: add ${tool ? `"${tool}"` : "the tool"} to Capabilities.AllowedTools of an AccessPolicy, or add a statement that allows ${request.action} on ${request.resource}`);
  } else {
    lines.push(`no Allow statement${of} names ${request.action}`);
  }
  return lines;
}

/** `db:Select` → `db`; patterns without a colon have no service of their own. */
function serviceOf(pattern: string): string | undefined {
  const colon = pattern.indexOf(":");
  return colon > 0 ? pattern.slice(0, colon) : undefined;
}

/** Every action pattern the target's statements name (Action and NotAction). */
function actionPatterns(access: RefusalContext["access"]): string[] {
  return access.Statement.flatMap((s) => [...(s.Action ?? []), ...(s.NotAction ?? [])]);
}

/**
 * Hints for an action no pattern can mean: one that is not `service:Action` (with the nearest
 * action the target names), and one whose service no statement of the target names (with the
 * services it does name). Model and tool requests are built by edict, so they get none.
 */
export function actionHints(action: string, { access, target }: RefusalContext): string[] {
  const lower = action.toLowerCase();
  if (lower === MODEL_ACTION || lower === TOOL_ACTION) return [];
  const patterns = actionPatterns(access);
  const concrete = [...new Set(patterns.filter((p) => !hasWildcard(p) && serviceOf(p) !== undefined))];
  const services = [...new Set(patterns.map(serviceOf).filter((s): s is string => s !== undefined && !hasWildcard(s)))].sort();
  const of = target ? ` of ${target}` : "";
  const known = services.length ? `; the services the statements${of} name: ${services.join(", ")}` : "";
  const service = serviceOf(action);
  if (service === undefined) {
    const near = suggest(action, concrete) ?? separatorGuess(action, services);
    return [`"${action}" is not an action of the form service:Action${near ? ` (did you mean "${near}"?)` : ""}${known}`];
  }
  const serviceKnown = patterns.some((p) => {
    const ps = serviceOf(p);
    return ps !== undefined && ps.replace(/[*?]/g, "") !== "" && matchWildcard(ps, service, true);
  });
  if (!serviceKnown) {
    const near = suggest(service, services);
    return [`no statement${of} names the service "${service}"${near ? ` (did you mean "${near}"?)` : ""}${known}`];
  }
  if (!patterns.some((p) => matchWildcard(p, action, true))) {
    const near = suggest(action, concrete);
    if (near) return [`no statement${of} names ${action} (did you mean "${near}"?)`];
  }
  return [];
}

/** `db-Select` → `db:Select` when `db` is a service the target names. */
function separatorGuess(action: string, services: readonly string[]): string | undefined {
  const m = /^([^-_./\s]+)[-_./\s](.+)$/.exec(action);
  if (!m) return undefined;
  const service = services.find((s) => s.toLowerCase() === m[1]!.toLowerCase());
  return service ? `${service}:${m[2]}` : undefined;
}
