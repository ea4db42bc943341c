/**
 * Sekuire's workspace controls as statements: `Models` and `Capabilities` become
 * statements on `model:Invoke` / `model://<provider>/<model>` and `tool:Use` / `tool://<name>`,
 * so one evaluator serves all.
 */
import type { EffectiveAccess, EffectiveStatement, Provenance } from "../../engine/effective.js";

/** Entries that are not strings are lint's business (invalid-type); the merge leaves them out. */
function strings(list: readonly unknown[]): string[] {
  return list.filter((x): x is string => typeof x === "string");
}

function modelResource(entry: string, kind: "provider" | "model"): string {
  if (kind === "provider") return `model://${entry}/*`;
  return entry.includes("/") ? `model://${entry}` : `model://*/${entry}`;
}

/**
 * Statements for the effective Models/Capabilities. `provenance` gives the documents that set
 * each all-of list (in order) and each union list.
 */
export function desugarWorkspaceControls(
  access: EffectiveAccess,
  provenance: Readonly<Record<string, Provenance[]>>,
): EffectiveStatement[] {
  const out: EffectiveStatement[] = [];
  // the merge records one provenance entry per inner list of an all-of, and one for a union list
  const sourceOf = (path: string, i = 0): Provenance => provenance[path]?.[i] ?? { policy: "", file: "" };

  const models = access.Models;
  if (models) {
    // Only an allow list grants: DeniedModels alone adds its Deny and leaves every other model
    // to the statements (implicit deny when none allows it).
    const allowedBy = models.AllowedProviders ? "Models.AllowedProviders" : models.AllowedModels ? "Models.AllowedModels" : undefined;
    if (allowedBy) {
      out.push({ Sid: "Models.Allow", Effect: "Allow", Action: ["model:Invoke"], Resource: ["model://*"], source: sourceOf(allowedBy) });
    }
    models.AllowedProviders?.forEach((list, i) => {
      out.push({ Sid: `Models.AllowedProviders.${i + 1}`, Effect: "Deny", Action: ["model:Invoke"], NotResource: strings(list).map((p) => modelResource(p, "provider")), source: sourceOf("Models.AllowedProviders", i) });
    });
    models.AllowedModels?.forEach((list, i) => {
      out.push({ Sid: `Models.AllowedModels.${i + 1}`, Effect: "Deny", Action: ["model:Invoke"], NotResource: strings(list).map((m) => modelResource(m, "model")), source: sourceOf("Models.AllowedModels", i) });
    });
    const denied = strings(models.DeniedModels ?? []);
    if (denied.length) {
      out.push({ Sid: "Models.DeniedModels", Effect: "Deny", Action: ["model:Invoke"], Resource: denied.map((m) => modelResource(m, "model")), source: sourceOf("Models.DeniedModels") });
    }
  }

  const caps = access.Capabilities;
  if (caps) {
    // Only AllowedTools grants; DeniedTools alone only denies, RequireToolApproval only asks.
    if (caps.AllowedTools) {
      out.push({ Sid: "Capabilities.Allow", Effect: "Allow", Action: ["tool:Use"], Resource: ["tool://*"], source: sourceOf("Capabilities.AllowedTools") });
    }
    caps.AllowedTools?.forEach((list, i) => {
      out.push({ Sid: `Capabilities.AllowedTools.${i + 1}`, Effect: "Deny", Action: ["tool:Use"], NotResource: strings(list).map((t) => `tool://${t}`), source: sourceOf("Capabilities.AllowedTools", i) });
    });
    const deniedTools = strings(caps.DeniedTools ?? []);
    if (deniedTools.length) {
      out.push({ Sid: "Capabilities.DeniedTools", Effect: "Deny", Action: ["tool:Use"], Resource: deniedTools.map((t) => `tool://${t}`), source: sourceOf("Capabilities.DeniedTools") });
    }
  }
  return out;
}

/**
 * `Capabilities.RequireToolApproval: true` as an approval pattern: `tool:Use` joins
 * `RequireApproval.Actions` (once). undefined when it does not apply, so nothing changes.
 */
export function desugarToolApproval(access: EffectiveAccess): EffectiveAccess["RequireApproval"] | undefined {
  if (access.Capabilities?.RequireToolApproval !== true) return undefined;
  const approval = access.RequireApproval ?? {};
  const actions = approval.Actions ?? [];
  return actions.some((a) => a.toLowerCase() === "tool:use") ? { ...approval, Actions: actions } : { ...approval, Actions: [...actions, "tool:Use"] };
}
