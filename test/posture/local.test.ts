import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assessLocal,
  parseCrypttab,
  parseFdesetup,
  parseManageBde,
  parseNetshFirewall,
  parseSecureBootVariable,
  SCORE_WEIGHTS,
  SECURE_BOOT_VAR,
  securityScoreOf,
} from "../../src/posture/local.js";
import { fails, fakeProbe, ok } from "./fake-probe.js";
import type { FakeMachine } from "./fake-probe.js";

/** Attributes 0x06 (boot service + runtime access), then the data byte. */
const efiVar = (on: boolean) => `\x06\x00\x00\x00${on ? "\x01" : "\x00"}`;

const linux = (m: FakeMachine): FakeMachine => ({ platform: "linux", ...m, dirs: { "/sys/block": ["sda", "nvme0n1"], "/sys/class": ["net"], "/sys/firmware": ["efi"], ...m.dirs } });

describe("Linux", () => {
  it("counts /etc/crypttab entries as encryption", async () => {
    const a = await assessLocal(fakeProbe(linux({ files: { "/etc/crypttab": "# <name> <device> <password> <options>\nluks-root UUID=1234 none luks,discard\n" } })));
    expect(a.encryption).toBe(true);
    expect(a.evidence).toContain("encryption: /etc/crypttab configures luks-root");
  });

  it("does not count a crypttab of comments only, and finds no crypt device", async () => {
    const a = await assessLocal(fakeProbe(linux({ files: { "/etc/crypttab": "# <target name> <source device> <key file> <options>\n\n   # nothing here\n" }, commands: { "lsblk -n -o TYPE": ok("disk\npart\npart\n") } })));
    expect(a.encryption).toBe(false);
    expect(a.evidence).toContain("encryption: /etc/crypttab has no entries");
    expect(a.evidence).toContain("encryption: no dm-crypt/LUKS device found");
  });

  it("finds dm-crypt devices by their CRYPT- uuid", async () => {
    const a = await assessLocal(
      fakeProbe(linux({ dirs: { "/sys/block": ["sda", "dm-0", "dm-1"] }, files: { "/sys/block/dm-0/dm/uuid": "LVM-abc\n", "/sys/block/dm-1/dm/uuid": "CRYPT-LUKS2-0123abcd-luks-root\n" } })),
    );
    expect(a.encryption).toBe(true);
    expect(a.evidence).toContain("encryption: dm-crypt device dm-1 in /sys/block");
  });

  it("finds crypt devices in lsblk", async () => {
    const a = await assessLocal(fakeProbe(linux({ commands: { "lsblk -n -o TYPE": ok("disk\npart\ncrypt\nlvm\n") } })));
    expect(a.encryption).toBe(true);
  });

  it("is unknown when block devices cannot be listed", async () => {
    const a = await assessLocal(fakeProbe({ platform: "linux" }));
    expect(a.encryption).toBeUndefined();
    expect(a.tpm).toBeUndefined();
    expect(a.secureBoot).toBeUndefined();
    expect(a.firewall).toBeUndefined();
    expect(a.securityScore).toBe(0);
  });

  it("reads the TPM from /sys/class/tpm/tpm0", async () => {
    expect((await assessLocal(fakeProbe(linux({ dirs: { "/sys/class/tpm/tpm0": ["caps"] } })))).tpm).toBe(true);
    expect((await assessLocal(fakeProbe(linux({})))).tpm).toBe(false);
  });

  it.each([
    [true, "on"],
    [false, "off"],
  ])("reads Secure Boot from the EFI variable's fifth byte (%s)", async (on) => {
    const a = await assessLocal(fakeProbe(linux({ files: { [SECURE_BOOT_VAR]: efiVar(on) } })));
    expect(a.secureBoot).toBe(on);
  });

  it("falls back to mokutil, and calls legacy BIOS boot off", async () => {
    expect((await assessLocal(fakeProbe(linux({ files: { "/sys/firmware/efi/x": "" }, commands: { "mokutil --sb-state": ok("SecureBoot enabled\n") } })))).secureBoot).toBe(true);
    expect((await assessLocal(fakeProbe(linux({ dirs: { "/sys/firmware": ["acpi"] } })))).secureBoot).toBe(false);
    expect((await assessLocal(fakeProbe({ platform: "linux" }))).secureBoot).toBeUndefined();
    // A container masks /sys/firmware with an empty directory: unknown, not BIOS.
    expect((await assessLocal(fakeProbe(linux({ dirs: { "/sys/firmware": [] } })))).secureBoot).toBeUndefined();
  });

  it("reads the firewall from firewall-cmd or ufw, and a root-only ufw keeps it unknown", async () => {
    const fw = async (commands: FakeMachine["commands"]) => (await assessLocal(fakeProbe(linux({ commands })))).firewall;
    expect(await fw({ "firewall-cmd --state": ok("running\n") })).toBe(true);
    expect(await fw({ "firewall-cmd --state": fails(252, "not running\n"), "ufw status": ok("Status: active\n") })).toBe(true);
    expect(await fw({ "firewall-cmd --state": fails(252, "not running\n") })).toBe(false);
    expect(await fw({ "firewall-cmd --state": fails(252, "not running\n"), "ufw status": fails(1, "") })).toBeUndefined();
    expect(await fw({ "ufw status": ok("Status: inactive\n") })).toBe(false);
  });

  it("scores a fully protected machine 100", async () => {
    const a = await assessLocal(
      fakeProbe(
        linux({
          dirs: { "/sys/class/tpm/tpm0": [] },
          files: { "/etc/crypttab": "root UUID=1 none luks\n", [SECURE_BOOT_VAR]: efiVar(true) },
          commands: { "firewall-cmd --state": ok("running\n") },
        }),
      ),
    );
    expect(a).toMatchObject({ encryption: true, tpm: true, secureBoot: true, firewall: true, securityScore: 100 });
  });
});

describe("macOS", () => {
  const mac = (commands: FakeMachine["commands"]) => fakeProbe({ platform: "darwin", commands });

  it("reads FileVault on and off", async () => {
    expect((await assessLocal(mac({ "fdesetup status": ok("FileVault is On.\n") }))).encryption).toBe(true);
    expect((await assessLocal(mac({ "fdesetup status": ok("FileVault is Off.\n") }))).encryption).toBe(false);
    expect((await assessLocal(mac({}))).encryption).toBeUndefined();
  });

  it("credits Apple silicon with the Secure Enclave and Secure Boot, and leaves Intel unknown", async () => {
    const apple = await assessLocal(mac({ "sysctl -n machdep.cpu.brand_string": ok("Apple M2 Pro\n"), "fdesetup status": ok("FileVault is On.\n") }));
    expect(apple).toMatchObject({ encryption: true, tpm: true, secureBoot: true, securityScore: 80 });
    const intel = await assessLocal(mac({ "sysctl -n machdep.cpu.brand_string": ok("Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz\n") }));
    expect(intel.tpm).toBeUndefined();
    expect(intel.secureBoot).toBeUndefined();
  });

  it("reads the application firewall", async () => {
    const fw = "/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate";
    expect((await assessLocal(mac({ [fw]: ok("Firewall is enabled. (State = 1)\n") }))).firewall).toBe(true);
    expect((await assessLocal(mac({ [fw]: ok("Firewall is disabled. (State = 0)\n") }))).firewall).toBe(false);
  });
});

describe("Windows", () => {
  const PS_TPM = "powershell -NoProfile -NonInteractive -Command (Get-Tpm).TpmPresent";
  const PS_SB = "powershell -NoProfile -NonInteractive -Command Confirm-SecureBootUEFI";
  const BDE = "manage-bde -status C:";
  const bde = (protection: "On" | "Off") =>
    `BitLocker Drive Encryption: Configuration Tool version 10.0.22621\n\nVolume C: [Windows]\n    Conversion Status:    Fully Encrypted\n    Protection Status:    Protection ${protection}\n`;
  const win = (commands: FakeMachine["commands"]) => fakeProbe({ platform: "win32", commands });

  it("reads BitLocker protection on and off", async () => {
    expect((await assessLocal(win({ [BDE]: ok(bde("On")) }))).encryption).toBe(true);
    expect((await assessLocal(win({ [BDE]: ok(bde("Off")) }))).encryption).toBe(false);
  });

  it("is unknown without administrator rights", async () => {
    const a = await assessLocal(win({ [BDE]: fails(-2147024891, "ERROR: An attempt to access a required resource was denied.\n"), [PS_TPM]: fails(1, "") }));
    expect(a.encryption).toBeUndefined();
    expect(a.tpm).toBeUndefined();
    expect(a.evidence).toContain("encryption: `manage-bde -status C:` gave no answer (exit -2147024891)");
  });

  it("reads the TPM, Secure Boot and every firewall profile", async () => {
    const netsh = (a: string, b: string) => ok(`\nDomain Profile Settings:\n----------------------------------------------------------------------\nState                                 ${a}\n\nPrivate Profile Settings:\n----------------------------------------------------------------------\nState                                 ${b}\nOk.\n`);
    const all = await assessLocal(win({ [BDE]: ok(bde("On")), [PS_TPM]: ok("True\r\n"), [PS_SB]: ok("True\r\n"), "netsh advfirewall show allprofiles state": netsh("ON", "ON") }));
    expect(all).toMatchObject({ encryption: true, tpm: true, secureBoot: true, firewall: true, securityScore: 100 });
    const some = await assessLocal(win({ [PS_TPM]: ok("False\r\n"), "netsh advfirewall show allprofiles state": netsh("ON", "OFF") }));
    expect(some).toMatchObject({ tpm: false, firewall: false, securityScore: 0 });
  });
});

describe("other platforms", () => {
  it("probes nothing and scores 0", async () => {
    const probe = fakeProbe({ platform: "freebsd" });
    const a = await assessLocal(probe);
    expect(a).toEqual({ securityScore: 0, evidence: ["local: no probes for platform freebsd; every fact is unknown"] });
    expect(probe.ran).toEqual([]);
  });
});

describe("timeouts and failures", () => {
  it("turns a command that times out into unknown, not a crash", async () => {
    const a = await assessLocal(fakeProbe({ platform: "darwin", commands: { "fdesetup status": "timeout" } }), { timeoutMs: 50 });
    expect(a.encryption).toBeUndefined();
    expect(a.evidence).toContain("encryption: `fdesetup status` unavailable or timed out");
  });

  it("passes the timeout to every command", async () => {
    const seen: number[] = [];
    const probe = { ...fakeProbe({ platform: "win32" }), run: async (_c: string, _a: readonly string[], o: { timeoutMs: number }) => void seen.push(o.timeoutMs) };
    await assessLocal(probe, { timeoutMs: 1234 });
    expect(seen.length).toBe(4);
    expect(new Set(seen)).toEqual(new Set([1234]));
  });
});

describe("score", () => {
  it("uses weights that sum to 100", () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    expect(SCORE_WEIGHTS).toEqual({ encryption: 40, tpm: 20, secureBoot: 20, firewall: 20 });
  });

  it("adds the weights of true facts only", () => {
    expect(securityScoreOf({})).toBe(0);
    expect(securityScoreOf({ encryption: true })).toBe(40);
    expect(securityScoreOf({ encryption: true, tpm: false, secureBoot: undefined, firewall: true })).toBe(60);
    expect(securityScoreOf({ encryption: false, tpm: true, secureBoot: true })).toBe(40);
  });

  it("stays within 0–100 and never drops when a fact turns true", () => {
    const tri = fc.constantFrom(true, false, undefined);
    const facts = fc.record({ encryption: tri, tpm: tri, secureBoot: tri, firewall: tri });
    fc.assert(
      fc.property(facts, fc.constantFrom("encryption", "tpm", "secureBoot", "firewall") as fc.Arbitrary<keyof typeof SCORE_WEIGHTS>, (f, key) => {
        const s = securityScoreOf(f);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
        expect(securityScoreOf({ ...f, [key]: true })).toBeGreaterThanOrEqual(s);
        expect(securityScoreOf({ ...f, [key]: undefined })).toBe(securityScoreOf({ ...f, [key]: false }));
      }),
    );
  });
});

describe("parsers", () => {
  it("parse crypttab, the EFI variable, fdesetup, manage-bde and netsh", () => {
    expect(parseCrypttab("a /dev/sda2 none luks\n#b x\n\n  c\tUUID=2  ")).toEqual(["a", "c"]);
    expect(parseSecureBootVariable(efiVar(true))).toBe(true);
    expect(parseSecureBootVariable(efiVar(false))).toBe(false);
    expect(parseSecureBootVariable("\x06\x00\x00")).toBeUndefined();
    expect(parseFdesetup("FileVault is On.\nDeferred enablement appears to be active for user 'x'.")).toBe(true);
    expect(parseFdesetup("Encryption in progress")).toBeUndefined();
    expect(parseManageBde("Protection Status:    Protection Off (1 reboots left)")).toBe(false);
    expect(parseNetshFirewall("no profiles")).toBeUndefined();
  });
});
