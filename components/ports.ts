// Every port the stack opens or connects to, in one list: the security groups, load balancers,
// RKE2's config and parameters, and the policy pack all read it from here. RKE2's ports are from
// rke2-docs install/requirements.md ("Inbound Network Rules", Canal CNI); 80/443 are where the
// ingress controller listens (a hostPort DaemonSet on every server). Pure data, no imports: the
// policy pack loads it too.

export type Protocol = "tcp" | "udp";

/** A protocol and an inclusive port range. */
export interface PortRange {
  protocol: Protocol;
  fromPort: number;
  toPort: number;
}

/** One security-group permission, with what names its rule resource and describes it in AWS. */
export interface PortRule extends PortRange {
  /** Logical role, part of the rule resource's name (so of its URN): never change it. */
  role: string;
  description: string;
}

export const SSH_PORT = 22;
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
/** The Kubernetes API (every server). */
export const KUBE_API_PORT = 6443;
/** RKE2's supervisor: joining servers register at https://<registration address>:9345. */
export const SUPERVISOR_PORT = 9345;

const tcp = (fromPort: number, toPort = fromPort): PortRange => ({
  protocol: "tcp",
  fromPort,
  toPort,
});
const udp = (fromPort: number, toPort = fromPort): PortRange => ({
  protocol: "udp",
  fromPort,
  toPort,
});
const rule = (role: string, ports: PortRange, description: string): PortRule => ({
  role,
  ...ports,
  description,
});

/** RKE2's ports between servers (Canal CNI): only the servers' own group may open them. */
export const NODE_TO_NODE_RULES: readonly PortRule[] = [
  rule("apiserver", tcp(KUBE_API_PORT), "Kubernetes API between servers"),
  rule("supervisor", tcp(SUPERVISOR_PORT), "RKE2 supervisor (registration)"),
  rule("kubelet", tcp(10250), "kubelet"),
  rule("etcd", tcp(2379, 2381), "etcd client, peer, metrics"),
  rule("nodeports", tcp(30000, 32767), "NodePort services"),
  rule("vxlan", udp(8472), "Canal VXLAN"),
  rule("wireguard", udp(51820, 51821), "Canal WireGuard"),
  rule("canal-health", tcp(9099), "Canal health checks"),
];

/** Admin networks → the servers. */
export const SSH_RULE = rule("ssh-admin", tcp(SSH_PORT), "SSH from admin networks");
export const API_ADMIN_RULE = rule(
  "api-admin",
  tcp(KUBE_API_PORT),
  "Kubernetes API from admin networks",
);

/** The bastion: SSH from admin networks, SSH on to the servers, and its own updates out. */
export const BASTION_SSH_RULE = rule("ssh-admin", tcp(SSH_PORT), "SSH from admin networks");
export const SSH_FROM_BASTION_RULE = rule("ssh", tcp(SSH_PORT), "SSH from the bastion");
export const BASTION_UPDATES_RULES: readonly PortRule[] = [
  rule("http", tcp(HTTP_PORT), "Ubuntu package updates"),
  rule("https", tcp(HTTPS_PORT), "Ubuntu package updates"),
];

/** Clients → a load balancer → the servers. */
export const HTTP_RULE = rule("http", tcp(HTTP_PORT), "HTTP to the ingress controller");
export const HTTPS_RULE = rule("https", tcp(HTTPS_PORT), "HTTPS to the ingress controller");
export const API_RULE = rule("api", tcp(KUBE_API_PORT), "Kubernetes API");
export const SUPERVISOR_RULE = rule("supervisor", tcp(SUPERVISOR_PORT), "RKE2 registration");

/**
 * ICMP that path MTU discovery needs, per address family: IPv4 "destination unreachable,
 * fragmentation needed" (type 3 code 4) and ICMPv6 "packet too big" (type 2 code 0), as AWS's
 * EC2 guide (Path MTU Discovery) and ELB docs recommend. For ICMP, AWS takes the type as
 * `fromPort` and the code as `toPort`.
 */
export const PATH_MTU_ICMP = {
  4: {
    ipProtocol: "icmp",
    fromPort: 3,
    toPort: 4,
    description: "ICMP fragmentation needed (path MTU discovery)",
  },
  6: {
    ipProtocol: "icmpv6",
    fromPort: 2,
    toPort: 0,
    description: "ICMPv6 packet too big (path MTU discovery)",
  },
} as const;
