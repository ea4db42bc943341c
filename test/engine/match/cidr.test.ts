import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cidrContains, parseCidr, parseIp, validateCidr } from "../../../src/engine/match/index.js";
import { parseIpv4 } from "../../../src/engine/match/cidr.js";
import type { CidrRange } from "../../../src/engine/match/index.js";

function range(text: string): CidrRange {
  const r = parseCidr(text);
  if (r === undefined) throw new Error(`test setup: ${text} should parse`);
  return r;
}

describe("parseIp", () => {
  it("parses IPv4 into the mapped 128-bit form", () => {
    expect(parseIp("10.1.2.3")).toEqual({ family: 4, words: [0, 0, 0xffff, 0x0a010203] });
    expect(parseIp("255.255.255.255")).toEqual({ family: 4, words: [0, 0, 0xffff, 0xffffffff] });
    expect(parseIp("0.0.0.0")).toEqual({ family: 4, words: [0, 0, 0xffff, 0] });
  });
  it("parses IPv6 forms", () => {
    expect(parseIp("::")).toEqual({ family: 6, words: [0, 0, 0, 0] });
    expect(parseIp("::1")).toEqual({ family: 6, words: [0, 0, 0, 1] });
    expect(parseIp("2001:db8::")).toEqual({ family: 6, words: [0x20010db8, 0, 0, 0] });
    expect(parseIp("2001:DB8:0:0:1:0:0:1")).toEqual({ family: 6, words: [0x20010db8, 0, 0x00010000, 1] });
    expect(parseIp("fe80::1:2")).toEqual({ family: 6, words: [0xfe800000, 0, 0, 0x00010002] });
    expect(parseIp("1:2:3:4:5:6:7::")).toEqual({ family: 6, words: [0x00010002, 0x00030004, 0x00050006, 0x00070000] });
    expect(parseIp("::ffff:10.1.2.3")).toEqual({ family: 6, words: [0, 0, 0xffff, 0x0a010203] });
    expect(parseIp("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")?.words).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });
  it.each([
    "",
    "10.1.2",
    "10.1.2.3.4",
    "256.1.1.1",
    "10.01.2.3",
    "10.1.2.-3",
    "10.1.2.3 ",
    " 10.1.2.3",
    "1.2.3.4/8",
    "a.b.c.d",
    ":::",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "1::2:3:4:5:6:7:8",
    "12345::",
    "g::1",
    ":1::",
    "1::2:",
    "fe80::1%eth0",
    "[::1]",
    "1.2.3.4::",
    "::ffff:10.1.2.256",
    "::ffff:10.1.2",
  ])("rejects %j", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe("parseCidr / cidrContains", () => {
  it("IPv4 range edges", () => {
    const r = range("10.0.0.0/8");
    expect(r.prefix).toBe(8);
    expect(cidrContains(r, "10.0.0.0")).toBe(true);
    expect(cidrContains(r, "10.255.255.255")).toBe(true);
    expect(cidrContains(r, "9.255.255.255")).toBe(false);
    expect(cidrContains(r, "11.0.0.0")).toBe(false);
    const r24 = range("192.168.1.0/24");
    expect(cidrContains(r24, "192.168.1.255")).toBe(true);
    expect(cidrContains(r24, "192.168.2.0")).toBe(false);
    const r31 = range("192.168.1.2/31");
    expect(cidrContains(r31, "192.168.1.3")).toBe(true);
    expect(cidrContains(r31, "192.168.1.4")).toBe(false);
  });
  it("/0 and /32", () => {
    const all = range("0.0.0.0/0");
    expect(cidrContains(all, "0.0.0.0")).toBe(true);
    expect(cidrContains(all, "255.255.255.255")).toBe(true);
    expect(cidrContains(all, "2001:db8::1")).toBe(false);
    const one = range("10.1.2.3/32");
    expect(cidrContains(one, "10.1.2.3")).toBe(true);
    expect(cidrContains(one, "10.1.2.4")).toBe(false);
    expect(range("10.1.2.3")).toEqual(one);
  });
  it("clears host bits", () => {
    expect(range("10.1.2.3/8")).toEqual(range("10.0.0.0/8"));
    expect(cidrContains(range("10.1.2.3/8"), "10.200.0.1")).toBe(true);
  });
  it("IPv6 range edges, /0 and /128", () => {
    const r = range("2001:db8::/32");
    expect(cidrContains(r, "2001:db8::")).toBe(true);
    expect(cidrContains(r, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(true);
    expect(cidrContains(r, "2001:db9::")).toBe(false);
    expect(cidrContains(r, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(false);
    const r65 = range("2001:db8:0:0:8000::/65");
    expect(cidrContains(r65, "2001:db8::8000:0:0:1")).toBe(true);
    expect(cidrContains(r65, "2001:db8::7fff:0:0:1")).toBe(false);
    const all = range("::/0");
    expect(cidrContains(all, "::")).toBe(true);
    expect(cidrContains(all, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(true);
    expect(cidrContains(all, "10.1.2.3")).toBe(false);
    const one = range("::1/128");
    expect(cidrContains(one, "::1")).toBe(true);
    expect(cidrContains(one, "::2")).toBe(false);
    expect(range("::1")).toEqual(one);
  });
  it("IPv4-mapped IPv6 addresses match IPv4 ranges", () => {
    const r = range("10.0.0.0/8");
    expect(cidrContains(r, "::ffff:10.1.2.3")).toBe(true);
    expect(cidrContains(r, "::ffff:a01:203")).toBe(true);
    expect(cidrContains(r, "::ffff:11.1.2.3")).toBe(false);
    // the same low 32 bits outside ::ffff:0:0/96 are not IPv4
    expect(cidrContains(r, "::10.1.2.3")).toBe(false);
    expect(cidrContains(r, "2001:db8::a01:203")).toBe(false);
    expect(cidrContains(range("0.0.0.0/0"), "::ffff:1.2.3.4")).toBe(true);
  });
  it("accepts a parsed address and refuses unparseable ones", () => {
    const r = range("10.0.0.0/8");
    const ip = parseIp("10.9.9.9");
    expect(ip).toBeDefined();
    expect(cidrContains(r, ip!)).toBe(true);
    expect(cidrContains(r, "not-an-ip")).toBe(false);
    expect(cidrContains(r, "10.0.0.0/8")).toBe(false);
  });
  it.each(["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/8/8", "::/129", "::/1.5", "10.0.0/8", "", "/8", "x/8"])(
    "rejects %j",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe("validateCidr", () => {
  it("accepts addresses and ranges", () => {
    for (const t of ["10.0.0.0/8", "10.1.2.3", "2001:db8::/32", "::1", "::ffff:10.0.0.0/104"]) {
      expect(validateCidr(t)).toBeUndefined();
    }
  });
  it("explains what is wrong", () => {
    expect(validateCidr("10.0.0.0/33")).toMatch(/prefix length.*0\.\.32/);
    expect(validateCidr("::/200")).toMatch(/prefix length.*0\.\.128/);
    expect(validateCidr("10.0.0.256")).toMatch(/not an IP address or CIDR/);
    expect(validateCidr("bad/8")).toMatch(/not an IP address or CIDR/);
  });
});

describe("parseIpv4", () => {
  /** The dotted quad by the grammar: four decimal parts 0-255 without leading zeros. */
  const reference = (text: string): number | undefined => {
    const parts = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text)?.slice(1).map(Number);
    return parts === undefined || parts.some((p) => p > 255) ? undefined : parts.reduce((value, part) => value * 256 + part, 0);
  };

  it("agrees with the grammar on near-addresses", () => {
    const part = fc.oneof(fc.nat(300).map(String), fc.constantFrom("", "0", "00", "01", "255", "256", "1a", " 1", "-1", "+1", "1e2", "٣"));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), fc.constantFrom(".", ".", ".", ":", ".."), (parts, dot) => {
        const text = parts.join(dot);
        expect(parseIpv4(text)).toBe(reference(text));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 18 }), (text) => {
        expect(parseIpv4(text)).toBe(reference(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it("reads the top bit as part of an unsigned address", () => {
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    expect(parseIpv4("128.0.0.1")).toBe(0x80000001);
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(parseIpv4("1.2.3.4.")).toBeUndefined();
    expect(parseIpv4(".1.2.3")).toBeUndefined();
  });
});
