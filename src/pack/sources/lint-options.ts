/**
 * What lint reads before linting edict.yaml's `packs.sources` (in `edict lint` and the Action): the public key files the
 * sources name, and what each configured source offers. Lint itself stays pure; the rules get
 * these as the `sourceKeys` and `sourceOffers` options. Nothing here fails the command: a source
 * that cannot be read within the time allowed becomes `{ error }` (a warning), and without
 * configured sources nothing is read at all (no network).
 */
import { resolve } from "node:path";
import { isEdictError } from "../../errors.js";
import { readBounded } from "../../io/bounded-read.js";
import type { LintOptions } from "../../lint/rule.js";
import type { Repository } from "../../model/repository.js";
import type { PackSourceConfig } from "../../model/types.js";
import { BUILTIN_SOURCE, REPOSITORY_SOURCE, packSourcesOf } from "./index.js";
import type { PackOffer, PackSource } from "./index.js";

/** How long lint waits for all sources together, unless EDICT_SOURCES_TIMEOUT_MS says otherwise. */
export const SOURCES_TIMEOUT_MS = 5000;
/** Public key files are small; anything larger is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export type SourceLintOptions = Pick<LintOptions, "sourceKeys" | "sourceOffers">;

export interface ReadSourcesOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The HTTP client for url sources; the global fetch (looked up at call time) unless told. */
  fetch?: typeof globalThis.fetch;
}

/** The total time allowed: EDICT_SOURCES_TIMEOUT_MS when it is a positive integer, else 5 s. */
export function sourcesTimeoutOf(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.EDICT_SOURCES_TIMEOUT_MS?.trim();
  const n = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : SOURCES_TIMEOUT_MS;
}

/** Key files and offers of the configured sources; `{}` when there are none. Never throws for a source. */
export async function readSourceLintOptions(repo: Repository, root: string, options: ReadSourcesOptions): Promise<SourceLintOptions> {
  const configured = repo.config?.value.packs?.sources ?? [];
  if (configured.length === 0) return {};
  const sourceKeys = await readKeyFiles(root, configured.flatMap((s) => s.keys ?? []));
  const controller = new AbortController();
  const baseFetch = options.fetch;
  // Every request of this read is cancelled once lint stops waiting, so none outlives the command.
  const fetch: typeof globalThis.fetch = (input, init) =>
    (baseFetch ?? globalThis.fetch)(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal });
  // packSourcesOf gives [repository, ...the configured sources in order, builtin].
  const built = packSourcesOf(repo, root, { env: options.env, fetch }).slice(1, 1 + configured.length);
  const sound = soundSources(configured);
  const readable = built.filter((s, i) => s.name === configured[i]?.name && sound.has(i));
  try {
    return { sourceKeys, sourceOffers: await offersWithin(readable, sourcesTimeoutOf(options.env)) };
  } finally {
    controller.abort();
  }
}

/**
 * The indexes of the sources worth reading: a unique, unreserved name and exactly one of url and
 * git, with keys for a url. The others are configuration errors the rules report with positions;
 * reading them would only repeat those errors as warnings.
 */
function soundSources(configured: readonly PackSourceConfig[]): Set<number> {
  const count = new Map<string, number>();
  for (const c of configured) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  const sound = new Set<number>();
  configured.forEach((c, i) => {
    if (count.get(c.name) !== 1 || c.name === REPOSITORY_SOURCE || c.name === BUILTIN_SOURCE) return;
    if ((c.url === undefined) === (c.git === undefined)) return;
    if (c.url !== undefined && (c.keys?.length ?? 0) === 0) return;
    sound.add(i);
  });
  return sound;
}

/** Each source's offers, or why they could not be read; sources still reading after `timeoutMs` are given up. */
export async function offersWithin(sources: readonly PackSource[], timeoutMs: number): Promise<Map<string, PackOffer[] | { error: string }>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((done) => {
    timer = setTimeout(() => done("late"), timeoutMs);
  });
  try {
    const results = await Promise.all(
      sources.map(async (s) => {
        const read = s.offers().then(
          (offers) => offers,
          (e: unknown) => ({ error: reasonOf(s.name, e) }),
        );
        const got = await Promise.race([read, late]);
        return [s.name, got === "late" ? { error: `no answer within ${formatMs(timeoutMs)}` } : got] as const;
      }),
    );
    return new Map(results);
  } finally {
    clearTimeout(timer);
  }
}

/** The error's message without the source name it repeats (`source acme: …`). */
function reasonOf(name: string, e: unknown): string {
  const message = isEdictError(e) || e instanceof Error ? e.message : String(e);
  for (const prefix of [`source ${name}: `, `packs.sources ${name}: `]) if (message.startsWith(prefix)) return message.slice(prefix.length);
  return message;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The text of each key file, keyed as written (relative to the repository root), or why it cannot be read. */
async function readKeyFiles(root: string, paths: readonly string[]): Promise<Map<string, string | { error: string }>> {
  const out = new Map<string, string | { error: string }>();
  for (const path of new Set(paths)) {
    try {
      const read = await readBounded(resolve(root, path), MAX_KEY_FILE_BYTES, { regularFile: true });
      if (read.status === "ok") out.set(path, new TextDecoder().decode(read.bytes));
      else out.set(path, { error: read.status === "too-large" ? `larger than ${MAX_KEY_FILE_BYTES / 1024} KiB, not a public key` : "not a file" });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.set(path, { error: code === "ENOENT" ? "no such file in the repository" : `cannot read it (${code ?? (e as Error).message})` });
    }
  }
  return out;
}
