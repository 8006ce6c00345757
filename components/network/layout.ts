// The new VPC's address plan, as pure functions: public subnets from the first three quarters of
// the VPC range (as every earlier version laid them out, so existing stacks keep their subnets),
// private subnets from the fourth quarter, one per zone.
import { subdivide } from "../cidr";

/** Split an IPv4 CIDR into four equal parts (/16 → four /18s); the first N become subnets. */
export function subnetCidrs(cidr: string, count: number): string[] {
  return subdivide(cidr, 2, count);
}

/**
 * The private subnets: the fourth quarter of the VPC range (never used by the public subnets,
 * which take at most three quarters) split in four, the first `count` of them: a /16 gives /20s
 * (4,091 usable addresses each), a /24 gives /28s, AWS's smallest subnet.
 */
export function privateSubnetCidrs(cidr: string, count: number): string[] {
  const fourthQuarter = subdivide(cidr, 2, 4)[3];
  return subdivide(fourthQuarter, 2, count);
}

/**
 * Which NAT gateway each zone's private subnet sends its egress to (0-based index into the NAT
 * gateways): `single`, the one in zone 1; `perAz`, its own zone's.
 */
export function natGatewayOf(zoneIndex: number, mode: "single" | "perAz"): number {
  return mode === "perAz" ? zoneIndex : 0;
}
