/**
 * IPv4 and IPv6 addresses and CIDR ranges for `IpAddress` / `NotIpAddress`,
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
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

/** A dotted-quad IPv4 address as an unsigned 32-bit number; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  // by hand rather than split + RegExp: the loader parses a request's source IP on every decision
  const length = text.length;
  // "0.0.0.0" to "255.255.255.255"
  if (length < 7 || length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = (value << 8) | octet;
      dots++;
      octet = 0;
      digits = 0;
    } else {
      const digit = c - 48;
      // leading zeros are refused: "010" is octal to some parsers and decimal to others
      if (digit < 0 || digit > 9 || (digits > 0 && octet === 0)) return undefined;
      octet = octet * 10 + digit;
      digits++;
      if (octet > 255) return undefined;
    }
  }
  return digits === 0 || dots !== 3 ? undefined : ((value << 8) | octet) >>> 0;
}

/** Eight hextets; `::` stands for one or more zero groups, an IPv4 tail (`::ffff:10.1.2.3`) for the last two. */
function parseIpv6(text: string): Words | undefined {
  const lastPart = text.lastIndexOf(":") + 1;
  let v4: number | undefined = 0;
  if (text.includes(".", lastPart)) {
    // read as two zero groups, the IPv4 value added to the last word
    v4 = parseIpv4(text.slice(lastPart));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastPart)}0:0`;
  }
  const [groups = [], after, extra] = text.split("::").map((half) => (half === "" ? [] : half.split(":")));
  if (extra !== undefined) return undefined;
  if (after !== undefined) {
    if (groups.length + after.length > 7) return undefined;
    groups.push(...new Array<string>(8 - groups.length - after.length).fill("0"), ...after);
  }
  if (groups.length !== 8 || !groups.every((g) => HEXTET.test(g))) return undefined;
  return toWords((k) => parseInt(groups[2 * k] as string, 16) * 0x10000 + parseInt(groups[2 * k + 1] as string, 16) + (k === 3 ? v4 : 0));
}

type WordIndex = 0 | 1 | 2 | 3;

function toWords(word: (k: WordIndex) => number): Words {
  return [word(0), word(1), word(2), word(3)];
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

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf("/");
  const address = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const max = address.family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(max) : text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!PREFIX.test(prefixText) || prefix > max) return undefined;
  const bits = prefix + 128 - max; // an IPv4 /n is a 128-bit /(96 + n)
  // each word keeps its leading `bits - 32k` bits (none when that is 0 or less, all from 32 up)
  const mask = toWords((k) => (bits <= 32 * k ? 0 : (-1 << (32 - Math.min(bits - 32 * k, 32))) >>> 0));
  const network = toWords((k) => (address.words[k] & mask[k]) >>> 0);
  return { family: address.family, prefix, network, mask };
}

/** Whether the range contains the address; an unparseable address string is never contained. */
export function cidrContains(range: CidrRange, ip: IpAddress | string): boolean {
  const address = typeof ip === "string" ? parseIp(ip) : ip;
  if (address === undefined || (range.family === 6 && address.family !== 6)) return false;
  const { mask, network } = range;
  const words = address.words;
  // the low word first: it is the one that differs between nearby addresses
  for (let k = 3; k >= 0; k--) if (((words[k] as number) & (mask[k] as number)) >>> 0 !== network[k]) return false;
  return true;
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
