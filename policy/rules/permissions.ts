// What a security-group resource permits, in the three shapes AWS resources use
// (aws.vpc.SecurityGroupIngressRule, legacy aws.ec2.SecurityGroupRule, inline ingress on
// aws.ec2.SecurityGroup): protocols, port ranges and sources, and which group they open.
import { TYPES, type PolicyResourceShape } from "./types";
import { field, list, num, str } from "./values";

/** An ingress permission from a world CIDR, in any of the three shapes AWS resources use. */
export interface WorldOpening {
  /** Where in the resource, e.g. "ingress[1]: " (empty for a one-rule resource). */
  where: string;
  /** "all", "tcp", "udp", "icmp", … */
  protocol: string;
  fromPort: number;
  toPort: number;
  source: string;
}

/** 0.0.0.0/0, ::/0 and any other /0. */
export function isWorldCidr(cidr: unknown): cidr is string {
  return typeof cidr === "string" && /\/0+$/.test(cidr.trim());
}

export function normalizeProtocol(p: unknown): string | undefined {
  const s = typeof p === "number" ? String(p) : str(p)?.toLowerCase();
  if (s === undefined) return undefined;
  if (s === "-1" || s === "all") return "all";
  if (s === "6") return "tcp";
  if (s === "17") return "udp";
  if (s === "1") return "icmp";
  if (s === "58") return "icmpv6";
  return s;
}

function openings(
  where: string,
  protocolValue: unknown,
  fromValue: unknown,
  toValue: unknown,
  sources: unknown[],
): WorldOpening[] {
  const world = sources.filter(isWorldCidr);
  if (world.length === 0) return [];
  const range = portRange(protocolValue, fromValue, toValue);
  if (range === undefined) return [];
  return world.map((source) => ({ where, ...range, source }));
}

/**
 * A permission's protocol and port range: "all" covers 0-65535, -1/-1 too. Undefined when the
 * protocol or the ports are unknown (a preview value): nothing can be decided; the update run
 * checks again.
 */
export function portRange(
  protocolValue: unknown,
  fromValue: unknown,
  toValue: unknown,
): { protocol: string; fromPort: number; toPort: number } | undefined {
  const protocol = normalizeProtocol(protocolValue);
  if (protocol === undefined) return undefined;
  if (protocol === "all") return { protocol, fromPort: 0, toPort: 65535 };
  const from = num(fromValue);
  const to = num(toValue) ?? from;
  if (from === undefined || to === undefined) return undefined;
  return from === -1 && to === -1
    ? { protocol, fromPort: 0, toPort: 65535 }
    : { protocol, fromPort: from, toPort: to };
}

/** Every world-open ingress permission a resource declares. */
export function worldOpenings(r: PolicyResourceShape): WorldOpening[] {
  const p = r.props;
  switch (r.type) {
    case TYPES.ingressRule:
      return openings("", p.ipProtocol, p.fromPort, p.toPort, [p.cidrIpv4, p.cidrIpv6]);
    case TYPES.securityGroupRule:
      if (p.type !== "ingress") return [];
      return openings("", p.protocol, p.fromPort, p.toPort, [
        ...list(p.cidrBlocks),
        ...list(p.ipv6CidrBlocks),
      ]);
    case TYPES.securityGroup:
      return list(p.ingress).flatMap((rule, i) =>
        openings(
          `ingress[${i}]: `,
          field(rule, "protocol"),
          field(rule, "fromPort"),
          field(rule, "toPort"),
          [...list(field(rule, "cidrBlocks")), ...list(field(rule, "ipv6CidrBlocks"))],
        ),
      );
    default:
      return [];
  }
}

/** Where an ingress permission comes from, as a resource declares it. */
export type IngressSource =
  | { kind: "cidr"; cidr: string }
  | { kind: "prefix-list"; id: string }
  /** Another group (or the same), by ID and/or by URN (its ID unknown during preview). */
  | { kind: "group"; keys: string[]; label: string }
  /** `self: true`: the rule's own group. */
  | { kind: "self" };

/** One ingress permission: protocol, ports and one source. */
export interface IngressPermission {
  where: string;
  protocol: string;
  fromPort: number;
  toPort: number;
  source: IngressSource;
}

function cidrSources(values: unknown[]): IngressSource[] {
  return values
    .filter((v): v is string => typeof v === "string" && v !== "")
    .map((cidr) => ({ kind: "cidr", cidr }));
}

function prefixListSources(values: unknown[]): IngressSource[] {
  return values
    .filter((v): v is string => typeof v === "string" && v !== "")
    .map((id) => ({ kind: "prefix-list", id }));
}

/** The last URN segment: the resource's name. */
function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * A referenced group. Not set: none. Its ID unknown (preview): known by the URNs it depends on;
 * with none, nothing can be decided and the source is left out.
 */
function groupSource(value: unknown, dependencies: readonly string[] = []): IngressSource[] {
  if (value === undefined || value === null || value === "") return [];
  const id = str(value);
  const keys = [...(id !== undefined ? [id] : []), ...dependencies];
  if (keys.length === 0) return [];
  return [{ kind: "group", keys, label: id ?? urnName(dependencies[0]) }];
}

function permissions(
  where: string,
  protocolValue: unknown,
  fromValue: unknown,
  toValue: unknown,
  sources: IngressSource[],
): IngressPermission[] {
  if (sources.length === 0) return [];
  const range = portRange(protocolValue, fromValue, toValue);
  if (range === undefined) return [];
  return sources.map((source) => ({ where, ...range, source }));
}

/** Every ingress permission a resource declares, from any source, in the three shapes. */
export function ingressPermissions(r: PolicyResourceShape): IngressPermission[] {
  const p = r.props;
  const deps = r.propertyDependencies ?? {};
  switch (r.type) {
    case TYPES.ingressRule:
      return permissions("", p.ipProtocol, p.fromPort, p.toPort, [
        ...cidrSources([p.cidrIpv4, p.cidrIpv6]),
        ...prefixListSources([p.prefixListId]),
        ...groupSource(p.referencedSecurityGroupId, deps.referencedSecurityGroupId),
      ]);
    case TYPES.securityGroupRule:
      if (p.type !== "ingress") return [];
      return permissions("", p.protocol, p.fromPort, p.toPort, [
        ...cidrSources([...list(p.cidrBlocks), ...list(p.ipv6CidrBlocks)]),
        ...prefixListSources(list(p.prefixListIds)),
        ...groupSource(p.sourceSecurityGroupId, deps.sourceSecurityGroupId),
        ...(p.self === true ? [{ kind: "self" } as const] : []),
      ]);
    case TYPES.securityGroup:
      return list(p.ingress).flatMap((rule, i) =>
        permissions(
          `ingress[${i}]: `,
          field(rule, "protocol"),
          field(rule, "fromPort"),
          field(rule, "toPort"),
          [
            ...cidrSources([
              ...list(field(rule, "cidrBlocks")),
              ...list(field(rule, "ipv6CidrBlocks")),
            ]),
            ...prefixListSources(list(field(rule, "prefixListIds"))),
            // Inline references carry no per-element dependencies: known IDs only.
            ...list(field(rule, "securityGroups")).flatMap((id) =>
              typeof id === "string" ? groupSource(id) : [],
            ),
            ...(field(rule, "self") === true ? [{ kind: "self" } as const] : []),
          ],
        ),
      );
    default:
      return [];
  }
}

/** Keys (group IDs and URNs) of the security group an ingress resource adds rules to. */
export function ingressGroupKeys(r: PolicyResourceShape): string[] {
  if (r.type === TYPES.securityGroup) {
    return [r.urn, str(r.props.id)].filter((k): k is string => k !== undefined);
  }
  const id = str(r.props.securityGroupId);
  return [...(id !== undefined ? [id] : []), ...(r.propertyDependencies?.securityGroupId ?? [])];
}

/** Keys (IDs, and URNs from property dependencies) of the groups a resource property lists. */
export function attachedGroupKeys(
  r: PolicyResourceShape,
  property: string,
  keys: Set<string>,
): void {
  for (const id of list(r.props[property])) if (typeof id === "string") keys.add(id);
  for (const urn of r.propertyDependencies?.[property] ?? []) keys.add(urn);
}
