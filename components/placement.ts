// Where servers and load balancers go, as pure functions over plain subnet data: one subnet per
// availability zone for the load balancers, servers spread over the zones, and what losing a zone
// does to etcd. No Pulumi, no I/O; the config validators and network.ts share them.

/** A new VPC gets a subnet in up to this many zones (more adds cost, not etcd safety for 3). */
export const MAX_AVAILABILITY_ZONES = 3;

export interface ZonedSubnet {
  id: string;
  availabilityZone: string;
}

/** Zones in order of first appearance. */
function zonesOf<T extends ZonedSubnet>(subnets: readonly T[]): Map<string, T[]> {
  const zones = new Map<string, T[]>();
  for (const s of subnets) {
    const list = zones.get(s.availabilityZone) ?? [];
    list.push(s);
    zones.set(s.availabilityZone, list);
  }
  return zones;
}

/**
 * One subnet per zone, for the load balancers (ELBv2 CreateLoadBalancer takes at most one subnet
 * per zone): the first listed in each zone, zones in order of first appearance. Deterministic, and
 * the user decides by the order of `subnetIds`.
 */
export function onePerZone<T extends ZonedSubnet>(subnets: readonly T[]): T[] {
  return [...zonesOf(subnets).values()].map((inZone) => inZone[0]);
}

/**
 * Every subnet, ordered so that servers taken round-robin land in a different zone each time
 * while there is one: the first subnet of each zone, then the second of each, and so on.
 */
export function spreadOverZones<T extends ZonedSubnet>(subnets: readonly T[]): T[] {
  const zones = [...zonesOf(subnets).values()];
  const out: T[] = [];
  for (let round = 0; out.length < subnets.length; round++) {
    for (const inZone of zones) if (round < inZone.length) out.push(inZone[round]);
  }
  return out;
}

/** Server i (0-based) takes subnet i mod n of the spread order. */
export function serverZones(serverCount: number, spread: readonly ZonedSubnet[]): string[] {
  return Array.from({ length: serverCount }, (_, i) => spread[i % spread.length].availabilityZone);
}

/**
 * Why a zone outage would stop the cluster, or undefined when it would not: etcd needs a majority
 * of its members (⌊n/2⌋+1), and a zone holding more than n minus that majority takes quorum
 * with it. `key` names the setting the user would change.
 */
export function zoneLossWarning(key: string, serverAzs: readonly string[]): string | undefined {
  const n = serverAzs.length;
  if (n < 3) return undefined; // 1 server: the sandbox warning already says "no HA"
  const quorum = Math.floor(n / 2) + 1;
  const byZone = new Map<string, number[]>();
  serverAzs.forEach((az, i) => byZone.set(az, [...(byZone.get(az) ?? []), i + 1]));
  const fatal = [...byZone].filter(([, servers]) => n - servers.length < quorum);
  if (fatal.length === 0) return undefined;
  const layout = [...byZone]
    .map(([az, servers]) => `${az}: server${servers.length > 1 ? "s" : ""} ${servers.join(", ")}`)
    .join("; ");
  const losses = fatal
    .map(([az, servers]) => `losing ${az} takes ${servers.length} of the ${n} etcd members`)
    .join(", and ");
  return (
    `${key}: the ${n} servers can only be spread over ${byZone.size} availability zone` +
    `${byZone.size > 1 ? "s" : ""} (${layout}). etcd needs ${quorum} of ${n} members: ${losses}, ` +
    "so the cluster loses quorum (the API stops accepting changes) until that zone is back. " +
    "Use three availability zones for a cluster that survives a zone outage."
  );
}
