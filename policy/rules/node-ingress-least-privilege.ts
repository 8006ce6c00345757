// The servers' security group: which source may reach which port. The ports come from the
// program's one list (components/ports.ts: pure data, RKE2's requirements).
import {
  HTTP_PORT,
  HTTPS_PORT,
  KUBE_API_PORT,
  NODE_TO_NODE_RULES,
  type PortRange,
  SSH_PORT,
  SUPERVISOR_PORT,
} from "../../components/ports";
import {
  attachedGroupKeys,
  ingressGroupKeys,
  ingressPermissions,
  isWorldCidr,
  type IngressPermission,
  type IngressSource,
} from "./permissions";
import {
  INGRESS_TYPES,
  LOAD_BALANCERS,
  type PolicyResourceShape,
  type Rule,
  type StackFinding,
  TYPES,
} from "./types";

/** A protocol and an inclusive port range. */
export type PortSpec = PortRange;

const tcp = (port: number): PortSpec => ({ protocol: "tcp", fromPort: port, toPort: port });

/**
 * RKE2's node-to-node ports: the program's list but 6443 and 9345, which load balancers reach
 * too (ruled separately below).
 */
export const NODE_TO_NODE_PORTS: readonly PortSpec[] = NODE_TO_NODE_RULES.filter(
  (r) => r.fromPort !== KUBE_API_PORT && r.fromPort !== SUPERVISOR_PORT,
).map(({ protocol, fromPort, toPort }) => ({ protocol, fromPort, toPort }));

/** A source relative to the servers' group and the load balancers' groups. */
export type SourceKind =
  "self" | "load-balancer" | "other-group" | "cidr" | "world" | "prefix-list";

function sourceKind(
  source: IngressSource,
  serverGroups: ReadonlySet<string>,
  lbGroups: ReadonlySet<string>,
): SourceKind {
  switch (source.kind) {
    case "self":
      return "self";
    case "cidr":
      return isWorldCidr(source.cidr) ? "world" : "cidr";
    case "prefix-list":
      return "prefix-list";
    case "group":
      if (source.keys.some((k) => serverGroups.has(k))) return "self";
      if (source.keys.some((k) => lbGroups.has(k))) return "load-balancer";
      return "other-group";
  }
}

function describeSource(source: IngressSource, kind: SourceKind): string {
  if (kind === "self") return "the servers' own group";
  switch (source.kind) {
    case "cidr":
      return source.cidr;
    case "prefix-list":
      return `prefix list ${source.id}`;
    case "group":
      return kind === "load-balancer"
        ? `load balancer group ${source.label}`
        : `security group ${source.label}`;
    default:
      return "the servers' own group";
  }
}

/** Who may reach one set of the servers' ports. */
export interface ServerPorts {
  ports: readonly PortSpec[];
  allowed: readonly SourceKind[];
  requirement: string;
}

/**
 * The servers' ports and their allowed sources. A prefix list counts as admin networks where
 * CIDRs are allowed (its entries are not visible here) and as a CIDR where they are not.
 */
export const SERVER_PORTS: readonly ServerPorts[] = [
  {
    ports: [tcp(HTTP_PORT), tcp(HTTPS_PORT)],
    allowed: ["load-balancer"],
    requirement:
      "80 and 443 on the servers may only be opened to a load balancer's security group, " +
      "never to a CIDR",
  },
  {
    ports: NODE_TO_NODE_PORTS,
    allowed: ["self"],
    requirement:
      "RKE2's node-to-node ports (kubelet, etcd, NodePorts, Canal VXLAN, WireGuard and health) " +
      "may only be opened to the servers' own group",
  },
  {
    ports: [tcp(KUBE_API_PORT)],
    allowed: ["self", "load-balancer", "cidr", "prefix-list"],
    requirement:
      "6443 on the servers may only be opened to the servers' own group, a load balancer's " +
      "group or admin networks (never the world)",
  },
  {
    ports: [tcp(SUPERVISOR_PORT)],
    allowed: ["self", "load-balancer"],
    requirement:
      "9345 (RKE2 supervisor) on the servers may only be opened to the servers' own group or a " +
      "load balancer's group",
  },
  {
    ports: [tcp(SSH_PORT)],
    // Only CIDRs are judged here: a group source for SSH is left alone.
    allowed: ["self", "load-balancer", "other-group", "cidr", "prefix-list"],
    requirement: "22 (SSH) on the servers may only be opened to admin networks, never the world",
  },
];

/** The part of `spec` a permission opens, if any. */
function overlap(p: IngressPermission, spec: PortSpec): PortSpec | undefined {
  if (p.protocol !== "all" && p.protocol !== spec.protocol) return undefined;
  const fromPort = Math.max(p.fromPort, spec.fromPort);
  const toPort = Math.min(p.toPort, spec.toPort);
  return fromPort <= toPort ? { protocol: spec.protocol, fromPort, toPort } : undefined;
}

function describePorts(specs: readonly PortSpec[]): string {
  return specs
    .map((s) => {
      const ports = s.fromPort === s.toPort ? `${s.fromPort}` : `${s.fromPort}-${s.toPort}`;
      return `${s.protocol.toUpperCase()} ${ports}`;
    })
    .join(", ");
}

/** Keys (group IDs and URNs) of every security group attached to an EC2 instance. */
function serverGroupKeys(resources: readonly PolicyResourceShape[]): Set<string> {
  const keys = new Set<string>();
  for (const r of resources) {
    if (r.type === TYPES.instance) attachedGroupKeys(r, "vpcSecurityGroupIds", keys);
  }
  return keys;
}

/** Keys (group IDs and URNs) of every security group attached to any load balancer. */
function loadBalancerGroupKeys(resources: readonly PolicyResourceShape[]): Set<string> {
  const keys = new Set<string>();
  for (const lb of resources) {
    if (LOAD_BALANCERS.includes(lb.type)) attachedGroupKeys(lb, "securityGroups", keys);
  }
  return keys;
}

export const nodeIngressLeastPrivilege: Rule = {
  name: "node-ingress-least-privilege",
  description:
    "The servers' security group (the one their instances use) opens 80/443 only to a load " +
    "balancer's group, RKE2's node-to-node ports only to itself, 6443 only to itself, a load " +
    "balancer's group or non-world CIDRs, 9345 only to itself or a load balancer's group, and " +
    "22 never to the world.",
  enforcementLevel: "mandatory",
  resourceTypes: INGRESS_TYPES,
  validateStack(resources) {
    const serverGroups = serverGroupKeys(resources);
    if (serverGroups.size === 0) return [];
    const lbGroups = loadBalancerGroupKeys(resources);
    const findings: StackFinding[] = [];
    for (const r of resources) {
      if (!INGRESS_TYPES.includes(r.type)) continue;
      // A group not known yet (a preview) or another group: not this rule's business.
      if (!ingressGroupKeys(r).some((k) => serverGroups.has(k))) continue;
      for (const p of ingressPermissions(r)) {
        const kind = sourceKind(p.source, serverGroups, lbGroups);
        for (const { ports, allowed, requirement } of SERVER_PORTS) {
          if (allowed.includes(kind)) continue;
          const opened = ports.flatMap((spec) => overlap(p, spec) ?? []);
          if (opened.length === 0) continue;
          findings.push({
            resource: r,
            message:
              `${p.where}opens ${describePorts(opened)} on the servers' security group to ` +
              `${describeSource(p.source, kind)}: ${requirement}`,
          });
        }
      }
    }
    return findings;
  },
};
