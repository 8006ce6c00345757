// How much of the internet a set of ranges opens (merged, so 0.0.0.0/1 + 128.0.0.0/1 counts as
// the whole IPv4 internet, and overlaps count once). Parsing is components/cidr.ts's.
import { cidrInterval, cidrProblem, isWorldCidr } from "../../cidr";

type Range = [start: bigint, end: bigint]; // [start, end)

/** The valid ranges of one family as intervals; invalid CIDRs (reported elsewhere) are ignored. */
function intervals(cidrs: readonly string[], family: 4 | 6): Range[] {
  return cidrs.flatMap((c) => {
    const i = cidrProblem(c) === undefined ? cidrInterval(c) : undefined;
    return i?.family === family ? [[i.start, i.end] as Range] : [];
  });
}

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = r[1] > last[1] ? r[1] : last[1];
    else out.push([r[0], r[1]]);
  }
  return out;
}

function size(ranges: Range[]): bigint {
  return ranges.reduce((acc, [s, e]) => acc + (e - s), 0n);
}

function intersect(a: Range[], b: Range[]): Range[] {
  const out: Range[] = [];
  for (const [as, ae] of a) {
    for (const [bs, be] of b) {
      const s = as > bs ? as : bs;
      const e = ae < be ? ae : be;
      if (s < e) out.push([s, e]);
    }
  }
  return out;
}

/** Address space no internet host sends from (RFC 1918, RFC 6598, ULA). */
const NOT_INTERNET = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"];

/** Public (internet) addresses the ranges cover together, per family; invalid CIDRs ignored. */
export function publicAddressCount(cidrs: readonly string[]): { 4: bigint; 6: bigint } {
  const count = (family: 4 | 6, list: readonly string[]) => merge(intervals(list, family));
  const out = { 4: 0n, 6: 0n };
  for (const family of [4, 6] as const) {
    const covered = count(family, cidrs);
    out[family] = size(covered) - size(intersect(covered, count(family, NOT_INTERNET)));
  }
  return out;
}

/** Whether the ranges together cover every IPv4 address (not only the public ones). */
export function coversAllIpv4(cidrs: readonly string[]): boolean {
  const ranges = merge(intervals(cidrs, 4));
  return size(ranges) === 1n << 32n;
}

/**
 * The widest public share admin ranges may open together: a /8 (16,777,216 addresses) of IPv4,
 * a /32 of IPv6 (a whole ISP allocation). Wider is not "our networks" but a slice of the
 * internet, with SSH and the Kubernetes API exposed to it.
 */
export const ADMIN_PUBLIC_LIMIT = { 4: 1n << 24n, 6: 1n << 96n } as const;

/** One problem per family when admin ranges together open more than ADMIN_PUBLIC_LIMIT. */
export function adminBreadthProblems(cidrs: readonly string[]): string[] {
  const counts = publicAddressCount(cidrs.filter((c) => !isWorldCidr(c)));
  const out: string[] = [];
  if (counts[4] > ADMIN_PUBLIC_LIMIT[4]) {
    out.push(
      `together open SSH (22) and the Kubernetes API (6443) to ${counts[4].toLocaleString("en-US")} public IPv4 addresses, more than a /8 (16,777,216): that is a share of the internet, not your networks; list the networks you administer from`,
    );
  }
  if (counts[6] > ADMIN_PUBLIC_LIMIT[6]) {
    out.push(
      "together open SSH (22) and the Kubernetes API (6443) to more public IPv6 space than a /32 (a whole ISP allocation): that is a share of the internet, not your networks; list the networks you administer from",
    );
  }
  return out;
}
