/**
 * Best-effort local (workstation) assessment: disk encryption, TPM, Secure Boot and the
 * host firewall, each from files and unprivileged commands, per operating system:
 *
 * | fact        | Linux                                              | macOS                               | Windows                                |
 * |-------------|----------------------------------------------------|-------------------------------------|----------------------------------------|
 * | encryption  | /etc/crypttab entries, /sys/block/dm-N/dm/uuid `CRYPT-…`, `lsblk` TYPE `crypt` | `fdesetup status`     | `manage-bde -status C:`                |
 * | tpm         | /sys/class/tpm/tpm0                                | Apple silicon (Secure Enclave)      | `(Get-Tpm).TpmPresent`                 |
 * | secureBoot  | EFI variable SecureBoot-8be4df61-…, `mokutil`      | Apple silicon (always boots signed) | `Confirm-SecureBootUEFI`               |
 * | firewall    | `firewall-cmd --state`, `ufw status`               | `socketfilterfw --getglobalstate`   | `netsh advfirewall show allprofiles state` |
 *
 * Each fact is true, false, or undefined when nothing could tell (a command needs
 * administrator rights, is missing or timed out): unknown is never guessed either way.
 * The score adds the weights of the facts known to be true (SCORE_WEIGHTS), so unknown scores 0.
 */
import type { Probe } from "./probe.js";

/** Weights of the 0–100 security score; they sum to 100. */
export const SCORE_WEIGHTS = { encryption: 40, tpm: 20, secureBoot: 20, firewall: 20 } as const;

export type ScoredFact = keyof typeof SCORE_WEIGHTS;

export interface LocalAssessment {
  readonly encryption?: boolean;
  readonly tpm?: boolean;
  readonly secureBoot?: boolean;
  readonly firewall?: boolean;
  /** Sum of SCORE_WEIGHTS of the facts that are true. */
  readonly securityScore: number;
  readonly evidence: readonly string[];
}

export interface LocalOptions {
  /** Per command; default 5 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

type Tri = boolean | undefined;
interface Finding {
  readonly value: Tri;
  readonly evidence: readonly string[];
}

/** Adds the weights of the true facts: unknown and false both score 0. */
export function securityScoreOf(facts: Partial<Record<ScoredFact, Tri>>): number {
  let score = 0;
  for (const [fact, weight] of Object.entries(SCORE_WEIGHTS) as Array<[ScoredFact, number]>) if (facts[fact] === true) score += weight;
  return score;
}

// ---------------------------------------------------------------------------------------------
// Parsers: text in, values out.

export const CRYPTTAB = "/etc/crypttab";
export const SYS_BLOCK = "/sys/block";
export const TPM0 = "/sys/class/tpm/tpm0";
export const EFI_DIR = "/sys/firmware/efi";
export const SECURE_BOOT_VAR = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

/** The volumes /etc/crypttab configures (first field of each line that is not blank or a comment). */
export function parseCrypttab(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(/\s+/)[0] ?? l);
}

/** `lsblk -n -o TYPE`: one device type a line; dm-crypt mappings are `crypt`. */
export function parseLsblkTypes(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/**
 * The EFI SecureBoot variable: 4 bytes of attributes, then one data byte, 1 when Secure Boot is
 * on. The attributes are small (0x06/0x07), so reading the file as text keeps the offsets.
 */
export function parseSecureBootVariable(content: string): Tri {
  if (content.length < 5) return undefined;
  const b = content.charCodeAt(4);
  return b === 1 ? true : b === 0 ? false : undefined;
}

/** `mokutil --sb-state`: "SecureBoot enabled" / "SecureBoot disabled". */
export function parseMokutil(stdout: string): Tri {
  if (/SecureBoot enabled/i.test(stdout)) return true;
  if (/SecureBoot disabled/i.test(stdout)) return false;
  return undefined;
}

/** `fdesetup status`: "FileVault is On." (also while encrypting) / "FileVault is Off.". */
export function parseFdesetup(stdout: string): Tri {
  if (/FileVault is On/i.test(stdout)) return true;
  if (/FileVault is Off/i.test(stdout)) return false;
  return undefined;
}

/** `manage-bde -status C:`: "Protection Status: Protection On" / "Protection Off". */
export function parseManageBde(stdout: string): Tri {
  if (/Protection On/i.test(stdout)) return true;
  if (/Protection Off/i.test(stdout)) return false;
  return undefined;
}

/** A PowerShell boolean printed alone: "True" / "False". */
export function parsePowerShellBool(stdout: string): Tri {
  const t = stdout.trim();
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  return undefined;
}

/** `socketfilterfw --getglobalstate`: "Firewall is enabled. (State = 1)" / "Firewall is disabled. (State = 0)". */
export function parseSocketFilterFw(stdout: string): Tri {
  if (/Firewall is enabled/i.test(stdout)) return true;
  if (/Firewall is disabled/i.test(stdout)) return false;
  return undefined;
}

/** `netsh advfirewall show allprofiles state`: on only when every profile's State is ON. */
export function parseNetshFirewall(stdout: string): Tri {
  const states = [...stdout.matchAll(/^\s*State\s+(ON|OFF)\s*$/gim)].map((m) => m[1]!.toUpperCase());
  if (states.length === 0) return undefined;
  return states.every((s) => s === "ON");
}

/** `firewall-cmd --state`: "running" / "not running". */
export function parseFirewallCmd(stdout: string): Tri {
  const t = stdout.trim();
  if (t === "running") return true;
  if (t === "not running") return false;
  return undefined;
}

/** `ufw status` (root only; otherwise it prints nothing useful): "Status: active" / "Status: inactive". */
export function parseUfw(stdout: string): Tri {
  const m = /^Status:\s*(active|inactive)\b/im.exec(stdout);
  return m ? m[1]!.toLowerCase() === "active" : undefined;
}

// ---------------------------------------------------------------------------------------------
// Probes

interface Ctx {
  readonly probe: Probe;
  readonly timeoutMs: number;
}

function cmdline(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].join(" ");
}

/** Runs a command and parses its output; a missing, failing or slow command is unknown. */
async function fromCommand(ctx: Ctx, what: string, cmd: string, args: readonly string[], parse: (stdout: string) => Tri): Promise<Finding & { answered: boolean }> {
  const r = await ctx.probe.run(cmd, args, { timeoutMs: ctx.timeoutMs });
  const line = cmdline(cmd, args);
  if (r === undefined) return { value: undefined, answered: false, evidence: [`${what}: \`${line}\` unavailable or timed out`] };
  const value = parse(r.stdout);
  const said = value === undefined ? `gave no answer (exit ${r.code})` : `says ${value ? "on" : "off"}`;
  return { value, answered: true, evidence: [`${what}: \`${line}\` ${said}`] };
}

/** True when any source says on; false when some say off and none answered unreadably; else unknown. */
function combine(what: string, parts: ReadonlyArray<Finding & { answered?: boolean }>): Finding {
  const evidence = parts.flatMap((p) => p.evidence);
  if (parts.some((p) => p.value === true)) return { value: true, evidence };
  const unreadable = parts.some((p) => p.answered === true && p.value === undefined);
  if (!unreadable && parts.some((p) => p.value === false)) return { value: false, evidence };
  return { value: undefined, evidence: [...evidence, `${what}: unknown`] };
}

async function linuxEncryption(ctx: Ctx): Promise<Finding> {
  const { probe } = ctx;
  const evidence: string[] = [];
  let found = false;
  let looked = false;

  const crypttab = await probe.readFile(CRYPTTAB);
  if (crypttab !== undefined) {
    const volumes = parseCrypttab(crypttab);
    if (volumes.length > 0) {
      found = true;
      evidence.push(`encryption: ${CRYPTTAB} configures ${volumes.join(", ")}`);
    } else evidence.push(`encryption: ${CRYPTTAB} has no entries`);
  }

  const devices = await probe.readDir(SYS_BLOCK);
  if (devices !== undefined) {
    looked = true;
    const crypt: string[] = [];
    for (const dev of devices.filter((d) => d.startsWith("dm-")).sort()) {
      const uuid = await probe.readFile(`${SYS_BLOCK}/${dev}/dm/uuid`);
      if (uuid?.trim().startsWith("CRYPT-")) crypt.push(dev);
    }
    if (crypt.length > 0) {
      found = true;
      evidence.push(`encryption: dm-crypt device ${crypt.join(", ")} in ${SYS_BLOCK}`);
    }
  }

  const lsblk = await probe.run("lsblk", ["-n", "-o", "TYPE"], { timeoutMs: ctx.timeoutMs });
  if (lsblk !== undefined && lsblk.code === 0) {
    looked = true;
    if (parseLsblkTypes(lsblk.stdout).includes("crypt")) {
      found = true;
      evidence.push("encryption: `lsblk` lists a crypt device");
    }
  }

  if (found) return { value: true, evidence };
  if (looked) return { value: false, evidence: [...evidence, "encryption: no dm-crypt/LUKS device found"] };
  return { value: undefined, evidence: [...evidence, "encryption: unknown (cannot list block devices)"] };
}

async function linuxTpm(ctx: Ctx): Promise<Finding> {
  if (await ctx.probe.exists(TPM0)) return { value: true, evidence: [`tpm: ${TPM0} exists`] };
  if (await ctx.probe.exists("/sys/class")) return { value: false, evidence: [`tpm: no ${TPM0}`] };
  return { value: undefined, evidence: ["tpm: unknown (/sys/class is not readable)"] };
}

async function linuxSecureBoot(ctx: Ctx): Promise<Finding> {
  const { probe } = ctx;
  const variable = await probe.readFile(SECURE_BOOT_VAR);
  const fromVar = variable === undefined ? undefined : parseSecureBootVariable(variable);
  if (fromVar !== undefined) return { value: fromVar, evidence: [`secure boot: EFI variable SecureBoot is ${fromVar ? 1 : 0}`] };
  const mok = await fromCommand(ctx, "secure boot", "mokutil", ["--sb-state"], parseMokutil);
  if (mok.value !== undefined) return mok;
  // Legacy BIOS boot: firmware is visible but there is no EFI, so nothing verifies the boot chain.
  // An empty /sys/firmware is a container's mask, which says nothing.
  const firmware = await probe.readDir("/sys/firmware");
  if (firmware !== undefined && firmware.length > 0 && !firmware.includes("efi") && !(await probe.exists(EFI_DIR))) {
    return { value: false, evidence: ["secure boot: legacy BIOS boot (no /sys/firmware/efi)"] };
  }
  return { value: undefined, evidence: [...mok.evidence, "secure boot: unknown"] };
}

async function linuxFirewall(ctx: Ctx): Promise<Finding> {
  const parts = await Promise.all([
    fromCommand(ctx, "firewall", "firewall-cmd", ["--state"], parseFirewallCmd),
    fromCommand(ctx, "firewall", "ufw", ["status"], parseUfw),
  ]);
  return combine("firewall", parts);
}

async function assessLinux(ctx: Ctx): Promise<Record<ScoredFact, Finding>> {
  const [encryption, tpm, secureBoot, firewall] = await Promise.all([linuxEncryption(ctx), linuxTpm(ctx), linuxSecureBoot(ctx), linuxFirewall(ctx)]);
  return { encryption, tpm, secureBoot, firewall };
}

async function assessMac(ctx: Ctx): Promise<Record<ScoredFact, Finding>> {
  const [encryption, cpu, firewall] = await Promise.all([
    fromCommand(ctx, "encryption", "fdesetup", ["status"], parseFdesetup),
    ctx.probe.run("sysctl", ["-n", "machdep.cpu.brand_string"], { timeoutMs: ctx.timeoutMs }),
    fromCommand(ctx, "firewall", "/usr/libexec/ApplicationFirewall/socketfilterfw", ["--getglobalstate"], parseSocketFilterFw),
  ]);
  const brand = cpu?.code === 0 ? cpu.stdout.trim() : undefined;
  // Apple silicon always has the Secure Enclave and boots only signed code; Intel needs a T2 chip, which is not probed.
  const apple = brand === undefined ? undefined : brand.includes("Apple") ? true : undefined;
  const chip = brand === undefined ? "`sysctl -n machdep.cpu.brand_string` unavailable" : apple ? `Apple silicon (${brand})` : `not Apple silicon (${brand}); T2 not probed`;
  return {
    encryption: { value: encryption.value, evidence: encryption.evidence },
    tpm: { value: apple, evidence: [`tpm: Secure Enclave ${apple ? "present" : "unknown"}: ${chip}`] },
    secureBoot: { value: apple, evidence: [`secure boot: ${apple ? "on" : "unknown"}: ${chip}`] },
    firewall: { value: firewall.value, evidence: firewall.evidence },
  };
}

async function assessWindows(ctx: Ctx): Promise<Record<ScoredFact, Finding>> {
  const ps = (command: string) => ["-NoProfile", "-NonInteractive", "-Command", command];
  const [encryption, tpm, secureBoot, firewall] = await Promise.all([
    fromCommand(ctx, "encryption", "manage-bde", ["-status", "C:"], parseManageBde),
    fromCommand(ctx, "tpm", "powershell", ps("(Get-Tpm).TpmPresent"), parsePowerShellBool),
    fromCommand(ctx, "secure boot", "powershell", ps("Confirm-SecureBootUEFI"), parsePowerShellBool),
    fromCommand(ctx, "firewall", "netsh", ["advfirewall", "show", "allprofiles", "state"], parseNetshFirewall),
  ]);
  return { encryption, tpm, secureBoot, firewall };
}

/**
 * Assesses this machine as a workstation. Never throws with a guarded probe (see guardProbe).
 *
 * @example
 * const local = await assessLocal(guardProbe(nodeProbe()));
 * // → { encryption: true, tpm: true, secureBoot: undefined, firewall: false, securityScore: 60, evidence: [...] }
 */
export async function assessLocal(probe: Probe, options: LocalOptions = {}): Promise<LocalAssessment> {
  const ctx: Ctx = { probe, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const assess = probe.platform === "linux" ? assessLinux : probe.platform === "darwin" ? assessMac : probe.platform === "win32" ? assessWindows : undefined;
  if (assess === undefined) return { securityScore: 0, evidence: [`local: no probes for platform ${probe.platform}; every fact is unknown`] };
  const found = await assess(ctx);
  const value = (f: ScoredFact) => found[f].value;
  const facts: Partial<Record<ScoredFact, boolean>> = {};
  for (const f of Object.keys(SCORE_WEIGHTS) as ScoredFact[]) {
    const v = value(f);
    if (v !== undefined) facts[f] = v;
  }
  return { ...facts, securityScore: securityScoreOf(facts), evidence: (Object.keys(SCORE_WEIGHTS) as ScoredFact[]).flatMap((f) => found[f].evidence) };
}
