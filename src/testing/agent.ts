/**
 * Agent manifests (Sekuire's "validate agents"): what an agent declares — models, tools, MCP
 * tools, actions — checked against a target's engine. Pure.
 */
import type { Engine } from "../engine/engine.js";
import { parseSource } from "../model/source.js";
import { spanOfPointer } from "./positions.js";
import { isRecord } from "../engine/record.js";
import { validateManifest } from "./agent-manifest.js";
import type { ManifestProblem } from "./agent-manifest.js";
import { explainRefusal } from "./refusal.js";
import type { RefusalContext } from "./refusal.js";

export interface AgentFinding {
  /** What was declared, e.g. "model openai/gpt-4o" or "action db:Delete on db://x". */
  item: string;
  /** The access request it stands for (absent for MCP tools, which are tool calls). */
  request?: { action: string; resource: string };
  decision: "allow" | "deny" | "approval_required";
  line: number;
  column: number;
  why: string[];
}

export interface AgentCheck {
  name: string;
  findings: AgentFinding[];
  /** What is wrong with the manifest itself; any problem means the check is not a pass. */
  problems: ManifestProblem[];
}

/**
 * Checks every well-formed declaration of the manifest at `path` against `engine`. `context`
 * (the target's effective access policy) lets a refusal name the allow list or statement that
 * would allow it; without it a refusal lists only the statements that decided it.
 */
export function checkAgent(path: string, bytes: Uint8Array | string, engine: Engine, context?: RefusalContext): AgentCheck {
  const source = parseSource(path, bytes);
  const pos = (pointer: string) => source.lines.position(spanOfPointer(source, pointer)[0]);
  const problems = validateManifest(source);
  const findings: AgentFinding[] = [];
  const root = source.value;
  if (!isRecord(root)) return { name: "", findings, problems };
  // ill-formed entries are schema problems already; the rest are still checked
  const list = (key: string): unknown[] => {
    const v = root[key];
    return Array.isArray(v) ? v : [];
  };
  const access = (pointer: string, item: string, action: string, resource: string) => {
    const request = { action, resource };
    const d = engine.authorize(request);
    const why = d.reasons.map((r) => `${r.effect} ${r.policy}${r.sid ? `/${r.sid}` : ""} (${r.file})`);
    if (d.decision === "approval_required") why.push(`needs approval by ${d.approval?.approverRole ?? "an approver"}`);
    if (d.decision === "deny") {
      if (context) why.push(...explainRefusal(request, d, context));
      else if (d.reasons.length === 0) why.push(`no statement allows ${action} ${resource} (implicit deny)`);
    }
    findings.push({ item, request, decision: d.decision, ...pos(pointer), why });
  };
  list("models").forEach((m, i) => {
    if (!isRecord(m) || typeof m.provider !== "string" || typeof m.model !== "string") return;
    access(`/models/${i}`, `model ${m.provider}/${m.model}`, "model:Invoke", `model://${m.provider}/${m.model}`);
  });
  list("tools").forEach((t, i) => {
    if (typeof t !== "string") return;
    access(`/tools/${i}`, `tool ${t}`, "tool:Use", `tool://${t}`);
  });
  list("mcp_tools").forEach((u, i) => {
    if (typeof u !== "string") return;
    const d = engine.checkTool(u);
    findings.push({ item: `mcp tool ${u}`, decision: d.allowed ? "allow" : "deny", ...pos(`/mcp_tools/${i}`), why: d.violations.map((v) => `${v.code}: ${v.message}`) });
  });
  list("actions").forEach((a, i) => {
    if (!isRecord(a) || typeof a.action !== "string" || typeof a.resource !== "string") return;
    access(`/actions/${i}`, `action ${a.action} on ${a.resource}`, a.action, a.resource);
  });
  return { name: typeof root.name === "string" ? root.name : "", findings, problems };
}
