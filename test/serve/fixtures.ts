/** Shared fixtures of the serve tests: the example repository's signed bundle, and small HTTP helpers. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { exampleGitRepo } from "../bundle/fixtures.js";
import { runIn } from "../helpers/cli.js";

export interface ExampleBundle {
  /** The signed bundle file (valid for 30 days from now). */
  bundle: string;
  /** Its trusted public key file. */
  pub: string;
  /** The committed example repository it was built from. */
  repo: string;
}

let built: Promise<ExampleBundle> | undefined;

/** Builds the example repository's bundle once per test file, signed with a fresh key. */
export function exampleBundle(): Promise<ExampleBundle> {
  built ??= (async () => {
    const keys = mkdtempSync(join(tmpdir(), "edict-serve-keys-"));
    const keygen = await runIn(keys, ["keygen", "--out", "signer"]);
    expect(keygen.code, keygen.err).toBe(0);
    const { dir } = exampleGitRepo("edict-serve-repo-");
    const out = mkdtempSync(join(tmpdir(), "edict-serve-bundle-"));
    const build = await runIn(dir, ["bundle", "build", "--key", join(keys, "signer.key"), "--out", out], { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) });
    expect(build.code, build.err).toBe(0);
    return { bundle: join(out, "acme-policies.bundle.json"), pub: join(keys, "signer.pub"), repo: dir };
  })();
  return built;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One request; `body` objects are sent as JSON with content-type application/json. */
export async function call(base: string, path: string, init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A parsed Prometheus text exposition (format 0.0.4): samples by name and labels, and the TYPE of each family. */
export interface Exposition {
  types: Map<string, string>;
  helps: Map<string, string>;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
  /** The value of the sample with this name and exactly these labels, or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/** A small parser of the text format: throws on any line it does not understand. */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a line feed");
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const samples: Exposition["samples"] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(meta[3]!)) throw new Error(`bad TYPE: ${line}`);
        if (types.has(meta[2]!)) throw new Error(`TYPE twice: ${line}`);
        types.set(meta[2]!, meta[3]!);
      } else helps.set(meta[2]!, meta[3]!);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    const inner = m[2] ?? "";
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < inner.length) {
      const start = LABEL.lastIndex;
      const l = LABEL.exec(inner);
      if (!l || l.index !== start) throw new Error(`bad labels: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const raw = m[3]!;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : raw === "NaN" ? NaN : Number(raw);
    if (Number.isNaN(value) && raw !== "NaN") throw new Error(`bad value: ${line}`);
    const family = types.has(m[1]!) ? m[1]! : m[1]!.replace(/_(bucket|sum|count)$/, "");
    if (!types.has(family)) throw new Error(`sample before its TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return {
    types,
    helps,
    samples,
    value(name, labels = {}) {
      const want = JSON.stringify(Object.entries(labels).sort());
      return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
    },
  };
}
