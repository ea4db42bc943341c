/**
 * Sekuire's workspace controls as statements (SPEC §2.1): `Models` and `Capabilities` become
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
 * Statements for the effective Models/Capabilities. `sources` gives the provenance of each
 * all-of list in order and of the union lists.
 */
export function desugarWorkspaceControls(
  access: EffectiveAccess,
  provenance: Readonly<Record<string, Provenance[]>>,
): EffectiveStatement[] {
  const out: EffectiveStatement[] = [];
  const first = (path: string): Provenance => provenance[path]?.[0] ?? { policy: "", file: "" };

  const models = access.Models;
  if (models) {
    // Only an allow list grants: DeniedModels alone adds its Deny and leaves every other model
    // to the statements (implicit deny when none allows it).
    const allowedBy = models.AllowedProviders ? "Models.AllowedProviders" : models.AllowedModels ? "Models.AllowedModels" : undefined;
    if (allowedBy) {
      out.push({ Sid: "Models.Allow", Effect: "Allow", Action: ["model:Invoke"], Resource: ["model://*"], source: first(allowedBy) });
    }
    models.AllowedProviders?.forEach((list, i) => {
      out.push({ Sid: `Models.AllowedProviders.${i + 1}`, Effect: "Deny", Action: ["model:Invoke"], NotResource: strings(list).map((p) => modelResource(p, "provider")), source: provenance["Models.AllowedProviders"]?.[i] ?? first("Models.AllowedProviders") });
    });
    models.AllowedModels?.forEach((list, i) => {
      out.push({ Sid: `Models.AllowedModels.${i + 1}`, Effect: "Deny", Action: ["model:Invoke"], NotResource: strings(list).map((m) => modelResource(m, "model")), source: provenance["Models.AllowedModels"]?.[i] ?? first("Models.AllowedModels") });
    });
    const denied = strings(models.DeniedModels ?? []);
    if (denied.length) {
      out.push({ Sid: "Models.DeniedModels", Effect: "Deny", Action: ["model:Invoke"], Resource: denied.map((m) => modelResource(m, "model")), source: first("Models.DeniedModels") });
    }
  }

  const caps = access.Capabilities;
  if (caps) {
    // Only AllowedTools grants; DeniedTools alone only denies, RequireToolApproval only asks.
    if (caps.AllowedTools) {
      out.push({ Sid: "Capabilities.Allow", Effect: "Allow", Action: ["tool:Use"], Resource: ["tool://*"], source: first("Capabilities.AllowedTools") });
    }
    caps.AllowedTools?.forEach((list, i) => {
      out.push({ Sid: `Capabilities.AllowedTools.${i + 1}`, Effect: "Deny", Action: ["tool:Use"], NotResource: strings(list).map((t) => `tool://${t}`), source: provenance["Capabilities.AllowedTools"]?.[i] ?? first("Capabilities.AllowedTools") });
    });
    const deniedTools = strings(caps.DeniedTools ?? []);
    if (deniedTools.length) {
      out.push({ Sid: "Capabilities.DeniedTools", Effect: "Deny", Action: ["tool:Use"], Resource: deniedTools.map((t) => `tool://${t}`), source: first("Capabilities.DeniedTools") });
    }
  }
  return out;
}
