/**
 * Locks (`metadata.locked`) added or removed between two effective targets. A lock changes no
 * decision: it stops later documents and host overlays from changing a path. So the change is
 * neutral, and shown, because what a host may still do depends on it.
 */
import type { EffectiveLock, EffectiveTarget } from "../engine/effective.js";
import { isRecord } from "../engine/record.js";
import type { Change } from "./types.js";

const keyOf = (l: EffectiveLock) => `${l.kind}\u0000${l.path}`;

/** Well-formed entries only: the diff also reads targets from bundle payloads, which it does not schema-check. */
function byKey(target: EffectiveTarget): Map<string, EffectiveLock> {
  const locks = Array.isArray(target.locks) ? (target.locks as unknown[]) : [];
  const ok = (l: unknown): l is EffectiveLock => isRecord(l) && ["access", "runtime", "posture"].includes(l.kind as string) && typeof l.path === "string" && typeof l.policy === "string";
  return new Map(locks.filter(ok).map((l) => [keyOf(l), l]));
}

export function diffLocks(a: EffectiveTarget, b: EffectiveTarget): Change[] {
  const before = byKey(a);
  const after = byKey(b);
  const changes: Change[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(key);
    const y = after.get(key);
    if (x && y && x.policy === y.policy) continue;
    const lock = (y ?? x)!;
    const change = !x ? "added" : !y ? "removed" : "changed";
    const note =
      change === "added"
        ? `locked by ${y!.policy}: later documents and host overlays can no longer change it`
        : change === "removed"
          ? `no longer locked (was by ${x!.policy}): later documents may change it, host overlays may tighten it`
          : `now locked by ${y!.policy} (was ${x!.policy})`;
    changes.push({
      kind: lock.kind,
      path: `${lock.path} (lock)`,
      subject: "field",
      change,
      verdict: "neutral",
      review: false,
      before: x ? "locked" : undefined,
      after: y ? "locked" : undefined,
      source: { before: x ? [{ policy: x.policy, file: typeof x.file === "string" ? x.file : "" }] : [], after: y ? [{ policy: y.policy, file: typeof y.file === "string" ? y.file : "" }] : [] },
      note,
    });
  }
  return changes;
}
