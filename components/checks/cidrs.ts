// CIDR checks: syntax, and how much of the internet a set of ranges opens (merged, so
// 0.0.0.0/1 + 128.0.0.0/1 counts as the whole IPv4 internet, and overlaps count once).
import { isIP } from "node:net";

export function cidrProblem(cidr: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return `"${cidr}" is not a CIDR like 203.0.113.0/24`;
  const family = isIP(m[1]);
  const prefix = Number(m[2]);
  if (family === 0) return `"${cidr}" has an invalid address`;
  if (prefix > (family === 4 ? 32 : 128)) return `"${cidr}" has an invalid prefix length`;
  if (family === 4) {
    const n = m[1].split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const hostBits = prefix === 0 ? n : n % 2 ** (32 - prefix);
    if (hostBits !== 0) {
      const base = n - hostBits;
      const dotted = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".");
      return `"${cidr}" has host bits set; did you mean ${dotted}/${prefix}?`;
    }
  }
  return undefined;
}

export function isWorldCidr(cidr: string): boolean {
  const [addr, prefix] = cidr.split("/");
  return isIP(addr) !== 0 && Number(prefix) === 0;
}

type Range = [start: bigint, end: bigint]; // [start, end)

const BITS = { 4: 32n, 6: 128n } as const;

function ipv6ToBigInt(addr: string): bigint {
  let text = addr;
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || "0", 16)), 0n);
}

function ipv4ToBigInt(addr: string): bigint {
  return addr.split(".").reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
}

/** A valid CIDR as an address range of its family; undefined for anything invalid. */
function toRange(cidr: string): { family: 4 | 6; range: Range } | undefined {
  if (cidrProblem(cidr) !== undefined) return undefined;
  const [addr, p] = cidr.split("/");
  const family = isIP(addr) as 4 | 6;
  const bits = BITS[family];
  const size = 1n << (bits - BigInt(Number(p)));
  const n = family === 4 ? ipv4ToBigInt(addr) : ipv6ToBigInt(addr);
  const start = n - (n % size); // IPv6 host bits are ignored, as AWS does not accept them anyway
  return { family, range: [start, start + size] };
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
  const count = (family: 4 | 6, list: readonly string[]) =>
    merge(
      list
        .map(toRange)
        .filter((r) => r?.family === family)
        .map((r) => r!.range),
    );
  const out = { 4: 0n, 6: 0n };
  for (const family of [4, 6] as const) {
    const covered = count(family, cidrs);
    out[family] = size(covered) - size(intersect(covered, count(family, NOT_INTERNET)));
  }
  return out;
}

/** Whether the ranges together cover every IPv4 address (not only the public ones). */
export function coversAllIpv4(cidrs: readonly string[]): boolean {
  const ranges = merge(
    cidrs
      .map(toRange)
      .filter((r) => r?.family === 4)
      .map((r) => r!.range),
  );
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
