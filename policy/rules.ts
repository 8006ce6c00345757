// The rancher-ha policies as pure functions over plain resource shapes.
//
// Nothing here imports Pulumi: the same rules run inside the policy engine (policy/policies.ts
// adapts the engine's arguments) and over the offline plan (policy/offline.ts), and tests call
// them directly. A rule returns violation messages; it never throws on odd input. The ports
// come from the program's one list (components/ports.ts: pure data, RKE2's requirements).
import {
  HTTP_PORT,
  HTTPS_PORT,
  KUBE_API_PORT,
  NODE_TO_NODE_RULES,
  PATH_MTU_ICMP,
  type PortRange,
  SSH_PORT,
  SUPERVISOR_PORT,
} from "../components/ports";

/** A value only known after deployment (the engine's preview unknowns, the plan's placeholders). */
export const UNKNOWN: unique symbol = Symbol.for("rancher-ha.policy.unknown");

/** What every rule looks at: a resource's type, name, inputs (or outputs) and options. */
export interface PolicyResourceShape {
  type: string;
  name: string;
  urn?: string;
  /** Inputs (resource phase) or outputs (stack phase), secrets unwrapped, unknowns as UNKNOWN. */
  props: Record<string, unknown>;
  /** The Pulumi `protect` resource option. */
  protect?: boolean;
  /** The `additionalSecretOutputs` resource option. */
  additionalSecretOutputs?: string[];
  /**
   * Top-level inputs known to be secret. Undefined when the caller cannot tell: the policy
   * engine unwraps secrets before a policy sees them.
   */
  secretProps?: string[];
  /** URNs each property depends on: links rules to groups and groups to load balancers. */
  propertyDependencies?: Record<string, string[]>;
}

/** Options a stack gives the policies (the pack's policy config, or checkPlan's options). */
export interface RuleOptions {
  /** Require deletion protection and Pulumi `protect` on stateful resources. Default false. */
  requireProtection?: boolean;
}

export interface StackFinding {
  resource: PolicyResourceShape;
  message: string;
}

/** The subset of a JSON schema a policy's config is described with (as @pulumi/policy takes it). */
export interface RuleConfigSchema {
  properties: Record<string, { type: "boolean"; default: boolean; description: string }>;
}

export interface Rule {
  name: string;
  description: string;
  enforcementLevel: "mandatory";
  /** Resource types `validate` applies to. */
  resourceTypes: readonly string[];
  /** Per-resource check: messages for one resource of one of `resourceTypes`. */
  validate?: (resource: PolicyResourceShape, options: RuleOptions) => string[];
  /** Whole-stack check, for what needs other resources (which group belongs to which LB). */
  validateStack?: (
    resources: readonly PolicyResourceShape[],
    options: RuleOptions,
  ) => StackFinding[];
  configSchema?: RuleConfigSchema;
}

export const TYPES = {
  instance: "aws:ec2/instance:Instance",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  lbLoadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
  lbListener: "aws:lb/listener:Listener",
  albListener: "aws:alb/listener:Listener",
  certificate: "aws:acm/certificate:Certificate",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  remoteCommand: "command:remote:Command",
  localCommand: "command:local:Command",
} as const;

const LOAD_BALANCERS: readonly string[] = [TYPES.lbLoadBalancer, TYPES.albLoadBalancer];
const LISTENERS: readonly string[] = [TYPES.lbListener, TYPES.albListener];
const INGRESS_TYPES: readonly string[] = [
  TYPES.ingressRule,
  TYPES.securityGroupRule,
  TYPES.securityGroup,
];

// ---------------------------------------------------------------------------------------------
// Value helpers: props are untyped data, possibly holding UNKNOWN.

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function field(v: unknown, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

function show(v: unknown): string {
  if (v === undefined) return "not set";
  if (v === UNKNOWN) return "unknown";
  return JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------
// Security group openings to the world.

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

function normalizeProtocol(p: unknown): string | undefined {
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
function portRange(
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

function describeOpening(o: WorldOpening): string {
  const proto = o.protocol === "all" ? "all traffic" : o.protocol.toUpperCase();
  if (o.protocol === "all") return proto;
  return o.fromPort === o.toPort ? `${proto} ${o.fromPort}` : `${proto} ${o.fromPort}-${o.toPort}`;
}

const WEB_PORTS: readonly number[] = [HTTP_PORT, HTTPS_PORT];

function isWebOpening(o: WorldOpening): boolean {
  return o.protocol === "tcp" && o.fromPort === o.toPort && WEB_PORTS.includes(o.fromPort);
}

/**
 * The ICMP path MTU discovery needs: IPv4 "fragmentation needed" (type 3 code 4) and ICMPv6
 * "packet too big" (type 2; AWS takes the type as fromPort and the code as toPort). An error
 * signal about traffic the group already admits; it opens no port. Allowed wherever 80/443 are.
 */
function isPathMtuOpening(o: WorldOpening): boolean {
  const { 4: v4, 6: v6 } = PATH_MTU_ICMP;
  if (o.protocol === v4.ipProtocol) return o.fromPort === v4.fromPort && o.toPort === v4.toPort;
  if (o.protocol === v6.ipProtocol) {
    return o.fromPort === v6.fromPort && (o.toPort === v6.toPort || o.toPort === -1);
  }
  return false;
}

function coversTcpPort(o: WorldOpening, port: number): boolean {
  return (o.protocol === "all" || o.protocol === "tcp") && o.fromPort <= port && port <= o.toPort;
}

/** Keys (group IDs and URNs) of the security group an ingress resource adds rules to. */
function ingressGroupKeys(r: PolicyResourceShape): string[] {
  if (r.type === TYPES.securityGroup) {
    return [r.urn, str(r.props.id)].filter((k): k is string => k !== undefined);
  }
  const id = str(r.props.securityGroupId);
  return [...(id !== undefined ? [id] : []), ...(r.propertyDependencies?.securityGroupId ?? [])];
}

/** Keys (IDs, and URNs from property dependencies) of the groups a resource property lists. */
function attachedGroupKeys(r: PolicyResourceShape, property: string, keys: Set<string>): void {
  for (const id of list(r.props[property])) if (typeof id === "string") keys.add(id);
  for (const urn of r.propertyDependencies?.[property] ?? []) keys.add(urn);
}

/** Keys (group IDs and URNs) of every security group used by an internet-facing load balancer. */
function publicLoadBalancerGroupKeys(resources: readonly PolicyResourceShape[]): Set<string> {
  const keys = new Set<string>();
  for (const lb of resources) {
    if (!LOAD_BALANCERS.includes(lb.type) || lb.props.internal === true) continue;
    // `internal` unknown: cannot be called public.
    if (lb.props.internal === UNKNOWN) continue;
    attachedGroupKeys(lb, "securityGroups", keys);
  }
  return keys;
}

const noWorldIngressExceptWeb: Rule = {
  name: "no-world-ingress-except-web",
  description:
    "Nothing is open to 0.0.0.0/0 or ::/0 except TCP 80 and 443 (and the ICMP path MTU discovery " +
    "needs: type 3 code 4, ICMPv6 type 2), and those only on the security " +
    "group of an internet-facing load balancer.",
  enforcementLevel: "mandatory",
  resourceTypes: INGRESS_TYPES,
  validate(r) {
    return worldOpenings(r)
      .filter((o) => !isWebOpening(o) && !isPathMtuOpening(o))
      .map(
        (o) =>
          `${o.where}opens ${describeOpening(o)} to ${o.source}: only TCP 80 and 443 may be open ` +
          "to the world, and only on an internet-facing load balancer's security group",
      );
  },
  validateStack(resources) {
    const publicGroups = publicLoadBalancerGroupKeys(resources);
    const findings: StackFinding[] = [];
    for (const r of resources) {
      if (!INGRESS_TYPES.includes(r.type)) continue;
      const web = worldOpenings(r).filter((o) => isWebOpening(o) || isPathMtuOpening(o));
      if (web.length === 0) continue;
      const keys = ingressGroupKeys(r);
      // The group is not known yet (a preview): the update run decides.
      if (keys.length === 0) continue;
      if (keys.some((k) => publicGroups.has(k))) continue;
      for (const o of web) {
        findings.push({
          resource: r,
          message:
            `${o.where}opens ${describeOpening(o)} to ${o.source} on a security group that no ` +
            `internet-facing load balancer uses: ${isWebOpening(o) ? "80/443" : "path MTU ICMP"} ` +
            "may be open to the world only on a public load balancer's group",
        });
      }
    }
    return findings;
  },
};

const ADMIN_PORTS: readonly { port: number; what: string }[] = [
  { port: SSH_PORT, what: "SSH" },
  { port: KUBE_API_PORT, what: "the Kubernetes API" },
];

const adminPortsRestricted: Rule = {
  name: "admin-ports-restricted",
  description: "SSH (22) and the Kubernetes API (6443) are never open to the world.",
  enforcementLevel: "mandatory",
  resourceTypes: INGRESS_TYPES,
  validate(r) {
    const messages: string[] = [];
    for (const o of worldOpenings(r)) {
      for (const { port, what } of ADMIN_PORTS) {
        if (!coversTcpPort(o, port)) continue;
        messages.push(
          `${o.where}opens TCP ${port} (${what}) to ${o.source}: admin ports must be limited to ` +
            "admin networks (adminCidrs)",
        );
      }
    }
    return messages;
  },
};

// ---------------------------------------------------------------------------------------------
// The servers' security group: which source may reach which port.

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

const nodeIngressLeastPrivilege: Rule = {
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

// ---------------------------------------------------------------------------------------------
// Instances.

export const MAX_HOP_LIMIT = 2;

const imdsv2Required: Rule = {
  name: "imdsv2-required",
  description:
    "EC2 instances require IMDSv2 session tokens (metadataOptions.httpTokens = required) with a " +
    `PUT response hop limit of at most ${MAX_HOP_LIMIT}.`,
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  validate(r) {
    const options = r.props.metadataOptions;
    // A disabled metadata endpoint serves neither version.
    if (field(options, "httpEndpoint") === "disabled") return [];
    const messages: string[] = [];
    const tokens = field(options, "httpTokens");
    if (tokens !== "required" && tokens !== UNKNOWN) {
      messages.push(
        `metadataOptions.httpTokens is ${show(tokens)}: set it to "required" so the metadata ` +
          "service only answers IMDSv2 session requests",
      );
    }
    const hops = num(field(options, "httpPutResponseHopLimit"));
    if (hops !== undefined && hops > MAX_HOP_LIMIT) {
      messages.push(
        `metadataOptions.httpPutResponseHopLimit is ${hops}: at most ${MAX_HOP_LIMIT} (this stack ` +
          "uses 1), so containers cannot fetch the instance's credentials",
      );
    }
    return messages;
  },
};

const encryptedRootVolume: Rule = {
  name: "encrypted-root-volume",
  description: "EC2 instances' root and EBS block devices are encrypted.",
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  validate(r) {
    const messages: string[] = [];
    const encrypted = field(r.props.rootBlockDevice, "encrypted");
    if (encrypted !== true && encrypted !== UNKNOWN) {
      messages.push(
        `rootBlockDevice.encrypted is ${show(encrypted)}: the root volume must be encrypted ` +
          "(rootBlockDevice: { encrypted: true })",
      );
    }
    list(r.props.ebsBlockDevices).forEach((device, i) => {
      const enc = field(device, "encrypted");
      if (enc === true || enc === UNKNOWN) return;
      const name = str(field(device, "deviceName"));
      messages.push(
        `ebsBlockDevices[${i}]${name ? ` (${name})` : ""}.encrypted is ${show(enc)}: every EBS ` +
          "volume must be encrypted",
      );
    });
    return messages;
  },
};

/** What user data must never contain. Labels only: a message never repeats the value. */
export const USER_DATA_SECRET_PATTERNS: readonly { label: string; pattern: RegExp }[] = [
  { label: "token (`token:` / `token=`)", pattern: /token["']?\s*[:=]/i },
  { label: "password (`password:` / `password=`)", pattern: /passw(or)?d["']?\s*[:=]/i },
  { label: "Rancher bootstrap password (`bootstrapPassword`)", pattern: /bootstrap-?password/i },
  { label: "private key (`PRIVATE KEY`)", pattern: /PRIVATE KEY/ },
  { label: "AWS secret access key", pattern: /secret_?access_?key/i },
];

function decodeBase64(s: string): string {
  try {
    return Buffer.from(s, "base64").toString("utf8");
  } catch {
    return "";
  }
}

const noSecretsInUserData: Rule = {
  name: "no-secrets-in-user-data",
  description:
    "EC2 user data (stored in clear text, readable through the EC2 API and the metadata service) " +
    "holds no tokens, passwords or private keys; this stack sends none (secrets go over SSH stdin).",
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  validate(r) {
    const messages: string[] = [];
    for (const key of ["userData", "userDataBase64"] as const) {
      const raw = r.props[key];
      if (r.secretProps?.includes(key)) {
        messages.push(
          `${key} is marked secret, but EC2 stores user data in clear text: deliver secrets ` +
            "another way (this stack copies them over SSH)",
        );
      }
      if (typeof raw !== "string" || raw === "") continue;
      const text = key === "userDataBase64" ? decodeBase64(raw) : raw;
      for (const { label, pattern } of USER_DATA_SECRET_PATTERNS) {
        if (!pattern.test(text)) continue;
        messages.push(
          `${key} contains what looks like a ${label}: EC2 stores user data in clear text, so ` +
            "it must carry no secrets",
        );
      }
    }
    return messages;
  },
};

// ---------------------------------------------------------------------------------------------
// Load balancers and listeners.

function isApplicationLb(r: PolicyResourceShape): boolean {
  // The provider's default type is "application".
  const t = r.props.loadBalancerType;
  return t === undefined || t === "application";
}

const albDropsInvalidHeaders: Rule = {
  name: "alb-drops-invalid-headers",
  description:
    "Application load balancers drop HTTP headers with invalid names (dropInvalidHeaderFields), " +
    "so forged variants of X-Forwarded-* never reach the ingress controller.",
  enforcementLevel: "mandatory",
  resourceTypes: LOAD_BALANCERS,
  validate(r) {
    if (!isApplicationLb(r)) return [];
    const drop = r.props.dropInvalidHeaderFields;
    if (drop === true || drop === UNKNOWN) return [];
    return [
      `dropInvalidHeaderFields is ${show(drop)}: an application load balancer must set ` +
        "dropInvalidHeaderFields: true",
    ];
  },
};

/** AWS's recommendation, and this stack's default. */
export const RECOMMENDED_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * ELB policies whose lowest TLS version is 1.2 or 1.3. The name carries the minimum:
 * `TLS13-1-2-…`/`TLS13-1-3-…`, `TLS-1-2-…`, `FS-1-2-…`. `TLS13-1-0-…` and `TLS13-1-1-…` add
 * TLS 1.3 but still accept 1.0/1.1; `2016-08`, `2015-*`, `TLS-1-0-*`, `TLS-1-1-*` and `FS-2018-06`
 * accept 1.0 or 1.1.
 */
export const MODERN_TLS_POLICY_PATTERNS: readonly RegExp[] = [
  /^ELBSecurityPolicy-TLS13-1-[23]-/,
  /^ELBSecurityPolicy-TLS-1-2-/,
  /^ELBSecurityPolicy-FS-1-2-/,
];

export function isModernTlsPolicy(policy: string): boolean {
  return MODERN_TLS_POLICY_PATTERNS.some((re) => re.test(policy));
}

const modernTlsPolicy: Rule = {
  name: "modern-tls-policy",
  description:
    "HTTPS and TLS listeners use a TLS 1.2+ security policy (e.g. " +
    `${RECOMMENDED_TLS_POLICY}); an unset policy means AWS's outdated ELBSecurityPolicy-2016-08.`,
  enforcementLevel: "mandatory",
  resourceTypes: LISTENERS,
  validate(r) {
    const protocol = str(r.props.protocol)?.toUpperCase();
    if (protocol !== "HTTPS" && protocol !== "TLS") return [];
    const policy = r.props.sslPolicy;
    if (policy === UNKNOWN) return [];
    if (typeof policy !== "string" || policy === "") {
      return [
        `${protocol} listener has no sslPolicy: AWS then applies ELBSecurityPolicy-2016-08 ` +
          `(TLS 1.0+); set sslPolicy to ${RECOMMENDED_TLS_POLICY}`,
      ];
    }
    if (isModernTlsPolicy(policy)) return [];
    return [
      `sslPolicy "${policy}" is not a TLS 1.2+ policy (it accepts TLS 1.0/1.1 or is unknown ` +
        `here): use ${RECOMMENDED_TLS_POLICY} or another ELBSecurityPolicy-TLS13-1-2-*`,
    ];
  },
};

// ---------------------------------------------------------------------------------------------
// Protection.

export const RANCHER_RELEASE_NAME = "rancher";

function isRancherRelease(r: PolicyResourceShape): boolean {
  if (r.type !== TYPES.helmRelease) return false;
  const chart = str(r.props.chart);
  return (
    r.props.name === RANCHER_RELEASE_NAME ||
    chart === RANCHER_RELEASE_NAME ||
    (chart?.endsWith(`/${RANCHER_RELEASE_NAME}`) ?? false)
  );
}

const PROTECTED_WHAT: Readonly<Record<string, string>> = {
  [TYPES.instance]: "an RKE2 server instance",
  [TYPES.lbLoadBalancer]: "a load balancer",
  [TYPES.albLoadBalancer]: "a load balancer",
  [TYPES.certificate]: "an ACM certificate",
  [TYPES.helmRelease]: "the Rancher Helm release",
};

const lbDeletionProtectionWhenProtected: Rule = {
  name: "lb-deletion-protection-when-protected",
  description:
    "With requireProtection (policy config, default false): load balancers have " +
    "enableDeletionProtection, and instances, load balancers, ACM certificates and the Rancher " +
    "Helm release carry Pulumi's protect option.",
  enforcementLevel: "mandatory",
  resourceTypes: [
    TYPES.lbLoadBalancer,
    TYPES.albLoadBalancer,
    TYPES.instance,
    TYPES.certificate,
    TYPES.helmRelease,
  ],
  configSchema: {
    properties: {
      requireProtection: {
        type: "boolean",
        default: false,
        description: "The stack is configured with protect: true (rancher-ha:protect).",
      },
    },
  },
  validate(r, options) {
    if (options.requireProtection !== true) return [];
    if (r.type === TYPES.helmRelease && !isRancherRelease(r)) return [];
    const what = PROTECTED_WHAT[r.type] ?? r.type;
    const messages: string[] = [];
    if (LOAD_BALANCERS.includes(r.type)) {
      const enabled = r.props.enableDeletionProtection;
      if (enabled !== true && enabled !== UNKNOWN) {
        messages.push(
          `enableDeletionProtection is ${show(enabled)}: with requireProtection, ${what} must ` +
            "have AWS deletion protection",
        );
      }
    }
    if (r.protect !== true) {
      messages.push(
        `the Pulumi protect option is not set: with requireProtection, ${what} must be ` +
          "protected (protect: true)",
      );
    }
    return messages;
  },
};

// ---------------------------------------------------------------------------------------------
// Commands.

/** `logging` values that never send stdout to the engine (and so to logs and the console). */
export const SAFE_COMMAND_LOGGING: readonly string[] = ["stderr", "none"];
/** The provider's default when `logging` is not set. */
export const DEFAULT_COMMAND_LOGGING = "stdoutAndStderr";

const remoteCommandsNoSecretLogging: Rule = {
  name: "remote-commands-no-secret-logging",
  description:
    "Commands that get a secret on stdin, or whose stdout is a secret output, log only stderr " +
    '(logging: "stderr" or "none"), so nothing secret lands in update logs.',
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.remoteCommand, TYPES.localCommand],
  validate(r) {
    const stdin = r.props.stdin;
    const hasStdin = stdin !== undefined && stdin !== null && stdin !== "";
    // The engine unwraps secrets before a policy sees them: there, any stdin counts as secret.
    const secretStdin =
      hasStdin && (r.secretProps === undefined || r.secretProps.includes("stdin"));
    const secretStdout = (r.additionalSecretOutputs ?? []).some((o) => o === "stdout" || o === "*");
    if (!secretStdin && !secretStdout) return [];
    const logging = r.props.logging;
    if (logging === UNKNOWN) return [];
    if (typeof logging === "string" && SAFE_COMMAND_LOGGING.includes(logging)) return [];
    const why = [
      ...(secretStdin ? ["stdin is secret"] : []),
      ...(secretStdout ? ["stdout is an additional secret output"] : []),
    ].join(" and ");
    const shown =
      logging === undefined ? `not set (default "${DEFAULT_COMMAND_LOGGING}")` : show(logging);
    return [
      `${why}, but logging is ${shown}: set logging to "stderr" or "none" so stdout is never ` +
        "logged",
    ];
  },
};

// ---------------------------------------------------------------------------------------------

/** Every rule, in reporting order. */
export const RULES: readonly Rule[] = [
  noWorldIngressExceptWeb,
  adminPortsRestricted,
  nodeIngressLeastPrivilege,
  imdsv2Required,
  encryptedRootVolume,
  noSecretsInUserData,
  albDropsInvalidHeaders,
  modernTlsPolicy,
  lbDeletionProtectionWhenProtected,
  remoteCommandsNoSecretLogging,
];

export const RULE_NAMES: readonly string[] = RULES.map((r) => r.name);

export function ruleByName(name: string): Rule {
  const rule = RULES.find((r) => r.name === name);
  if (!rule) throw new Error(`no policy rule named "${name}"`);
  return rule;
}

export interface Finding {
  rule: Rule;
  resource: PolicyResourceShape;
  message: string;
}

/** Runs rules (default: all) over a whole stack: each resource's checks, then the stack's. */
export function runRules(
  resources: readonly PolicyResourceShape[],
  options: RuleOptions = {},
  rules: readonly Rule[] = RULES,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.validate) {
      for (const resource of resources) {
        if (!rule.resourceTypes.includes(resource.type)) continue;
        for (const message of rule.validate(resource, options)) {
          findings.push({ rule, resource, message });
        }
      }
    }
    if (rule.validateStack) {
      for (const { resource, message } of rule.validateStack(resources, options)) {
        findings.push({ rule, resource, message });
      }
    }
  }
  return findings;
}
