/**
 * buildRepository on file bytes as git and the working tree give them: the text each file is
 * scanned for keys and parsed from, with a byte-order mark, invalid UTF-8, a pasted key and a
 * file at the size limit, and the same model as from the decoded text wherever that is valid.
 */
import { describe, expect, it } from "vitest";
import { buildRepository } from "../../src/model/repository.js";
import { MAX_FILE_BYTES } from "../../src/model/source.js";
import type { RawFile, Repository } from "../../src/model/repository.js";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n";
const POLICY = "apiVersion: edict.dev/v1\nkind: AccessPolicy\nmetadata:\n  id: p\nspec:\n  Version: \"2012-10-17\"\n  Statement: []\n";

function view(repo: Repository): unknown {
  return {
    files: repo.files.map((f) => ({ path: f.path, kind: f.kind, text: f.source.text, value: f.source.value, problems: f.source.problems, spans: [...f.source.spans], issues: f.issues })),
    keys: repo.privateKeys.map((k) => ({ path: k.path, text: k.source.text, lines: k.source.lines.lineCount })),
    policies: repo.policies.map((p) => p.id),
  };
}

describe("buildRepository from bytes", () => {
  const files: RawFile[] = [
    { path: "edict.yaml", bytes: encode("\uFEFFname: acme\ntargets: { production: {} }\n") },
    { path: "policies/bom.yaml", bytes: encode(`\uFEFF${POLICY}`) },
    { path: "policies/plain.yaml", bytes: encode(POLICY.replace("id: p", "id: q")) },
    { path: "policies/bad.yaml", bytes: Uint8Array.from([...encode("kind: AccessPolicy\nmetadata: { id: "), 0xff, 0xfe, ...encode(" }\n")]) },
    { path: "policies/key.yaml", bytes: encode(`\uFEFF# pasted\n${KEY}`) },
    { path: "notes/key.txt", bytes: encode(`\uFEFFsee below\n${KEY}`) },
    { path: "policies/big.yaml", bytes: encode(`a: "${"x".repeat(MAX_FILE_BYTES)}"\n`) },
  ];

  it("reads each file as before: marks, bad bytes, keys and the size limit", () => {
    const repo = buildRepository(files);
    expect(repo.privateKeys.map((k) => [k.path, k.source.text])).toEqual([
      ["notes/key.txt", "see below\n-----BEGIN PRIVATE KEY-----"],
      ["policies/key.yaml", "# pasted\n-----BEGIN PRIVATE KEY-----"],
    ]);
    expect(repo.byPath.get("edict.yaml")!.source.problems.map((p) => [p.code, p.span])).toEqual([["byte-order-mark", [0, 0]]]);
    expect(repo.config!.value.name).toBe("acme");
    const bad = repo.byPath.get("policies/bad.yaml")!.source;
    expect(bad.problems.map((p) => [p.code, p.message, p.span])).toEqual([["invalid-encoding", "file is not valid UTF-8 (bad byte 0xff at byte 35)", [35, 36]]]);
    expect(bad.text).toBe("kind: AccessPolicy\nmetadata: { id: ");
    expect(repo.byPath.get("policies/big.yaml")!.source.problems.map((p) => p.code)).toEqual(["file-too-large"]);
    expect(repo.policies.map((p) => p.id)).toEqual(["p", "q"]);
  });

  it("gives the same model as the decoded text for every valid file without a key", () => {
    // (a key file read from bytes is shown without its byte-order mark)
    const valid = files.filter((f) => f.path !== "policies/bad.yaml" && !f.path.includes("key"));
    const decoded = valid.map((f) => ({ path: f.path, bytes: new TextDecoder("utf-8", { ignoreBOM: true }).decode(f.bytes as Uint8Array) }));
    expect(view(buildRepository(valid))).toStrictEqual(view(buildRepository(decoded)));
  });
});
