import { describe, expect, it } from "vitest";
import { installedContent, sameExceptModeline, schemaReference, withoutModeline } from "../../src/pack/modeline.js";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const INIT = new Set([".edict/schemas/AccessPolicy.json", ".edict/schemas/RuntimePolicy.json"]);
const ROOT = new Set(["schemas/AccessPolicy.json"]);
const PACK_FILE = "# yaml-language-server: $schema=../../../schemas/AccessPolicy.json\napiVersion: edict/v1\nkind: AccessPolicy\nmetadata:\n  id: x\n";
const at = "policies/hipaa__01__phi.yaml";

const installed = (text: string, schemas: ReadonlySet<string>) => dec.decode(installedContent(enc.encode(text), at, schemas));

describe("installed modelines", () => {
  it("point at .edict/schemas/ relative to the installed file", () => {
    expect(installed(PACK_FILE, INIT)).toBe(PACK_FILE.replace("../../../schemas/", "../.edict/schemas/"));
  });

  it("fall back to schemas/ at the root when it holds the kind's schema", () => {
    expect(installed(PACK_FILE, ROOT)).toBe(PACK_FILE.replace("../../../schemas/", "../schemas/"));
    expect(schemaReference(at, "AccessPolicy.json", new Set([...ROOT, ...INIT]))).toBe("../.edict/schemas/AccessPolicy.json");
  });

  it("are dropped when the repository has no schema for the kind, and added when a file has none", () => {
    expect(installed(PACK_FILE, new Set())).toBe(PACK_FILE.slice(PACK_FILE.indexOf("\n") + 1));
    const bare = "apiVersion: edict/v1\r\nkind: RuntimePolicy\r\n";
    expect(installed(bare, INIT)).toBe(`# yaml-language-server: $schema=../.edict/schemas/RuntimePolicy.json\r\n${bare}`);
  });

  it("keep a byte-order mark, CRLF line ends and an already right modeline byte for byte", () => {
    const crlf = `\uFEFF${PACK_FILE.replaceAll("\n", "\r\n")}`;
    expect(installed(crlf, INIT)).toBe(crlf.replace("../../../schemas/", "../.edict/schemas/"));
    const right = enc.encode(installed(PACK_FILE, INIT));
    expect(installedContent(right, at, INIT)).toBe(right);
  });

  it("do not count as a difference between an installed file and its pack", () => {
    const written = installedContent(enc.encode(PACK_FILE), at, INIT);
    expect(sameExceptModeline(written, enc.encode(PACK_FILE))).toBe(true);
    expect(sameExceptModeline(written, enc.encode(PACK_FILE.replace("id: x", "id: y")))).toBe(false);
    expect(dec.decode(withoutModeline(written))).toBe(PACK_FILE.slice(PACK_FILE.indexOf("\n") + 1));
  });
});
