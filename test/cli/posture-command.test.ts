import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { registerPosture } from "../../src/cli/commands/posture.js";
import type { PostureEngineSource } from "../../src/cli/commands/posture.js";
import type { CliIO } from "../../src/cli/io.js";
import { isEdictError } from "../../src/errors.js";
import type { Probe } from "../../src/posture/probe.js";
import { fakeProbe, ok } from "../posture/fake-probe.js";

const root = join(import.meta.dirname, "..", "..");
const FIXTURES = "test/posture/fixtures";

type TestIO = CliIO & { out: string; err: string };

function io(env: Record<string, string> = {}, isTTY = false): TestIO {
  const o = { out: "", err: "", isTTY, stderrIsTTY: false, env, cwd: root } as unknown as TestIO;
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

/** Runs `edict posture …` the way runCli does: exit code from setExit, usage and EdictErrors → 2. */
async function posture(argv: string[], o: TestIO = io(), probe: Probe = fakeProbe(), source?: PostureEngineSource): Promise<number> {
  let exit = 0;
  const program = new Command("edict").exitOverride().configureOutput({ writeOut: o.stdout, writeErr: o.stderr });
  registerPosture(program, o, (c) => void (exit = c), probe, ...(source ? [source] : []));
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: o.stdout, writeErr: o.stderr });
  try {
    await program.parseAsync(["posture", ...argv], { from: "user" });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) return e.code === "commander.helpDisplayed" ? 0 : 2;
    if (isEdictError(e)) {
      o.stderr(`edict: ${e.toString()}\n`);
      return 2;
    }
    throw e;
  }
}

describe("edict posture --facts", () => {
  it("allows an encrypted laptop in staging", async () => {
    const o = io();
    expect(await posture(["-t", "staging", "--facts", `${FIXTURES}/laptop-encrypted.json`], o)).toBe(0);
    expect(o.out).toBe(
      [
        `posture against target staging (policies at .; facts from ${FIXTURES}/laptop-encrypted.json)`,
        "environment: local",
        `  · facts read from ${FIXTURES}/laptop-encrypted.json`,
        "checks:",
        "  ✔ local.require_encryption: disk encryption: yes",
        "  ✔ local.min_security_score: security score 60, minimum 50",
        "  ✔ local.require_tpm: TPM: yes (not required)",
        "  - local.require_secure_boot: Secure Boot: unknown (not required)",
        "score: 60/100",
        "provider: keyring",
        "✔ allowed in staging",
        "",
      ].join("\n"),
    );
  });

  it("denies an unencrypted laptop in staging, naming the failed checks, and exits 1", async () => {
    const o = io();
    expect(await posture(["-t", "staging", "--facts", `${FIXTURES}/laptop-unencrypted.json`], o)).toBe(1);
    expect(o.out).toContain("  ✖ local.require_encryption: disk encryption: no\n");
    expect(o.out).toContain("  ✖ local.min_security_score: security score 20, minimum 50\n");
    expect(o.out).toContain("score: 20/100\n");
    expect(o.out).toMatch(/✖ denied in staging: 2 required checks failed \(local\.require_encryption, local\.min_security_score\)\n$/);
    expect(o.out).not.toContain("warning:");
  });

  it("allows the same laptop in development with warnings (allow_insecure) and the env provider", async () => {
    const o = io();
    expect(await posture(["-t", "development", "--facts", `${FIXTURES}/laptop-unencrypted.json`], o)).toBe(0);
    expect(o.out).toContain("provider: env\n");
    expect(o.out).toContain(
      "warning: posture check local.require_encryption failed (disk encryption: no); allowed because allow_insecure is set: development machines may run with warnings instead of refusals\n",
    );
    expect(o.out.match(/^warning: /gm)).toHaveLength(2);
    expect(o.out).toMatch(/✔ allowed in development with 2 warnings \(allow_insecure\)\n$/);
  });

  it("prints JSON that replays: its output as --facts gives the same result", async () => {
    const first = io();
    expect(await posture(["-t", "staging", "--facts", `${FIXTURES}/eks-default-namespace.json`, "--format", "json"], first)).toBe(1);
    const r = JSON.parse(first.out);
    expect(r).toMatchObject({ target: "staging", allowed: false, environment: "eks", provider: "aws-secrets-manager", failed: ["kubernetes.denied_namespaces"], factsFrom: `${FIXTURES}/eks-default-namespace.json` });
    expect(r.checks.find((c: { id: string }) => c.id === "kubernetes.denied_namespaces").detail).toBe('namespace "default" is denied (default)');

    const dir = mkdtempSync(join(tmpdir(), "edict-posture-"));
    writeFileSync(join(dir, "recorded.json"), first.out);
    const again = io();
    expect(await posture(["-t", "staging", "--facts", join(dir, "recorded.json"), "--format", "json"], again)).toBe(1);
    const r2 = JSON.parse(again.out);
    expect({ ...r2, factsFrom: undefined, evidence: undefined }).toEqual({ ...r, factsFrom: undefined, evidence: undefined });
  });
});

describe("edict posture (probing)", () => {
  it("gathers facts from the probe and shows the evidence", async () => {
    const laptop = fakeProbe({
      platform: "darwin",
      commands: {
        "fdesetup status": ok("FileVault is On.\n"),
        "sysctl -n machdep.cpu.brand_string": ok("Apple M2\n"),
        "/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate": ok("Firewall is disabled. (State = 0)\n"),
      },
    });
    const o = io();
    expect(await posture(["-t", "staging"], o, laptop)).toBe(0);
    expect(o.out).toContain("facts from this machine");
    expect(o.out).toContain("  · environment local: no cloud, cluster or CI marker found\n");
    expect(o.out).toContain("  · encryption: `fdesetup status` says on\n");
    expect(o.out).toContain("score: 80/100\n");
    expect(o.out).toContain("✔ allowed in staging\n");
  });

  it("denies a root pod in the default namespace of an EKS cluster", async () => {
    const pod = fakeProbe({
      uid: 0,
      env: { KUBERNETES_SERVICE_HOST: "10.0.0.1", AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/x", AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_REGION: "eu-west-1" },
      files: { "/var/run/secrets/kubernetes.io/serviceaccount/namespace": "default", "/proc/mounts": "overlay / overlay rw 0 0\n" },
    });
    const o = io();
    expect(await posture(["-t", "staging", "--format", "json"], o, pod)).toBe(1);
    const r = JSON.parse(o.out);
    expect(r.environment).toBe("eks");
    expect(r.failed).toEqual(["kubernetes.denied_namespaces"]);
    expect(r.facts).toMatchObject({ environment: "eks", iam: true, namespace: "default", nonRoot: false, readOnlyRootFs: false });
    expect(r.factsFrom).toBe("probe");
  });

  it("passes --timeout to the probe's commands", async () => {
    const seen: number[] = [];
    const probe: Probe = { ...fakeProbe({ platform: "win32" }), run: async (_c, _a, { timeoutMs }) => void seen.push(timeoutMs) };
    await posture(["-t", "production", "--timeout", "750"], io(), probe);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([750]));
  });
});

describe("edict posture: sources, colors and errors", () => {
  it("evaluates against whatever engine source it is given", async () => {
    const source: PostureEngineSource = async () => ({
      target: "edge",
      origin: "bundle acme.bundle.json",
      posture: (facts) => ({ allowed: true, environment: "local", checks: [], score: facts.securityScore ?? 0, warnings: [], provider: "vault", failed: [] }),
    });
    const o = io();
    expect(await posture(["--facts", `${FIXTURES}/laptop-encrypted.json`], o, fakeProbe(), source)).toBe(0);
    expect(o.out).toContain("posture against target edge (bundle acme.bundle.json;");
    expect(o.out).toContain("  (none apply)\n");
    expect(o.out).toContain("provider: vault\n");
  });

  it("colors only on a terminal, and honors NO_COLOR", async () => {
    const tty = io({}, true);
    await posture(["-t", "staging", "--facts", `${FIXTURES}/laptop-encrypted.json`], tty);
    expect(tty.out).toContain("\x1b[32m✔\x1b[39m");
    const noColor = io({ NO_COLOR: "1" }, true);
    await posture(["-t", "staging", "--facts", `${FIXTURES}/laptop-encrypted.json`], noColor);
    expect(noColor.out).not.toContain("\x1b[");
  });

  it("exits 2 on a missing or malformed facts file, an unknown target or format", async () => {
    const missing = io();
    expect(await posture(["-t", "production", "--facts", "nope.json"], missing)).toBe(2);
    expect(missing.err).toContain("edict: nope.json: cannot read the facts file: ENOENT");
    const typo = io();
    expect(await posture(["-t", "production", "--facts", `${FIXTURES}/typo.json`], typo)).toBe(2);
    expect(typo.err).toContain('unknown fact "encrypton"; did you mean "encryption"?');
    const target = io();
    expect(await posture(["-t", "prod", "--facts", `${FIXTURES}/typo.json`], target)).toBe(2);
    expect(target.err).toContain('unknown target "prod"');
    const format = io();
    expect(await posture(["-t", "production", "--format", "yaml"], format)).toBe(2);
    expect(format.err).toContain("--format must be one of text, json");
  });

  it("has help with an example", async () => {
    const o = io();
    expect(await posture(["--help"], o)).toBe(0);
    expect(o.out).toContain("edict posture -t production --facts facts.json");
  });
});
