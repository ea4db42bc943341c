/**
 * Agent manifests (Sekuire's "validate agents"): what an agent declares — models, tools, MCP
 * tools, actions — checked against a target's engine. Pure.
 */
import type { Engine } from "../engine/engine.js";
import { parseSource } from "../model/source.js";
import { spanOfPointer } from "./positions.js";
import { isRecord } from "../engine/record.js";

export interface AgentFinding {
  /** What was declared, e.g. "model openai/gpt-4o" or "action db:Delete on db://x". */
  item: string;
  decision: "allow" | "deny" | "approval_required";
  line: number;
  column: number;
  why: string[];
}

export interface AgentCheck {
  name: string;
  findings: AgentFinding[];
  problems: Array<{ line: number; column: number; message: string }>;
}


export function checkAgent(path: string, bytes: Uint8Array | string, engine: Engine): AgentCheck {
  const source = parseSource(path, bytes);
  const pos = (pointer: string) => source.lines.position(spanOfPointer(source, pointer)[0]);
  const problems: AgentCheck["problems"] = source.problems.map((p) => ({ ...source.lines.position(p.span[0]), message: p.message }));
  const findings: AgentFinding[] = [];
  const root = source.value;
  if (!isRecord(root)) {
    if (problems.length === 0) problems.push({ line: 1, column: 1, message: "an agent manifest is a mapping with name, models, tools, mcp_tools, actions" });
    return { name: "", findings, problems };
  }
  const list = (key: string): unknown[] => {
    const v = root[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      problems.push({ ...pos(`/${key}`), message: `${key} must be a list` });
      return [];
    }
    return v;
  };
  const access = (pointer: string, item: string, action: string, resource: string) => {
    const d = engine.authorize({ action, resource });
    const why = d.reasons.map((r) => `${r.effect} ${r.policy}${r.sid ? `/${r.sid}` : ""} (${r.file})`);
    if (d.decision === "approval_required") why.push(`needs approval by ${d.approval?.approverRole ?? "an approver"}`);
    if (d.reasons.length === 0) why.push("no statement allows it (implicit deny)");
    findings.push({ item, decision: d.decision, ...pos(pointer), why });
  };
  list("models").forEach((m, i) => {
    if (!isRecord(m) || typeof m.provider !== "string" || typeof m.model !== "string") return problems.push({ ...pos(`/models/${i}`), message: "a model is {provider, model}" });
    access(`/models/${i}`, `model ${m.provider}/${m.model}`, "model:Invoke", `model://${m.provider}/${m.model}`);
  });
  list("tools").forEach((t, i) => {
    if (typeof t !== "string") return problems.push({ ...pos(`/tools/${i}`), message: "a tool is a name" });
    access(`/tools/${i}`, `tool ${t}`, "tool:Use", `tool://${t}`);
  });
  list("mcp_tools").forEach((u, i) => {
    if (typeof u !== "string") return problems.push({ ...pos(`/mcp_tools/${i}`), message: "an MCP tool is a URI mcp://server/tool@version" });
    const d = engine.checkTool(u);
    findings.push({ item: `mcp tool ${u}`, decision: d.allowed ? "allow" : "deny", ...pos(`/mcp_tools/${i}`), why: d.violations.map((v) => `${v.code}: ${v.message}`) });
  });
  list("actions").forEach((a, i) => {
    if (!isRecord(a) || typeof a.action !== "string" || typeof a.resource !== "string") return problems.push({ ...pos(`/actions/${i}`), message: "an action is {action, resource}" });
    access(`/actions/${i}`, `action ${a.action} on ${a.resource}`, a.action, a.resource);
  });
  return { name: typeof root.name === "string" ? root.name : "", findings, problems };
}
