/**
 * IPv4 and IPv6 addresses and CIDR ranges for `IpAddress` / `NotIpAddress` (SPEC §2.1),
 * written by hand on 32-bit words so the loader needs no dependency.
 *
 * Every address is held as 128 bits (four big-endian 32-bit words); an IPv4 address is held in
 * its IPv4-mapped form `::ffff:a.b.c.d`. An IPv4 range therefore contains both `10.1.2.3` and
 * `::ffff:10.1.2.3`, while an IPv6 range only contains addresses written as IPv6 (so `::/0` does
 * not silently cover every IPv4 client).
 */

export type IpFamily = 4 | 6;
export type Words = readonly [number, number, number, number];

export interface IpAddress {
  /** How the address was written. */
  readonly family: IpFamily;
  /** 128-bit value, big-endian words; IPv4 as `::ffff:a.b.c.d`. */
  readonly words: Words;
}

export interface CidrRange {
  readonly family: IpFamily;
  /** Prefix length in the family's own terms: 0..32 for IPv4, 0..128 for IPv6. */
  readonly prefix: number;
  /** Network address with host bits cleared (128-bit form). */
  readonly network: Words;
  /** 128-bit mask (an IPv4 /n is a 128-bit /(96 + n)). */
  readonly mask: Words;
}

const MAPPED_PREFIX = 0xffff;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): number | undefined {
  // by hand rather than split + RegExp: the loader parses a request's source IP on every decision
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a virtual "." ends the last part
    if (c === 46) {
      if (digits === 0 || parts === 4) return undefined;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // leading zeros are refused: "010" is octal to some parsers and decimal to others
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? value : undefined;
}

/** Hextets of one side of `::`; an embedded IPv4 tail counts as two. */
function parseHextets(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (HEXTET.test(part)) {
      out.push(parseInt(part, 16));
    } else if (allowIpv4Tail && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      out.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    } else {
      return undefined;
    }
  }
  return out;
}

function parseIpv6(text: string): Words | undefined {
  const gap = text.indexOf("::");
  let groups: number[];
  if (gap >= 0) {
    if (text.indexOf("::", gap + 1) >= 0) return undefined;
    const head = parseHextets(text.slice(0, gap), false);
    const tail = parseHextets(text.slice(gap + 2), true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseHextets(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  const g = (i: number): number => groups[i] ?? 0;
  return [
    (g(0) * 0x10000 + g(1)) >>> 0,
    (g(2) * 0x10000 + g(3)) >>> 0,
    (g(4) * 0x10000 + g(5)) >>> 0,
    (g(6) * 0x10000 + g(7)) >>> 0,
  ];
}

/** Parses a bare IPv4 or IPv6 address (no prefix, no zone id, no brackets); undefined when invalid. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const words = parseIpv6(text);
    return words === undefined ? undefined : { family: 6, words };
  }
  const v4 = parseIpv4(text);
  return v4 === undefined ? undefined : { family: 4, words: [0, 0, MAPPED_PREFIX, v4] };
}

function maskWord(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIp(addressText);
  if (address === undefined) return undefined;
  const max = address.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!PREFIX.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > max) return undefined;
  }
  const bits = address.family === 4 ? prefix + 96 : prefix;
  const mask: Words = [maskWord(bits), maskWord(bits - 32), maskWord(bits - 64), maskWord(bits - 96)];
  const w = address.words;
  const network: Words = [
    (w[0] & mask[0]) >>> 0,
    (w[1] & mask[1]) >>> 0,
    (w[2] & mask[2]) >>> 0,
    (w[3] & mask[3]) >>> 0,
  ];
  return { family: address.family, prefix, network, mask };
}

/** Whether the range contains the address; an unparseable address string is never contained. */
export function cidrContains(range: CidrRange, ip: IpAddress | string): boolean {
  const address = typeof ip === "string" ? parseIp(ip) : ip;
  if (address === undefined) return false;
  if (range.family === 6 && address.family !== 6) return false;
  const a = address.words;
  const m = range.mask;
  const n = range.network;
  return (
    ((a[3] & m[3]) >>> 0) === n[3] &&
    ((a[2] & m[2]) >>> 0) === n[2] &&
    ((a[1] & m[1]) >>> 0) === n[1] &&
    ((a[0] & m[0]) >>> 0) === n[0]
  );
}

/** undefined when `text` is an IP address or CIDR, otherwise a short message. */
export function validateCidr(text: string): string | undefined {
  if (parseCidr(text) !== undefined) return undefined;
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIp(addressText);
  if (address === undefined) {
    return `"${text}" is not an IP address or CIDR: expected a.b.c.d[/n] or an IPv6 address[/n]`;
  }
  const max = address.family === 4 ? 32 : 128;
  return `"${text}" has an invalid prefix length: expected 0..${max}`;
}
