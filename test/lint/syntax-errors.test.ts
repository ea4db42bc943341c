import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { copyExample } from "../helpers/example.js";
import { accessPolicy, at, CONFIG, lint } from "../helpers/repo.js";

function io(cwd: string): CliIO & { out: string; err: string } {
  const o = { out: "", err: "" } as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  o.isTTY = false;
  o.stderrIsTTY = false;
  o.env = {};
  o.cwd = cwd;
  return o;
}

/** The example repository with one line of policies/access/production.yaml replaced. */
function exampleWith(line: number, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-syntax-"));
  copyExample(dir);
  const file = join(dir, "policies", "access", "production.yaml");
  const lines = readFileSync(file, "utf8").split("\n");
  lines[line - 1] = edit(lines[line - 1]!);
  writeFileSync(file, lines.join("\n"));
  return dir;
}

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  help?: string;
}

async function lintJson(dir: string): Promise<{ code: number; findings: JsonFinding[] }> {
  const o = io(dir);
  const code = await runCli(["lint", "--format", "json"], o);
  return { code, findings: JSON.parse(o.out).findings };
}

const statement = (body: string) => accessPolicy(`  Statement:\n    - Sid: A\n${body}`);

describe("a file that does not parse", () => {
  it("is reported by its first syntax error alone, at the dedented key (example repository, one `Action:` moved left)", async () => {
    const dir = exampleWith(16, (l) => l.replace(/^ {6}Action:/, "    Action:"));
    expect(readFileSync(join(dir, "policies/access/production.yaml"), "utf8").split("\n")[15]).toBe("    Action: [file:Read, api:Get, db:Select]");
    const { code, findings } = await lintJson(dir);
    expect(code).toBe(1);
    // before: 12 findings (4 yaml-syntax at column 1, unknown keys "Action", "Resource" (did you
    // mean "ResourceLimits"?), "Condition", a non-string key, 2 statement-action-resource)
    expect(findings.map((f) => `${f.rule} ${f.file}:${f.line}:${f.column}`)).toEqual(["yaml-syntax policies/access/production.yaml:16:5"]);
    expect(findings[0]!.help).toContain("this line starts at column 5, the line above at column 7");
    expect(findings[0]!.help).toContain("5 more syntax errors after this one");
  });

  it("keeps its document out of cross-file checks: a broken edict.yaml leaves no targets to check policies against", () => {
    const config = "name: acme\ntargets:\n  production: {}\n staging: {}\n";
    const policy = accessPolicy('  Statement: [{ Effect: Allow, Action: "*", Resource: "*" }]\n', "  id: p1\n  priority: 100\n  targets: [staging]\n");
    const f = lint({ "edict.yaml": config, "policies/a.yaml": policy });
    expect(f.map((x) => `${x.rule} ${x.file}:${x.line}:${x.column}`)).toEqual(["yaml-syntax edict.yaml:4:2"]);
  });

  it("keeps findings that do not come from its tree (a hand-edited pack file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-syntax-"));
    copyExample(dir);
    const file = join(dir, "policies", "starter__03__deny_destructive_actions.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n( {6})Resource:/, "\n    Resource:\n$1Sid2: x"));
    const { findings } = await lintJson(dir);
    expect(findings.map((f) => f.rule).sort()).toEqual(["installed-file-modified", "yaml-syntax"]);
  });

  it("points an unclosed quote at the quote that opened it, not at the end of the file", () => {
    const f = lint({ "policies/a.yaml": statement('      Effect: Allow\n      Action: "db:Select\n      Resource: "*"\n') }, "yaml-syntax");
    expect(f).toHaveLength(1);
    expect(at(f)).toEqual(["policies/a.yaml:11:15"]);
  });
});

describe("a misspelled or misplaced key is one finding", () => {
  it('`Efect` is `unknown key "Efect"; did you mean "Effect"?`, not also a missing Effect', () => {
    const f = lint({ "policies/a.yaml": statement('      Efect: Deny\n      Action: db:Delete\n      Resource: "*"\n') });
    expect(f.filter((x) => x.severity === "error").map((x) => `${x.rule}: ${x.message}`)).toEqual(['unknown-key: unknown key "Efect"; did you mean "Effect"?']);
  });

  it("`Actoin` is not also a statement without Action", () => {
    const f = lint({ "policies/a.yaml": statement('      Effect: Deny\n      Actoin: db:Delete\n      Resource: "*"\n') });
    expect(f.filter((x) => x.severity === "error").map((x) => `${x.rule}: ${x.message}`)).toEqual(['unknown-key: unknown key "Actoin"; did you mean "Action"?']);
  });

  it("a required key of another mapping is still missing when no unknown key explains it", () => {
    const f = lint({ "policies/a.yaml": statement('      Efect: Deny\n      Action: db:Delete\n      Resource: "*"\n    - Sid: B\n      Action: db:Select\n      Resource: "*"\n') });
    expect(f.filter((x) => x.severity === "error").map((x) => `${x.rule} ${x.line}`)).toEqual(["unknown-key 10", "missing-required 13"]);
  });

  it("a statement key moved left onto the spec's column names the statement it belongs to, not ResourceLimits", () => {
    const f = lint({ "edict.yaml": CONFIG, "policies/a.yaml": statement("      Effect: Deny\n      Action: db:Delete\n  Resource: \"*\"\n") });
    const errors = f.filter((x) => x.severity === "error");
    expect(errors.map((x) => `${x.rule} ${x.line}:${x.column}`)).toEqual(["unknown-key 12:3"]);
    expect(errors[0]!.message).toBe('unknown key "Resource" in spec; it looks like a key of spec.Statement[0] above, indented too little');
    expect(errors[0]!.help).toBe('indent "Resource" to column 7, like the other keys of spec.Statement[0]');
  });

  // each unknown key looked for its owner over every span of the file (5,000 unknown keys took
  // ~10 s); the spans are now indexed by the line their value ends on. Time is measured by
  // `npm run fuzz` (the lint campaign's slow-case limit), not here.
  it("among thousands of unknown keys, the misplaced one still names its owner", () => {
    const junk = Array.from({ length: 3_000 }, (_, i) => `  junk${i}: ${i}\n`).join("");
    const f = lint({ "edict.yaml": CONFIG, "policies/a.yaml": statement("      Effect: Deny\n      Action: db:Delete\n  Resource: \"*\"\n") + junk });
    const errors = f.filter((x) => x.severity === "error");
    expect(errors).toHaveLength(3_001);
    expect(errors[0]!.message).toBe('unknown key "Resource" in spec; it looks like a key of spec.Statement[0] above, indented too little');
    expect(errors.slice(1).map((e) => e.message.replace(/junk\d+/, "junkN"))).toEqual(Array(3_000).fill('unknown key "junkN"'));
  });
});
