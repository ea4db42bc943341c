import { describe, expect, it } from "vitest";
import { parseDependency, satisfiesDependency, toShippedPack } from "../../src/pack/index.js";
import type { PackFile } from "../../src/pack/index.js";
import { meta, policy } from "./fixtures.js";

const enc = new TextEncoder();
const files = (f: Record<string, string>): PackFile[] => Object.entries(f).map(([path, text]) => ({ path, bytes: enc.encode(text) }));

describe("parseDependency", () => {
  it("reads a bare name and a name with a range", () => {
    expect(parseDependency("starter")).toEqual({ ok: true, dependency: { raw: "starter", name: "starter" } });
    expect(parseDependency("starter@^1.0.0")).toEqual({ ok: true, dependency: { raw: "starter@^1.0.0", name: "starter", range: "^1.0.0" } });
  });
  it.each(["../x", "starter@", "starter@not-a-range", "Starter", "a/b@1"])("refuses %j", (raw) => expect(parseDependency(raw).ok).toBe(false));
  it("checks ranges", () => {
    const d = { raw: "s@^1.0.0", name: "s", range: "^1.0.0" };
    expect(satisfiesDependency(d, "1.4.2")).toBe(true);
    expect(satisfiesDependency(d, "2.0.0")).toBe(false);
    expect(satisfiesDependency(d, "garbage")).toBe(false);
    expect(satisfiesDependency({ raw: "s", name: "s" }, "0.0.1")).toBe(true);
  });
});

describe("toShippedPack", () => {
  it("reads a valid pack", () => {
    const { pack, problems } = toShippedPack("p", files({ "metadata.yaml": meta("p", { deps: ["q@^2.0.0"] }), "policies/01_a.yaml": policy("a", 100) }));
    expect(problems).toEqual([]);
    expect(pack!.version).toBe("1.0.0");
    expect(pack!.dependencies).toEqual([{ raw: "q@^2.0.0", name: "q", range: "^2.0.0" }]);
    expect(pack!.policies.map((p) => [p.installPath, p.id, p.priority, p.kind])).toEqual([["policies/p__01__a.yaml", "a", 100, "RuntimePolicy"]]);
    expect(pack!.files.map((f) => f.path)).toEqual(["metadata.yaml", "policies/01_a.yaml"]);
  });

  it("ignores files edict does not read (README) in content and checksum", () => {
    const base = files({ "metadata.yaml": meta("p"), "policies/01_a.yaml": policy("a", 100) });
    const withReadme = [...base, { path: "README.md", bytes: enc.encode("hello") }];
    expect(toShippedPack("p", withReadme).pack!.checksum).toBe(toShippedPack("p", base).pack!.checksum);
  });

  it("reports a priority outside the band (InvalidPack)", () => {
    const { problems } = toShippedPack("p", files({ "metadata.yaml": meta("p"), "policies/01_a.yaml": policy("a", 250) }));
    expect(problems).toEqual([
      { code: "band", pack: "p", file: "policies/01_a.yaml", pointer: "/metadata/priority", message: "policies/01_a.yaml: priority 250 outside band 100–199 of pack p" },
    ]);
  });

  it("reports bad names, versions, dependencies and files", () => {
    const { pack, problems } = toShippedPack(
      "p",
      files({
        "metadata.yaml": meta("other", { version: "1.0", deps: ["p", "x@>>1"], band: [150, 100] }),
        "policies/a.yaml": policy("a", 100),
        "policies/sub/01_b.yaml": policy("b", 100),
        "policies/01_c.yaml": policy("c", 120),
        "policies/01_d.yaml": policy("d", 130),
      }),
    );
    expect(pack).toBeDefined();
    expect(problems.map((p) => p.code).sort()).toEqual(["band", "dependency", "dependency", "file-name", "file-name", "file-name", "metadata", "metadata"]);
  });

  it("returns no pack for a hostile folder name or missing metadata", () => {
    expect(toShippedPack("../evil", files({ "metadata.yaml": meta("x") })).pack).toBeUndefined();
    expect(toShippedPack("p", files({ "policies/01_a.yaml": policy("a", 100) })).problems[0]!.message).toBe("pack p has no metadata.yaml");
    expect(toShippedPack("p", files({ "metadata.yaml": "__pack_meta: {name: p}\n" })).pack).toBeUndefined();
  });
});
