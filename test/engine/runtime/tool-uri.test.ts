import { describe, expect, it } from "vitest";
import { compileHostPattern, compilePathPattern, compileToolPattern, normalizePath, parseToolUri, toHost } from "../../../src/engine/runtime/index.js";

describe("parseToolUri", () => {
  const cases: Array<[string, ReturnType<typeof parseToolUri>]> = [
    ["mcp://vision-mcp/detect@1.2.0", { server: "vision-mcp", tool: "detect", version: "1.2.0" }],
    ["mcp://vision-mcp/detect", { server: "vision-mcp", tool: "detect", version: undefined }],
    ["MCP://S/t@v", { server: "S", tool: "t", version: "v" }],
    ["mcp://s/ns/tool@1", { server: "s", tool: "ns/tool", version: "1" }],
    ["mcp://s/t@", undefined],
    ["mcp://s/@1", undefined],
    ["mcp:///t", undefined],
    ["mcp://s", undefined],
    ["mcp://s/t?@1", undefined],
    ["mcp://s/tööl", undefined],
  ];
  for (const [uri, expected] of cases) it(JSON.stringify(uri), () => expect(parseToolUri(uri)).toEqual(expected));
});

describe("compileToolPattern", () => {
  it("rejects malformed entries", () => {
    for (const e of ["", "mcp://", "mcp://a", "a/b", "mcp://a/b@", "mcp://a/b@1@2"]) expect(compileToolPattern(e), e).toBeUndefined();
  });
  it("wildcards stay inside their part", () => {
    const m = compileToolPattern("mcp://a*/t@1")!;
    expect(m({ server: "ab", tool: "t", version: "1" })).toBe(true);
    expect(m({ server: "a", tool: "x/t", version: "1" })).toBe(false);
  });
});

describe("toHost", () => {
  const cases: Array<[string, string | undefined]> = [
    ["api.example.com", "api.example.com"],
    ["API.Example.COM.", "api.example.com"],
    ["api.example.com:8443", "api.example.com"],
    ["https://api.example.com/x?y", "api.example.com"],
    ["https://user:pw@evil.com/", "evil.com"],
    ["[::1]:443", "[::1]"],
    ["host:port", undefined],
    ["a b", undefined],
    ["", undefined],
    ["https://", undefined],
    ["[::1]", "[::1]"],
    ["[]", "[]"],
    ["[::1", undefined],
    ["[::1]x", undefined],
    ["[::1]:", undefined],
    ["[a]]", undefined],
    ["::1", "::1"],
    ["a:b:80", "a:b:80"],
    ["a[b:80", "a[b"],
    ["[a:80", undefined],
    [":80", undefined],
    ["a:", undefined],
    [" Api.Example.com:8443 ", "api.example.com"],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => expect(toHost(input)).toBe(expected));
  it("host patterns are case-insensitive; * crosses dots", () => {
    const p = compileHostPattern("*.Example.com");
    expect(p("a.b.example.com")).toBe(true);
    expect(p("example.com")).toBe(false);
  });
});

describe("normalizePath and path patterns", () => {
  const cases: Array<[string, string | undefined]> = [
    ["/tmp/a/../b", "/tmp/b"],
    ["/tmp//a/./b/", "/tmp/a/b"],
    ["/../../etc", "/etc"],
    ["a/../../b", "../b"],
    ["./", "."],
    ["", undefined],
    ["/a\0b", undefined],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => expect(normalizePath(input)).toBe(expected));

  const patterns: Array<[string, string, boolean]> = [
    ["/tmp/sec0-*", "/tmp/sec0-a", true],
    ["/tmp/sec0-*", "/tmp/sec0-a/b/c", true],
    ["/tmp/sec0-*", "/tmp/sec0", false],
    ["/tmp/sec0-*", "/tmp/x/sec0-a", false],
    ["/data/**/out", "/data/a/b/out", true],
    ["/data/*/out", "/data/a/b/out", false],
    ["/data/?", "/data/a", true],
    ["/data/?", "/data/ab", false],
    ["/srv/app/", "/srv/app/config.yaml", true],
    ["/srv/app", "/srv/application", false],
    ["/", "/anything", true],
    ["/a.b", "/aXb", false],
  ];
  for (const [pattern, p, expected] of patterns) {
    it(`${pattern} ${expected ? "covers" : "does not cover"} ${p}`, () => expect(compilePathPattern(pattern)(p)).toBe(expected));
  }
});
