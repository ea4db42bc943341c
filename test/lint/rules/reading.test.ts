import { describe, expect, it } from "vitest";
import { at, lint } from "../../helpers/repo.js";

const ok = "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: r, priority: 1 }\nspec: { tenant: t, enforcement: { deny_on: [sast_failed] } }\n";

describe("yaml-syntax", () => {
  it("reports an unclosed flow mapping with its position", () => {
    const f = lint({ "policies/a.yaml": "a: {b: 1\nc: 2\n" }, "yaml-syntax");
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]!.file).toBe("policies/a.yaml");
    expect(f[0]!.line).toBeGreaterThanOrEqual(1);
  });
  it("passes valid YAML", () => expect(lint({ "policies/a.yaml": ok }, "yaml-syntax")).toEqual([]));
});

describe("duplicate-key", () => {
  it("points at the second key", () => {
    const f = lint({ "policies/a.yaml": ok + "kind: AccessPolicy\n" }, "duplicate-key");
    expect(at(f)).toEqual(["policies/a.yaml:5:1"]);
    expect(f[0]!.message).toBe('duplicate key "kind"');
  });
  it("passes unique keys", () => expect(lint({ "policies/a.yaml": ok }, "duplicate-key")).toEqual([]));
});

describe("multi-document-file", () => {
  it("points at the second document", () => {
    const f = lint({ "policies/a.yaml": ok + "---\n" + ok }, "multi-document-file");
    expect(f).toHaveLength(1);
    expect(f[0]!.line).toBe(5);
  });
  it("allows a leading document marker", () => expect(lint({ "policies/a.yaml": "---\n" + ok }, "multi-document-file")).toEqual([]));
});

describe("unsafe-key", () => {
  it("reports __proto__ and drops it", () => {
    const f = lint({ "policies/a.yaml": ok.replace("tenant: t", "tenant: t, __proto__: { polluted: true }") }, "unsafe-key");
    expect(at(f)).toEqual(["policies/a.yaml:4:20"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it("reports constructor keys", () => expect(lint({ "policies/a.yaml": ok + "constructor: 1\n" }, "unsafe-key")).toHaveLength(1));
  it("passes ordinary keys", () => expect(lint({ "policies/a.yaml": ok }, "unsafe-key")).toEqual([]));
});

describe("alias-limit", () => {
  it("stops a billion-laughs document", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const f = lint({ "policies/a.yaml": levels.join("\n") + "\n" }, "alias-limit");
    expect(f).toHaveLength(1);
  });
  it("allows a few aliases", () => expect(lint({ "policies/a.yaml": "a: &x [1]\nb: *x\n" }, "alias-limit")).toEqual([]));
});

describe("file-too-large", () => {
  it("refuses files over 1 MiB", () => {
    const f = lint({ "policies/a.yaml": "# " + "x".repeat(1024 * 1024) + "\n" }, "file-too-large");
    expect(at(f)).toEqual(["policies/a.yaml:1:1"]);
  });
  it("accepts normal files", () => expect(lint({ "policies/a.yaml": ok }, "file-too-large")).toEqual([]));
});

describe("invalid-encoding", () => {
  it("names the bad byte's position", () => {
    const bytes = new Uint8Array([...Buffer.from("a: 1\nb: x"), 0xff, 0x0a]);
    const f = lint({ "policies/a.yaml": bytes }, "invalid-encoding");
    expect(at(f)).toEqual(["policies/a.yaml:2:5"]);
    expect(f[0]!.message).toContain("0xff");
  });
  it("accepts UTF-8 with non-ASCII text", () => expect(lint({ "policies/a.yaml": Buffer.from(ok + "# é ü 漢字\n") }, "invalid-encoding")).toEqual([]));
});

describe("byte-order-mark", () => {
  it("reports a BOM as info and still reads the file", () => {
    const f = lint({ "policies/a.yaml": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ok)]) });
    expect(f.map((x) => `${x.rule}:${x.severity}`)).toEqual(["byte-order-mark:info"]);
  });
  it("passes files without BOM", () => expect(lint({ "policies/a.yaml": ok }, "byte-order-mark")).toEqual([]));
});

describe("empty-file", () => {
  it("reports an empty policy file", () => expect(at(lint({ "policies/a.yaml": "\n\n" }, "empty-file"))).toEqual(["policies/a.yaml:1:1"]));
  it("reports a comment-only file", () => expect(lint({ "policies/a.yaml": "# nothing\n" }, "empty-file")).toHaveLength(1));
  it("passes a document", () => expect(lint({ "policies/a.yaml": ok }, "empty-file")).toEqual([]));
});

describe("non-string-key", () => {
  it("reports a mapping used as a key", () => expect(lint({ "policies/a.yaml": ok + "? [a, b]\n: 1\n" }, "non-string-key")).toHaveLength(1));
  it("passes plain keys", () => expect(lint({ "policies/a.yaml": ok }, "non-string-key")).toEqual([]));
});

describe("CRLF files", () => {
  it("report the same positions as LF files", () => {
    const text = ok.replace("tenant: t", "tenant: 5");
    const lf = lint({ "policies/a.yaml": text });
    const crlf = lint({ "policies/a.yaml": text.replace(/\n/g, "\r\n") });
    expect(at(crlf)).toEqual(at(lf));
    expect(at(lf)).toEqual(["policies/a.yaml:4:17"]);
  });
});
