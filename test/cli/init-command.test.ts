/** `edict init`: a new repository that lints and tests clean, editor modelines, and no overwrites. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findTemplatesDir, mergeGitignore, repositoryName } from "../../src/cli/commands/init.js";
import type { CliIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

type TestIO = CliIO & { out: string; err: string };

function io(cwd: string): TestIO {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env: {}, cwd } as unknown as TestIO;
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

async function run(cwd: string, argv: string[]): Promise<TestIO & { code: number }> {
  const o = io(cwd);
  const code = await runCli(argv, o);
  return Object.assign(o, { code });
}

const fresh = () => mkdtempSync(join(tmpdir(), "edict-init-"));

describe("edict init", () => {
  it("writes a repository that `edict lint` and `edict test` pass, and prints the next steps", async () => {
    const parent = fresh();
    const r = await run(parent, ["init", "Acme Governance"]);
    expect(r.code, r.err).toBe(0);
    const dir = join(parent, "Acme Governance");
    for (const f of ["edict.yaml", "policies/access.yaml", "tests/access.yaml", ".github/workflows/edict.yml", ".gitignore", ".edict/schemas/AccessPolicy.json", ".edict/schemas/edict.json"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(parse(readFileSync(join(dir, "edict.yaml"), "utf8")).name).toBe("acme-governance");
    expect(r.out).toMatch(/edict lint && edict test/);
    expect(r.out).toMatch(/2\. edict keygen\n/);
    expect(r.out).toMatch(/keys\/release\.pub/);
    expect(r.out).toMatch(/EDICT_SIGNING_KEY/);

    const lint = await run(dir, ["lint", "--format", "json"]);
    expect(lint.code, lint.out + lint.err).toBe(0);
    expect(JSON.parse(lint.out).summary).toMatchObject({ errors: 0, warnings: 0 });
    const test = await run(dir, ["test"]);
    expect(test.code, test.out + test.err).toBe(0);
    expect(test.out).toMatch(/5 passed, 0 failed/);
  });

  it("points every $schema modeline at a schema it wrote", async () => {
    const dir = fresh();
    expect((await run(dir, ["init"])).code).toBe(0);
    for (const f of ["edict.yaml", "policies/access.yaml"]) {
      const line = readFileSync(join(dir, f), "utf8").split("\n")[0]!;
      const m = /^# yaml-language-server: \$schema=(.+)$/.exec(line);
      expect(m, f).not.toBeNull();
      const schema = JSON.parse(readFileSync(join(dirname(join(dir, f)), m![1]!), "utf8")) as { $schema: string };
      expect(schema.$schema).toMatch(/json-schema/);
    }
  });

  it("keeps keys out of git", async () => {
    const dir = fresh();
    await run(dir, ["init"]);
    const ignore = readFileSync(join(dir, ".gitignore"), "utf8").split("\n");
    expect(ignore).toContain("*.key");
    expect(ignore).toContain("*.pem");
  });

  it("refuses to overwrite existing files without --force, listing them, and writes nothing", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "policies"));
    writeFileSync(join(dir, "edict.yaml"), "name: mine\n");
    writeFileSync(join(dir, "policies/access.yaml"), "# my own\n");
    const r = await run(dir, ["init"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing to overwrite 2 existing files/);
    expect(r.err).toMatch(/ {2}edict\.yaml\n {2}policies\/access\.yaml\n/);
    expect(r.err).toMatch(/--force/);
    expect(readFileSync(join(dir, "edict.yaml"), "utf8")).toBe("name: mine\n");
    expect(existsSync(join(dir, "tests"))).toBe(false);
    expect(existsSync(join(dir, ".github"))).toBe(false);

    const forced = await run(dir, ["init", "--force", "--name", "acme"]);
    expect(forced.code, forced.err).toBe(0);
    expect(parse(readFileSync(join(dir, "edict.yaml"), "utf8")).name).toBe("acme");
  });

  it("adds its lines to an existing .gitignore instead of replacing it", async () => {
    const dir = fresh();
    writeFileSync(join(dir, ".gitignore"), "node_modules/\n*.key\n");
    expect((await run(dir, ["init"])).code).toBe(0);
    const text = readFileSync(join(dir, ".gitignore"), "utf8");
    expect(text.startsWith("node_modules/\n*.key\n")).toBe(true);
    expect(text.match(/^\*\.key$/gm)).toHaveLength(1);
    expect(text).toMatch(/^\*\.pem$/m);
    expect(mergeGitignore(text, "*.key\n*.pem\n")).toBeUndefined();
  });

  it("rejects a --name that is not a bundle name", async () => {
    const r = await run(fresh(), ["init", "--name", "Not Valid"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--name "Not Valid" must be lowercase/);
  });

  it("derives the name from the folder and finds the templates from src/ and dist/", () => {
    expect(repositoryName("/x/My_Policies!")).toBe("my_policies");
    expect(repositoryName("/x/---")).toBe("policies");
    const templates = findTemplatesDir();
    expect(findTemplatesDir(join(templates, "..", "dist"))).toBe(templates);
  });
});

describe("templates/workflow.yml", () => {
  const workflow = parse(readFileSync(join(findTemplatesDir(), "workflow.yml"), "utf8")) as {
    on: Record<string, unknown>;
    permissions: unknown;
    jobs: Record<string, { permissions: Record<string, string>; steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
  };

  it("grants nothing at the top and the least each job needs", () => {
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.check!.permissions).toEqual({ contents: "read", "pull-requests": "write", "security-events": "write" });
    expect(workflow.jobs.publish!.permissions).toEqual({ contents: "write" });
    expect(workflow.jobs.refresh!.permissions).toEqual({ contents: "write" });
  });

  it("runs check on pull requests with the full history, publish on pushes and tags, refresh daily", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push", "schedule"]);
    expect(workflow.on.push).toEqual({ branches: ["main"], tags: ["v*"] });
    const checkout = workflow.jobs.check!.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with?.["fetch-depth"]).toBe(0);
    const modes = Object.fromEntries(Object.entries(workflow.jobs).map(([name, job]) => [name, job.steps.find((s) => s.uses === "edict-dev/edict@v1")?.with?.mode]));
    expect(modes).toEqual({ check: "check", publish: "publish", refresh: "refresh" });
    expect(workflow.jobs.publish!.steps.find((s) => s.uses === "edict-dev/edict@v1")?.with?.["signing-key"]).toBe("${{ secrets.EDICT_SIGNING_KEY }}");
  });
});

describe("the README's workflow", () => {
  it("is the file `edict init` writes, byte for byte (npm run docs copies it)", async () => {
    const dir = fresh();
    expect((await run(dir, ["init"])).code).toBe(0);
    const written = readFileSync(join(dir, ".github", "workflows", "edict.yml"), "utf8");
    expect(written).toBe(readFileSync(join(findTemplatesDir(), "workflow.yml"), "utf8"));
    const readme = readFileSync(join(findTemplatesDir(), "..", "README.md"), "utf8");
    const m = /<!-- workflow:begin -->\n```yaml\n([\s\S]*?)```\n<!-- workflow:end -->/.exec(readme);
    expect(m, "README.md has the workflow block").not.toBeNull();
    expect(m![1]).toBe(written);
  });
});

describe("edict init --pack", () => {
  it("installs the packs and their dependencies from the built-in library in an empty folder; lint stays clean", async () => {
    const dir = fresh();
    const r = await run(dir, ["init", "--pack", "starter", "--pack", "hipaa"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("  installed pack starter v1.0.0 (builtin)\n  installed pack hipaa v1.0.0 (builtin)\n");
    const state = parse(readFileSync(join(dir, ".edict/packs.yaml"), "utf8"));
    expect(Object.keys(state.installed_packs)).toEqual(["hipaa", "starter"]);
    expect(state.installed_packs.hipaa.source).toBe("builtin");
    expect(readFileSync(join(dir, "policies/hipaa__02__phi_data_approval.yaml"), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../.edict/schemas/DataPolicy.json");
    const lint = await run(dir, ["lint"]);
    expect(lint.code, lint.out).toBe(0);
  });

  it("pulls in dependencies of a pack asked for alone", async () => {
    const dir = fresh();
    const r = await run(dir, ["init", "--pack", "hipaa"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("  installed pack starter v1.0.0 (builtin)\n  installed pack hipaa v1.0.0 (builtin)\n");
  });

  it("writes nothing when a pack cannot be installed", async () => {
    const dir = fresh();
    const r = await run(dir, ["init", "--pack", "hipa"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("did you mean hipaa?");
    expect(existsSync(join(dir, "edict.yaml"))).toBe(false);
  });
});
