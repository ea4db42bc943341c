/**
 * The report page's playground, in the browser: verifies the embedded bundle with WebCrypto
 * against the pinned keys (the loader's own verification), compiles the chosen target with the
 * loader's engine, and answers the form. A bundle that fails verification is never answered
 * from: the page shows the failure's code and the Decide button stays disabled.
 *
 * Built by `npm run build` into dist/report-playground.js (an IIFE), which `edict report`
 * inlines into the page.
 */
import { isBundleError } from "../../bundle/errors.js";
import type { EffectiveTarget } from "../../engine/effective.js";
import { compileEngine } from "../../engine/engine.js";
import type { Engine } from "../../engine/engine.js";
import { readTrustedKey, withKeyids } from "../../loader/keys.js";
import { verifyBundleBytes } from "../../loader/verify.js";
import { fromCanonicalBase64 } from "../../loader/web-crypto.js";
import type { PlaygroundData } from "../sections/playground.js";

const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

function el<T extends HTMLElement>(testid: string): T {
  return document.querySelector(`[data-testid="${testid}"]`) as T;
}

/** Text nodes only: nothing from the policy or the request is ever parsed as HTML. */
function node(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

async function trustedTargets(data: PlaygroundData, status: HTMLElement): Promise<Record<string, EffectiveTarget>> {
  if (data.mode === "unsigned") {
    status.textContent = "unsigned: this page was made from the repository without --bundle, so there is no signature to check; the playground answers from the repository's effective policy";
    status.className = "verify unsigned";
    return data.effective as Record<string, EffectiveTarget>;
  }
  // the page embeds the exact bytes as canonical base64; anything else is a changed page
  const bytes = fromCanonicalBase64((document.getElementById("edict-bundle")?.textContent ?? "").trim()) ?? new Uint8Array(0);
  const keys = await withKeyids((data.keys ?? []).map((k, i) => readTrustedKey(k, i)));
  const verified = await verifyBundleBytes(bytes, {
    keys,
    threshold: 1,
    now: new Date(),
    target: data.targets[0]!,
    ...(data.name === undefined ? {} : { expectedName: data.name }),
    maxBytes: MAX_BUNDLE_BYTES,
  });
  const p = verified.payload;
  status.textContent = `verified: ${p.name} ${p.version} (serial ${p.serial}) signed by ${verified.keyids.join(", ")}; expires ${p.expires_at}`;
  status.className = "verify ok";
  return p.targets;
}

function describeFailure(e: unknown): string {
  if (isBundleError(e)) return `${e.code}: ${e.message}`;
  const code = (e as { code?: unknown })?.code;
  return `${typeof code === "string" ? `${code}: ` : "VERIFY_ERROR: "}${e instanceof Error ? e.message : String(e)}`;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function showDecision(result: HTMLElement, decision: string, lines: HTMLElement[]): void {
  result.replaceChildren(node("div", decision, `decision ${decision}`), ...lines);
}

function reasonLine(data: PlaygroundData, target: string, r: { policy: string; file: string; sid?: string; effect: string }): HTMLElement {
  const label = `${r.policy}/${r.sid ?? "(no Sid)"}`;
  const row = (data.statements[target] ?? []).find(([policy, file, sid, effect]) => policy === r.policy && file === r.file && sid === (r.sid ?? "") && effect === r.effect);
  const line = node("div", undefined, "reason");
  line.append(node("span", `${r.effect} `, `effect ${r.effect === "Deny" ? "deny" : "allow"}`));
  if (row) {
    const a = node("a", label) as HTMLAnchorElement;
    a.href = `#${row[4]}`;
    line.append(a);
  } else {
    line.append(node("span", label));
  }
  line.append(node("span", ` (${r.file})`, "muted"));
  return line;
}

function decide(engine: Engine, data: PlaygroundData, target: string, form: HTMLFormElement, result: HTMLElement): void {
  const f = new FormData(form);
  const kind = String(f.get("kind"));
  if (kind === "tool") {
    const d = engine.checkTool(String(f.get("tool") ?? "").trim());
    const decision = d.allowed ? (d.enforced === "escalate" ? "escalate" : "allow") : "deny";
    showDecision(result, decision, d.violations.map((v) => node("div", `${v.code}: ${v.message}`, "reason")));
    return;
  }
  if (kind === "data") {
    const d = engine.decideData(parseJsonObject(String(f.get("data") ?? ""), "the data request") as never);
    const lines = [node("div", d.policy ? `${d.policy}: ${d.reason}` : d.reason, "reason")];
    if (d.masks) lines.push(node("div", `masks: ${Object.entries(d.masks).map(([k, m]) => `${k} → ${m}`).join(", ")}`, "reason"));
    if (d.approver_role) lines.push(node("div", `approver role: ${d.approver_role}`, "reason"));
    showDecision(result, d.action, lines);
    return;
  }
  const action = String(f.get("action") ?? "").trim();
  const resource = String(f.get("resource") ?? "").trim();
  if (action === "" || resource === "") throw new Error("enter an action and a resource");
  const context = parseJsonObject(String(f.get("context") ?? ""), "the context");
  const d = engine.authorize({ action, resource, context: context as never });
  const lines = d.reasons.map((r) => reasonLine(data, target, r));
  if (d.reasons.length === 0) lines.push(node("div", "no statement matched: implicit deny", "reason muted"));
  if (d.approval) {
    const parts = [d.approval.approverRole ? `approver role ${d.approval.approverRole}` : "", d.approval.timeoutSeconds !== undefined ? `timeout ${d.approval.timeoutSeconds}s` : ""].filter(Boolean);
    lines.push(node("div", `approval required${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`, "reason approval"));
  }
  showDecision(result, d.decision, lines);
}

async function main(): Promise<void> {
  const status = el("report-verified");
  const result = el("playground-result");
  const button = el<HTMLButtonElement>("playground-decide");
  const form = document.getElementById("pg-form") as HTMLFormElement;
  const select = el<HTMLSelectElement>("playground-kind");
  const showKind = () => {
    document.querySelectorAll<HTMLElement>(".pg-kind").forEach((part) => (part.hidden = part.dataset.kind !== select.value));
  };
  select.addEventListener("change", showKind);
  showKind();

  let targets: Record<string, EffectiveTarget>;
  let data: PlaygroundData;
  try {
    data = JSON.parse(document.getElementById("edict-data")?.textContent ?? "null") as PlaygroundData;
    targets = await trustedTargets(data, status);
  } catch (e) {
    status.textContent = `refused: ${describeFailure(e)} — the playground does not answer from a bundle that failed verification`;
    status.className = "verify bad";
    result.replaceChildren(node("div", "no decisions: the embedded bundle did not verify", "refused"));
    return;
  }
  const engines = new Map<string, Engine>();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const target = el<HTMLSelectElement>("playground-target").value;
    try {
      if (!Object.hasOwn(targets, target)) throw new Error(`the bundle has no target ${target}`);
      let engine = engines.get(target);
      if (!engine) engines.set(target, (engine = compileEngine(targets[target]!)));
      decide(engine, data, target, form, result);
    } catch (e) {
      // an error is never a decision
      result.replaceChildren(node("div", `error: ${e instanceof Error ? e.message : String(e)}`, "refused"));
    }
  });
  button.disabled = false;
}

void main();
