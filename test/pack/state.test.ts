import { describe, expect, it } from "vitest";
import { emptyState, parseState, toStateYaml, toTimestamp } from "../../src/pack/index.js";
import type { PackState } from "../../src/model/types.js";

const SHA = "a".repeat(64);
const state: PackState = {
  format_version: "v1",
  installed_packs: {
    zeta: { name: "zeta", version: "1.0.0", layer: "domain", installed_at: "2026-02-15T15:00:00Z", pack_checksum: `sha256:${SHA}`, files: [] },
    alpha: {
      files: [
        { sha256: SHA, path: "policies/alpha__02__b.yaml", policy_id: "b" },
        { path: "policies/alpha__01__a.yaml", policy_id: "a", sha256: SHA },
      ],
      layer: "foundation",
      version: "2.1.0",
      name: "alpha",
      installed_at: "2026-02-15T15:00:00Z",
      pack_checksum: `sha256:${SHA}`,
    },
  },
};

describe("state file", () => {
  it("writes stable YAML: packs and files sorted, keys in order", () => {
    const text = toStateYaml(state);
    expect(text).toBe(
      [
        "# Installed policy packs. Written by `edict pack`; edit with `edict pack install|upgrade|remove`.",
        "",
        "format_version: v1",
        "installed_packs:",
        "  alpha:",
        "    name: alpha",
        "    version: 2.1.0",
        "    layer: foundation",
        "    installed_at: 2026-02-15T15:00:00Z",
        `    pack_checksum: sha256:${SHA}`,
        "    files:",
        "      - path: policies/alpha__01__a.yaml",
        "        policy_id: a",
        `        sha256: ${SHA}`,
        "      - path: policies/alpha__02__b.yaml",
        "        policy_id: b",
        `        sha256: ${SHA}`,
        "  zeta:",
        "    name: zeta",
        "    version: 1.0.0",
        "    layer: domain",
        "    installed_at: 2026-02-15T15:00:00Z",
        `    pack_checksum: sha256:${SHA}`,
        "    files: []",
        "",
      ].join("\n"),
    );
  });

  it("round-trips through parseState", () => {
    const parsed = parseState(toStateYaml(state));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(toStateYaml(parsed.state)).toBe(toStateYaml(state));
    expect(parseState(toStateYaml(emptyState()))).toEqual({ ok: true, state: emptyState() });
  });

  it("refuses invalid state", () => {
    expect(parseState("format_version: v2\n").ok).toBe(false);
    expect(parseState("format_version: v1\ninstalled_packs:\n  a: {name: b, version: 1.0.0, layer: domain, files: []}\n").ok).toBe(false);
    expect(parseState("format_version: [\n").ok).toBe(false);
  });

  it("formats timestamps to the second in UTC", () => {
    expect(toTimestamp(new Date("2026-02-15T15:00:00.123Z"))).toBe("2026-02-15T15:00:00Z");
    expect(() => toTimestamp(new Date("nope"))).toThrow(TypeError);
  });
});
