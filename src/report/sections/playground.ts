/**
 * The playground's form and the data its browser code reads: the targets, the statements'
 * anchors (so a reason links to its row in the tree), and either the signed bundle with the
 * pinned keys, which the page verifies before answering, or the repository's effective targets.
 * The element ids in `data-testid` are a contract (tests and users' scripts rely on them).
 */
import { toTargetsRecord } from "../../bundle/payload-build.js";
import type { TargetMerge } from "../../model/merge/index.js";
import { bytesScript, esc, jsonScript, section } from "../html.js";
import type { SourceLinker } from "../provenance.js";
import type { ReportBundle } from "../types.js";
import { placeStatements } from "./tree.js";

/** What the page's script reads from `#edict-data`. */
export interface PlaygroundData {
  mode: "signed" | "unsigned";
  targets: string[];
  /** Per target, per statement of the tree: [policy, file, Sid or "", effect, anchor]. */
  statements: Record<string, Array<[string, string, string, string, string]>>;
  /** Unsigned pages: the effective targets the playground answers from. */
  effective?: Record<string, unknown>;
  /** Signed pages: the pinned public keys (SPKI PEM) and the bundle name expected. */
  keys?: string[];
  name?: string;
}

export const DATA_ID = "edict-data";
export const BUNDLE_ID = "edict-bundle";

export function playgroundData(merges: readonly TargetMerge[], linker: SourceLinker, bundle: ReportBundle | undefined): PlaygroundData {
  const statements: PlaygroundData["statements"] = {};
  for (const m of merges) {
    statements[m.target] = placeStatements(m, linker).map(({ statement: s, anchor }) => [s.source.policy, s.source.file, s.Sid ?? "", s.Effect, anchor]);
  }
  const targets = merges.map((m) => m.target);
  if (bundle) return { mode: "signed", targets, statements, keys: bundle.keys, name: bundle.payload.name };
  return { mode: "unsigned", targets, statements, effective: toTargetsRecord(merges) };
}

const EXAMPLE_CONTEXT = '{\n  "source.ip": "10.1.2.3"\n}';
const EXAMPLE_DATA = '{\n  "dataset": "customers",\n  "fields": [{ "name": "email", "sensitivity": "pii" }],\n  "requester": { "role": "analyst", "region": "US" }\n}';

export function renderPlayground(data: PlaygroundData, bundle: ReportBundle | undefined): string {
  const options = data.targets.map((t) => `<option value="${esc(t)}">${esc(t)}</option>`).join("");
  const body = `
<p class="muted">Decisions are computed in this browser with the engine the runtime loader uses${bundle ? ", from the signed bundle embedded in this page" : ", from the repository's effective policy embedded in this page"}. Nothing leaves the page.</p>
<div class="verify pending" data-testid="report-verified" aria-live="polite">checking the embedded ${bundle ? "bundle" : "policy"}…</div>
<form id="pg-form" class="playground" autocomplete="off">
  <div class="row">
    <label>Target <select data-testid="playground-target" name="target">${options}</select></label>
    <label>Request <select data-testid="playground-kind" name="kind">
      <option value="authorize">access request</option><option value="tool">tool call</option><option value="data">data request</option>
    </select></label>
  </div>
  <div class="pg-kind" data-kind="authorize">
    <label>Action <input data-testid="playground-action" name="action" placeholder="db:Select" value="db:Select"></label>
    <label>Resource <input data-testid="playground-resource" name="resource" placeholder="db://production/users" value="db://production/users"></label>
    <label class="wide">Context (JSON object) <textarea data-testid="playground-context" name="context" rows="4">${esc(EXAMPLE_CONTEXT)}</textarea></label>
  </div>
  <div class="pg-kind" data-kind="tool" hidden>
    <label class="wide">Tool URI <input data-testid="playground-tool-uri" name="tool" placeholder="mcp://SERVER/TOOL@VERSION" value="mcp://github/create_issue@1.0.0"></label>
  </div>
  <div class="pg-kind" data-kind="data" hidden>
    <label class="wide">Data request (JSON) <textarea data-testid="playground-data-request" name="data" rows="6">${esc(EXAMPLE_DATA)}</textarea></label>
  </div>
  <button type="submit" data-testid="playground-decide" disabled>Decide</button>
</form>
<div class="result" data-testid="playground-result" aria-live="polite"></div>
${jsonScript(DATA_ID, data)}
${bundle ? bytesScript(BUNDLE_ID, bundle.bytes) : ""}`;
  return section("playground", "Playground", body);
}
