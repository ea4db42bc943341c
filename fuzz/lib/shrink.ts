/**
 * Shrinks a failing lint case to a small reproduction: drop whole files, then delta-debug the
 * lines and bytes of what is left, keeping every step that still fails the same way.
 */
import type { CorpusFile } from "./corpus.js";
import type { CaseFiles } from "./lint-case.js";

export interface ShrinkBudget {
  /** Most predicate calls. */
  checks: number;
  /** Wall-clock limit in milliseconds. */
  ms: number;
}

type Predicate = (files: CaseFiles) => boolean;

function splitChunks(bytes: Uint8Array, lines: boolean): Uint8Array[] {
  if (!lines) return [...bytes].map((b) => Uint8Array.of(b));
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      out.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

function join(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function shrink(start: CaseFiles, fails: Predicate, budget: ShrinkBudget = { checks: 4000, ms: 60_000 }): CaseFiles {
  const deadline = Date.now() + budget.ms;
  let checks = 0;
  const test = (files: CaseFiles): boolean => {
    if (checks >= budget.checks || Date.now() > deadline) return false;
    checks++;
    try {
      return fails(files);
    } catch {
      return false;
    }
  };
  let best = start;

  // 1. whole files
  for (const side of ["suites", "repository"] as const) {
    for (let i = best[side].length - 1; i >= 0; i--) {
      const candidate = { ...best, [side]: best[side].filter((_, k) => k !== i) };
      if (test(candidate)) best = candidate;
    }
  }

  // 2. chunks of each file: lines first, then bytes (ddmin with shrinking granularity)
  const replaceFile = (files: CaseFiles, side: "repository" | "suites", index: number, bytes: Uint8Array): CaseFiles => ({
    ...files,
    [side]: files[side].map((f: CorpusFile, k: number) => (k === index ? { path: f.path, bytes } : f)),
  });
  for (const side of ["repository", "suites"] as const) {
    for (let index = 0; index < best[side].length; index++) {
      for (const lines of [true, false]) {
        let chunks = splitChunks(best[side][index]!.bytes, lines);
        if (!lines && chunks.length > 4096) continue; // byte-level only for small files
        let size = Math.max(1, chunks.length >> 1);
        while (size >= 1 && checks < budget.checks && Date.now() <= deadline) {
          let removed = false;
          for (let at = 0; at < chunks.length; ) {
            const kept = [...chunks.slice(0, at), ...chunks.slice(at + size)];
            const candidate = replaceFile(best, side, index, join(kept));
            if (kept.length < chunks.length && test(candidate)) {
              best = candidate;
              chunks = kept;
              removed = true;
            } else at += size;
          }
          if (!removed) size >>= 1;
        }
      }
    }
  }
  return best;
}
