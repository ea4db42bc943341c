/** The fixed example pair behind the golden files: one change of each sort. */
import { diffRepositories } from "../../src/diff/index.js";
import type { DiffResult } from "../../src/diff/index.js";
import { repoOf } from "../helpers/repo.js";

const CONFIG = "name: acme\nversion: 1.4.0\ntargets:\n  production: { default_action: deny }\n  staging: {}\n";

const packs = (version: string) =>
  `format_version: v1\ninstalled_packs:\n  starter:\n    name: starter\n    version: ${version}\n    layer: foundation\n    pack_checksum: "sha256:${version}"\n    files: []\n`;

const access = (opts: { cidr: string; tokens: number; description: string; write: boolean }) => `apiVersion: edict/v1
kind: AccessPolicy
metadata:
  id: prod_access
  priority: 700
  targets: [production]
spec:
  Version: "2024-12-02"
  Description: ${opts.description}
  Statement:
    - Sid: AllowRead
      Effect: Allow
      Action: [file:Read, db:Select]
      Resource: "*"
      Condition:
        IpAddress: { source.ip: "${opts.cidr}" }
    - Sid: DenyDelete
      Effect: Deny
      Action: db:Delete
      Resource: "*"
${opts.write ? "    - Sid: AllowScratchWrites\n      Effect: Allow\n      Action: file:Write\n      Resource: file://tmp/*\n" : ""}  ResourceLimits:
    MaxTokens: ${opts.tokens}
    MaxMemory: 4GB
`;

const runtime = (denyOn: string, allowlist: string) => `apiVersion: edict/v1
kind: RuntimePolicy
metadata: { id: agent_runtime, priority: 500 }
spec:
  tenant: acme
  tools: { allowlist: [${allowlist}] }
  enforcement: { deny_on: [${denyOn}] }
`;

const mask = `apiVersion: edict/v1
kind: DataPolicy
metadata: { id: mask_pii, priority: 300 }
spec:
  match: { fields: { sensitivity: pii } }
  action: { mask: true }
`;

const blockExport = `apiVersion: edict/v1
kind: DataPolicy
metadata: { id: block_export, priority: 400, targets: [production] }
spec:
  match: { dataset: "export_*" }
  action: { deny: true, reason: exports need a ticket }
`;

const posture = (score: number) => `apiVersion: edict/v1
kind: PosturePolicy
metadata: { id: default_posture, priority: 500 }
spec:
  local: { require_encryption: true, min_security_score: ${score} }
`;

export const BASE_FILES: Record<string, string> = {
  "edict.yaml": CONFIG,
  ".edict/packs.yaml": packs("1.0.0"),
  "policies/access/production.yaml": access({ cidr: "10.0.0.0/8", tokens: 10000, description: "Restricted access", write: false }),
  "policies/runtime/agents.yaml": runtime("tool_not_in_allowlist, egress_violation", "'mcp://vision/*@*'"),
  "policies/data/mask-pii.yaml": mask,
  "policies/posture/default.yaml": posture(75),
};

export const HEAD_FILES: Record<string, string> = {
  "edict.yaml": CONFIG,
  ".edict/packs.yaml": packs("1.1.0"),
  "policies/access/production.yaml": access({ cidr: "10.0.0.0/16", tokens: 50000, description: "Restricted access for production agents", write: true }),
  "policies/runtime/agents.yaml": runtime("tool_not_in_allowlist", "'mcp://vision/*@*', 'mcp://db/query@1.0'"),
  "policies/data/mask-pii.yaml": mask,
  "policies/data/block-export.yaml": blockExport,
  "policies/posture/default.yaml": posture(60),
};

export const BASE_SHA = "1111111111111111111111111111111111111111";
export const HEAD_SHA = "2222222222222222222222222222222222222222";

export function exampleDiff(): DiffResult {
  return diffRepositories(repoOf(BASE_FILES, false), repoOf(HEAD_FILES, false), { base: BASE_SHA, head: HEAD_SHA, lastVersion: "1.4.0" });
}
