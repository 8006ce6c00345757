// CIDR ranges on ipaddr.js: strict parsing (dotted-quad IPv4, IPv6 without a zone), canonical
// forms, containment, and the division of a VPC range into subnets. Everything that reads or
// compares an address range goes through here.
import ipaddr from "ipaddr.js";

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The address as written (host bits possibly set). */
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

const SHAPE = /^([^/]+)\/(\d{1,3})$/;
const BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

/** The family of an address written the way AWS accepts it, or undefined. */
export function addressFamily(text: string): Family | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return 4;
  // A zone ("%eth0") names an interface, not a range AWS could take.
  if (!text.includes("%") && ipaddr.IPv6.isValid(text)) return 6;
  return undefined;
}

/** Parses `a.b.c.d/n` or `x:…/n` (prefix in range), or undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const m = SHAPE.exec(text);
  const family = m ? addressFamily(m[1]) : undefined;
  if (!m || family === undefined) return undefined;
  const prefix = Number(m[2]);
  if (prefix > BITS[family]) return undefined;
  return { family, address: ipaddr.parse(m[1]), prefix };
}

/** An address in canonical text: dotted quad, or RFC 5952 for IPv6. */
function canonical(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  return a.kind() === "ipv6" ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

/** The range's first address, in canonical text. */
function networkText(c: Cidr): string {
  const text = `${c.address.toString()}/${c.prefix}`;
  return canonical(
    c.family === 4
      ? ipaddr.IPv4.networkAddressFromCIDR(text)
      : ipaddr.IPv6.networkAddressFromCIDR(text),
  );
}

/** Why `cidr` is not a range AWS accepts, in words naming the fix; undefined when it is. */
export function cidrProblem(cidr: string): string | undefined {
  const m = SHAPE.exec(cidr);
  if (!m) return `"${cidr}" is not a CIDR like 203.0.113.0/24`;
  const family = addressFamily(m[1]);
  if (family === undefined) return `"${cidr}" has an invalid address`;
  if (Number(m[2]) > BITS[family]) return `"${cidr}" has an invalid prefix length`;
  const c = parseCidr(cidr)!;
  // IPv6 host bits are left to AWS, which refuses them itself.
  if (family === 4 && networkText(c) !== m[1]) {
    return `"${cidr}" has host bits set; did you mean ${networkText(c)}/${c.prefix}?`;
  }
  return undefined;
}

/** `0.0.0.0/0`, `::/0` (any /0): every address of its family. */
export function isWorldCidr(cidr: string): boolean {
  return parseCidr(cidr)?.prefix === 0;
}

/** The family of a valid CIDR (4 for anything else, the provider's default field). */
export function cidrFamily(cidr: string): Family {
  return parseCidr(cidr)?.family ?? 4;
}

/**
 * A stable, name-safe form of a CIDR for resource names: `203.0.113.0/24` → `203-0-113-0-24`,
 * `2001:DB8:0::/32` → `2001-db8---32` (IPv6 in its RFC 5952 form first, so two spellings of one
 * range get one name). Distinct ranges never share a key: an IPv4 key has five numeric parts, an
 * IPv6 key either an empty part (`::`) or nine parts. Throws for anything but a CIDR.
 */
export function cidrKey(cidr: string): string {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`not a CIDR: ${JSON.stringify(cidr)}`);
  return `${canonical(c.address)}-${c.prefix}`.replace(c.family === 4 ? /\./g : /:/g, "-");
}

/** Whether `inner` lies entirely inside `outer` (same family, at least as long a prefix). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.family !== i.family || i.prefix < o.prefix) return false;
  return i.address.match(o.address, o.prefix);
}

/** An address as an unsigned integer, from ipaddr.js's byte form. */
function toBigInt(a: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function fromBigInt(n: bigint, family: Family): ipaddr.IPv4 | ipaddr.IPv6 {
  const length = BITS[family] / 8;
  const bytes = Array.from({ length }, (_, i) =>
    Number((n >> BigInt(8 * (length - 1 - i))) & 0xffn),
  );
  return ipaddr.fromByteArray(bytes);
}

/** A valid CIDR as the half-open interval of addresses it covers; undefined if invalid. */
export function cidrInterval(
  cidr: string,
): { family: Family; start: bigint; end: bigint } | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  const size = 1n << BigInt(BITS[c.family] - c.prefix);
  const start = toBigInt(ipaddr.parse(networkText(c)));
  return { family: c.family, start, end: start + size };
}

/**
 * The first `count` of the 2^`extraBits` equal subnets of `cidr` (`10.20.0.0/16`, 2 → four
 * /18s), in address order. ipaddr.js parses and masks; the subnets' addresses are the network
 * address plus i times their size.
 */
export function subdivide(cidr: string, extraBits: number, count: number): string[] {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`not a CIDR: ${JSON.stringify(cidr)}`);
  const prefix = c.prefix + extraBits;
  if (extraBits < 0 || prefix > BITS[c.family] || count > 2 ** extraBits) {
    throw new Error(`${cidr} has no ${count} subnets of /${prefix}`);
  }
  const { start } = cidrInterval(cidr)!;
  const size = 1n << BigInt(BITS[c.family] - prefix);
  return Array.from({ length: count }, (_, i) => {
    const address = fromBigInt(start + BigInt(i) * size, c.family);
    return `${canonical(address)}/${prefix}`;
  });
}
