/**
 * Deterministic generators for the benchmarks: an abstract access policy set (translated to
 * edict, Cedar and casbin by the engine adapters), a request stream over it, and whole policy
 * repositories as files. Every function takes a seed or an `Rng` (the fuzzers' PRNG: one for both), so runs are comparable.
 *
 * Shape of a policy set of N statements (AccessPolicy syntax):
 * - 8 services (`db`, `s3`, `file`, `api`, `queue`, `kms`, `model`, `tool`), 14 verbs each;
 * - 35% of statements use a glob action family (`db:Get*`), the rest 1–2 exact actions;
 * - resources are `scheme://tenant-T/coll-C/*` (70%), `scheme://tenant-T/*` (8%), an exact
 *   object (20%) or `*` (2%); the tenant count grows with N (N / 25), so resources stay diverse;
 * - 30% carry an `IpAddress` condition on `source.ip` (one CIDR); 20% are Deny.
 */
import type { EffectiveStatement, EffectiveTarget } from "../../src/engine/effective.js";
import type { RawFile } from "../../src/model/repository.js";
import { Rng } from "../../fuzz/lib/rng.js";

export const SERVICES = ["db", "s3", "file", "api", "queue", "kms", "model", "tool"] as const;
const SCHEMES: Record<(typeof SERVICES)[number], string> = {
  db: "db",
  s3: "s3",
  file: "file",
  api: "https",
  queue: "queue",
  kms: "kms",
  model: "model",
  tool: "tool",
};
export const VERBS = [
  "GetObject",
  "GetItem",
  "GetAcl",
  "ListItems",
  "ListVersions",
  "DescribeTable",
  "DescribeStream",
  "PutObject",
  "PutItem",
  "DeleteObject",
  "DeleteItem",
  "Update",
  "Create",
  "Invoke",
] as const;
const FAMILIES = ["Get", "List", "Describe", "Put", "Delete"] as const;
export const CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "10.20.0.0/16"] as const;
const COLLECTIONS = 8;
const OBJECTS = 50;

/** One generated statement, engine-neutral. Patterns use only a trailing `*`. */
export interface GenStatement {
  sid: string;
  deny: boolean;
  service: (typeof SERVICES)[number];
  /** Either exact `svc:Verb` actions or one `svc:Family*` glob. */
  actions: string[];
  /** `*`, exact URIs, or prefixes ending in `*`. */
  resources: string[];
  /** The `IpAddress` CIDR on `source.ip`, when the statement has a condition. */
  cidr?: string;
}

export interface GenRequest {
  action: string;
  resource: string;
  ip: string;
}

export function tenantsFor(statements: number): number {
  return Math.max(4, Math.round(statements / 25));
}

function genResource(rng: Rng, scheme: string, tenants: number): string {
  const tenant = `tenant-${rng.below(tenants)}`;
  const roll = rng.next();
  if (roll < 0.02) return "*";
  if (roll < 0.1) return `${scheme}://${tenant}/*`;
  if (roll < 0.3) return `${scheme}://${tenant}/coll-${rng.below(COLLECTIONS)}/obj-${rng.below(OBJECTS)}`;
  return `${scheme}://${tenant}/coll-${rng.below(COLLECTIONS)}/*`;
}

/** `count` statements; the same seed and count always give the same list. */
export function generateStatements(count: number, seed = 1): GenStatement[] {
  const rng = new Rng(seed);
  const tenants = tenantsFor(count);
  const out: GenStatement[] = [];
  for (let i = 0; i < count; i++) {
    const service = rng.pick(SERVICES);
    const scheme = SCHEMES[service];
    const deny = rng.chance(0.2);
    let actions: string[];
    if (rng.chance(0.35)) {
      actions = [`${service}:${rng.pick(FAMILIES)}*`];
    } else {
      const first = rng.pick(VERBS);
      const second = rng.chance(0.5) ? rng.pick(VERBS) : first;
      actions = [...new Set([`${service}:${first}`, `${service}:${second}`])];
    }
    // one tenant per statement: a statement governs one tenant's data
    const tenant = rng.below(tenants);
    const resources = [genResource(rng, scheme, tenants)];
    if (rng.chance(0.25)) resources.push(genResource(rng, scheme, tenants));
    const scoped = [...new Set(resources.map((r) => r.replace(/tenant-\d+/, `tenant-${tenant}`)))];
    const statement: GenStatement = { sid: `S${i}`, deny, service, actions, resources: scoped };
    if (rng.chance(0.3)) statement.cidr = rng.pick(CIDRS);
    out.push(statement);
  }
  return out;
}

function genIp(rng: Rng): string {
  const roll = rng.next();
  const o = (): number => rng.below(256);
  if (roll < 0.55) return `10.${rng.chance(0.3) ? 20 : o()}.${o()}.${1 + rng.below(254)}`;
  if (roll < 0.75) return `172.${16 + rng.below(16)}.${o()}.${1 + rng.below(254)}`;
  if (roll < 0.85) return `192.168.${o()}.${1 + rng.below(254)}`;
  return `203.0.113.${1 + rng.below(254)}`;
}

function instantiate(rng: Rng, pattern: string, service: (typeof SERVICES)[number], tenants: number): string {
  if (pattern === "*") return `${SCHEMES[service]}://tenant-${rng.below(tenants)}/coll-${rng.below(COLLECTIONS)}/obj-${rng.below(OBJECTS)}`;
  if (!pattern.endsWith("*")) return pattern;
  const head = pattern.slice(0, -1);
  return /\/coll-\d+\/$/.test(head) ? `${head}obj-${rng.below(OBJECTS)}` : `${head}coll-${rng.below(COLLECTIONS)}/obj-${rng.below(OBJECTS)}`;
}

/**
 * `count` requests over `statements`: 80% are built from a random statement (one of its actions,
 * a verb of its glob family, an instance of one of its resources), 20% are random; source IPs
 * fall in 10/8 (55%), 172.16/12 (20%), 192.168/16 (10%) or a public range (15%).
 */
export function generateRequests(statements: readonly GenStatement[], count: number, seed = 2): GenRequest[] {
  const rng = new Rng(seed);
  const tenants = tenantsFor(statements.length);
  const out: GenRequest[] = [];
  for (let i = 0; i < count; i++) {
    let action: string;
    let resource: string;
    if (rng.chance(0.8) && statements.length > 0) {
      const s = rng.pick(statements);
      const a = rng.pick(s.actions);
      if (a.endsWith("*")) {
        const family = a.slice(a.indexOf(":") + 1, -1);
        action = `${s.service}:${rng.pick(VERBS.filter((v) => v.startsWith(family)))}`;
      } else {
        action = a;
      }
      resource = instantiate(rng, rng.pick(s.resources), s.service, tenants);
    } else {
      const service = rng.pick(SERVICES);
      action = `${service}:${rng.pick(VERBS)}`;
      resource = `${SCHEMES[service]}://tenant-${rng.below(tenants)}/coll-${rng.below(COLLECTIONS)}/obj-${rng.below(OBJECTS)}`;
    }
    out.push({ action, resource, ip: genIp(rng) });
  }
  return out;
}

/** The statement as edict's effective policy holds it. */
export function toEffectiveStatement(s: GenStatement, index: number): EffectiveStatement {
  return {
    Sid: s.sid,
    Effect: s.deny ? "Deny" : "Allow",
    Action: [...s.actions],
    Resource: [...s.resources],
    ...(s.cidr === undefined ? {} : { Condition: { IpAddress: { "source.ip": s.cidr } } }),
    source: { policy: `gen_access_${Math.floor(index / 2)}`, file: `policies/gen/access-${Math.floor(index / 2)}.yaml` },
  };
}

/** A whole effective target around `statements` (what a bundle carries). */
export function toEffectiveTarget(statements: readonly GenStatement[]): EffectiveTarget {
  return {
    access: {
      Statement: statements.map(toEffectiveStatement),
      ResourceLimits: { MaxTokens: 50000, MaxExecutionTime: "600s" },
      AuditLog: { Required: true, RetentionDays: 90 },
    },
    runtime: {},
    data: { rules: [], default_action: "deny" },
    posture: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Repositories as files (lint, diff, bundle build)

export const REPO_CONFIG = `name: bench-policies
version: 0.1.0
targets:
  production: { default_action: deny }
  staging: { default_action: deny }
  development: { default_action: allow }
bundle:
  expires: 30d
`;

/** Base RuntimePolicy: sets what the effective runtime policy needs (tenant and Sec0's sections). */
const RUNTIME_BASE = `apiVersion: edict/v1
kind: RuntimePolicy
metadata:
  id: runtime_base
  priority: 100
  description: Runtime governance every target starts from.
spec:
  tenant: bench
  security_level: middleware
  default_retention: 30d
  signing:
    enabled: true
    key_ref: kms://bench/runtime-audit-signing
  observability:
    enabled: true
    sample: { success: 1, error: 1 }
  tools:
    allowlist: ["mcp://*/*@*"]
    deny_if_unpinned_version: false
  privacy:
    redact_outputs: true
    store_raw_payloads: false
  side_effects:
    require_idempotency_key: true
    max_retries: 3
  enforcement:
    deny_on: [tool_not_in_allowlist, agent_guard_failed]
    escalate_on: [agent_guard_failed]
  agent_guard:
    enabled: true
    block_on_severity: high
    block_on_count: 5
  security:
    egress_allowlist: ["*.bench.example"]
    limits: { max_payload_kb: 1024, max_duration_ms: 30000 }
`;

function yamlList(items: readonly string[]): string {
  return `[${items.map((i) => (/^[A-Za-z0-9_.:/-]+$/.test(i) && !i.includes(": ") ? i : JSON.stringify(i))).join(", ")}]`;
}

function statementYaml(s: GenStatement): string {
  let text = `    - Sid: ${s.sid}\n      Effect: ${s.deny ? "Deny" : "Allow"}\n      Action: ${yamlList(s.actions)}\n      Resource: ${yamlList(s.resources)}\n`;
  if (s.cidr !== undefined) text += `      Condition:\n        IpAddress:\n          source.ip: ${s.cidr}\n`;
  return text;
}

const TARGET_SETS = [undefined, "[production, staging]", "[production]", "[staging, development]"] as const;

function accessFile(rng: Rng, n: number, statements: readonly GenStatement[], priority: number): string {
  const targets = rng.pick(TARGET_SETS);
  let text = `apiVersion: edict/v1
kind: AccessPolicy
metadata:
  id: gen_access_${n}
  priority: ${priority}
  description: Generated access policy ${n}
${targets === undefined ? "" : `  targets: ${targets}\n`}spec:
  Version: "2024-12-02"
  Description: Access for workload ${n}
  Statement:
${statements.map(statementYaml).join("")}`;
  if (rng.chance(0.3)) text += `  ResourceLimits:\n    MaxTokens: ${10000 + 1000 * rng.below(40)}\n    MaxExecutionTime: ${60 * (1 + rng.below(10))}s\n`;
  if (rng.chance(0.2)) text += `  AuditLog:\n    Required: true\n    RetentionDays: ${30 * (1 + rng.below(12))}\n`;
  return text;
}

function runtimeFile(rng: Rng, n: number, priority: number): string {
  return `apiVersion: edict/v1
kind: RuntimePolicy
metadata:
  id: gen_runtime_${n}
  priority: ${priority}
  description: Generated runtime policy ${n}
spec:
  enforcement:
    deny_on: [${rng.pick(["version_unpinned", "egress_violation", "fs_violation", "payload_too_large"])}]
  agent_guard:
    block_on_count: ${1 + rng.below(5)}
`;
}

function dataFile(rng: Rng, n: number, priority: number): string {
  const action = rng.chance(0.5)
    ? "allow: true"
    : rng.chance(0.5)
      ? `deny: true\n    reason: dataset ${n} holds regulated data`
      : `require_approval: true\n    reason: dataset ${n} needs a data owner\n    approver_role: data_owner`;
  return `apiVersion: edict/v1
kind: DataPolicy
metadata:
  id: gen_data_${n}
  priority: ${priority}
  description: Generated data policy ${n}
spec:
  match:
    dataset: dataset-${n % 500}
    fields: { sensitivity: [${rng.pick(["pii", "internal", "public", "phi"])}] }
  context:
    requester_role: [${rng.pick(["analyst", "data_engineer", "support"])}]
  action:
    ${action}
`;
}

function postureFile(rng: Rng, n: number, priority: number): string {
  return `apiVersion: edict/v1
kind: PosturePolicy
metadata:
  id: gen_posture_${n}
  priority: ${priority}
  description: Generated posture policy ${n}
spec:
  local:
    require_encryption: true
    min_security_score: 50
`;
}

export interface GeneratedRepository {
  files: RawFile[];
  /** Access statements across the AccessPolicy files, in file order. */
  statements: number;
}

/**
 * A policy repository of `policies` files under `policies/gen/` plus `edict.yaml` and a base
 * RuntimePolicy: 80% AccessPolicy (1–3 statements from the access generator), 8% RuntimePolicy,
 * 8% DataPolicy, 4% PosturePolicy. Priorities are distinct (0..9999 cycled with the index), ids unique.
 */
export function generateRepository(policies: number, seed = 3): GeneratedRepository {
  const rng = new Rng(seed);
  const pool = generateStatements(policies * 3, seed + 1000);
  let next = 0;
  const files: RawFile[] = [
    { path: "edict.yaml", bytes: REPO_CONFIG },
    { path: "policies/runtime-base.yaml", bytes: RUNTIME_BASE },
  ];
  let statements = 0;
  for (let i = 0; i < policies; i++) {
    const priority = 200 + (i % 9700);
    const roll = rng.next();
    const id = String(i).padStart(5, "0");
    let kind: string;
    let text: string;
    if (roll < 0.8) {
      const n = 1 + rng.below(3);
      const chosen = pool.slice(next, next + n).map((s, k) => ({ ...s, sid: `S${k + 1}` }));
      next += n;
      statements += chosen.length;
      kind = "access";
      text = accessFile(rng, i, chosen, priority);
    } else if (roll < 0.88) {
      kind = "runtime";
      text = runtimeFile(rng, i, priority);
    } else if (roll < 0.96) {
      kind = "data";
      text = dataFile(rng, i, priority);
    } else {
      kind = "posture";
      text = postureFile(rng, i, priority);
    }
    files.push({ path: `policies/gen/${kind}/${kind}-${id}.yaml`, bytes: text });
  }
  return { files, statements };
}

/**
 * `changes` files of `repo` edited the way pull requests edit policies: a resource widened, an
 * action added, an effect flipped, a condition dropped, a limit raised, a statement appended.
 */
export function changeRepository(repo: GeneratedRepository, changes: number, seed = 4): RawFile[] {
  const rng = new Rng(seed);
  const files = repo.files.map((f) => ({ ...f }));
  const candidates = files.map((f, i) => ({ f, i })).filter(({ f }) => f.path.includes("/access/"));
  const picked = new Set<number>();
  while (picked.size < Math.min(changes, candidates.length)) picked.add(rng.below(candidates.length));
  let k = 0;
  for (const c of picked) {
    const { f } = candidates[c]!;
    const before = String(f.bytes);
    // each edit falls back to the next one when the file has nothing it applies to
    const edits: Array<(t: string) => string> = [
      (t) => t.replace(/(tenant-\d+\/)coll-\d+\/\*/, "$1*"),
      (t) => t.replace(/Action: \[("?)([a-z0-9]+):/, "Action: [$2:Invoke, $1$2:"),
      (t) => t.replace(/Effect: (Allow|Deny)/, (_m, e: string) => `Effect: ${e === "Allow" ? "Deny" : "Allow"}`),
      (t) => t.replace(/      Condition:\n        IpAddress:\n          source\.ip: [0-9./]+\n/, ""),
      (t) => t.replace(/MaxTokens: \d+/, "MaxTokens: 900000"),
      (t) =>
        t.replace(
          /  Statement:\n/,
          `  Statement:\n    - Sid: Added\n      Effect: Allow\n      Action: [db:GetItem]\n      Resource: ["db://tenant-0/coll-${rng.below(COLLECTIONS)}/*"]\n`,
        ),
    ];
    let text = before;
    for (let e = 0; e < edits.length && text === before; e++) text = (edits[(k + e) % edits.length] as (t: string) => string)(before);
    k++;
    f.bytes = text;
  }
  return files;
}
