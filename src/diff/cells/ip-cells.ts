/**
 * Addresses that separate every cell of a set of CIDR ranges: IpAddress/NotIpAddress
 * results depend only on which ranges contain the address, and containment changes only at a
 * range's first address or just past its last, so the start of every interval between those
 * edges stands for the whole interval.
 *
 * An address written as IPv4 is contained by IPv4 ranges only; one written as IPv6 by IPv6
 * ranges and, inside `::ffff:0:0/96`, by IPv4 ranges too (../../engine/match/cidr.ts). Both
 * spellings are therefore enumerated: IPv4 over the IPv4 edges, IPv6 over every edge.
 */
import { parseCidr } from "../../engine/match/index.js";
import type { CidrRange, Words } from "../../engine/match/index.js";

const V4_MAPPED = 0xffffn << 32n;
const ALL_128 = (1n << 128n) - 1n;

function toBig(w: Words): bigint {
  return (BigInt(w[0]) << 96n) | (BigInt(w[1]) << 64n) | (BigInt(w[2]) << 32n) | BigInt(w[3]);
}

/** First and last address of a range, as 128-bit values. */
export function cidrBounds(range: CidrRange): [bigint, bigint] {
  const network = toBig(range.network);
  const mask = toBig(range.mask);
  return [network, network | (~mask & ALL_128)];
}

export function formatIpv4(n: bigint): string {
  const v = Number(n & 0xffffffffn);
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}

/** RFC 5952 style: lower case, the longest run of zero groups as `::`, mapped IPv4 with a dotted tail. */
export function formatIpv6(n: bigint): string {
  if (n >> 32n === 0xffffn) return `::ffff:${formatIpv4(n)}`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/**
 * One address per interval between the edges of `cidrs` (unparsable ones are skipped: they
 * make every comparison an error, whatever the address), in both spellings.
 */
export function ipCandidates(cidrs: readonly string[]): string[] {
  const ranges = cidrs.map((c) => parseCidr(c)).filter((r): r is CidrRange => r !== undefined);
  const v4Edges = new Set<bigint>([V4_MAPPED]);
  const v6Edges = new Set<bigint>([0n, V4_MAPPED]);
  for (const r of ranges) {
    const [first, last] = cidrBounds(r);
    for (const edge of [first, last + 1n]) {
      if (edge > ALL_128) continue;
      v6Edges.add(edge);
      if (r.family === 4 && edge >> 32n === 0xffffn) v4Edges.add(edge);
    }
  }
  const out: string[] = [];
  for (const e of [...v4Edges].sort((a, b) => (a < b ? -1 : 1))) out.push(formatIpv4(e));
  for (const e of [...v6Edges].sort((a, b) => (a < b ? -1 : 1))) out.push(formatIpv6(e));
  return out;
}
