/**
 * One `git cat-file --batch` process for many objects: thousands of files cost one process, and
 * the bytes come back raw (no text decoding, no line-ending changes).
 */
import { spawn } from "node:child_process";

/** An object's type and bytes, or the header git printed for a name it could not resolve. */
export type CatFileResult = { type: string; bytes: Uint8Array } | { missing: string };

/** Reads every query (`<blob id>` or `<rev>:<path>`), in order. Rejects with a plain Error saying what git did. */
export function catFileBatch(cwd: string, queries: readonly string[]): Promise<CatFileResult[]> {
  for (const q of queries) if (/[\n\r\0]/.test(q)) return Promise.reject(new Error(`cannot ask git for ${JSON.stringify(q)}: the name contains a line break`));
  if (queries.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => void (stderr += c.toString("utf8")));
    child.on("error", (e) => reject(new Error(`git cat-file could not start: ${e.message}`)));
    child.stdin.on("error", () => undefined); // a failing git closes stdin early; "close" reports why
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`git cat-file failed (exit ${code}): ${stderr.trim().split("\n")[0] ?? ""}`));
      const output = Buffer.concat(chunks);
      const results: CatFileResult[] = [];
      let pos = 0;
      for (const q of queries) {
        const eol = output.indexOf(0x0a, pos);
        if (eol < 0) return reject(new Error(`git cat-file ended early while reading ${q}`));
        const header = output.subarray(pos, eol).toString("utf8");
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) {
          results.push({ missing: header });
          pos = eol + 1;
          continue;
        }
        const start = eol + 1;
        const end = start + Number(m[2]);
        if (end + 1 > output.length) return reject(new Error(`git cat-file output is truncated at ${q}`));
        results.push({ type: m[1]!, bytes: new Uint8Array(output.subarray(start, end)) });
        pos = end + 1; // the content is followed by a newline
      }
      resolve(results);
    });
    child.stdin.end(queries.map((q) => `${q}\n`).join(""));
  });
}
