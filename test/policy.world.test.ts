// Openings to the world: only 80/443 (and path MTU ICMP) on a public load balancer's group, and
// never the admin ports (policy/rules/no-world-ingress-except-web.ts, admin-ports-restricted.ts).
import { TYPES, UNKNOWN } from "../policy/rules";
import { ingressRule, loadBalancer, publicNlb, res, stackRuleTable } from "./policy-helpers";

const WEB_ONLY =
  "only TCP 80 and 443 may be open to the world, and only on an internet-facing load balancer's security group";
const NOT_ON_PUBLIC_LB =
  "on a security group that no internet-facing load balancer uses: 80/443 may be open to the world only on a public load balancer's group";

const icmp = (name: string, groupId: string, from: number, to: number, v6 = false) =>
  ingressRule(name, from, v6 ? "::/0" : "0.0.0.0/0", groupId, {
    ipProtocol: v6 ? "icmpv6" : "icmp",
    toPort: to,
  });

/** A load balancer and an ingress rule linked by URN only (IDs unknown in a preview). */
const linkedByUrn = [
  loadBalancer(
    "alb",
    { securityGroups: [UNKNOWN] },
    { propertyDependencies: { securityGroups: ["urn:sg-lb2"] } },
  ),
  {
    ...ingressRule("http", 80, "::/0", "unknown-id"),
    propertyDependencies: { securityGroupId: ["urn:sg-lb2"] },
  },
];

const inlineSg = res(TYPES.securityGroup, "lb-sg", {
  ingress: [
    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] },
  ],
});

describe("policy no-world-ingress-except-web", () => {
  stackRuleTable(
    "no-world-ingress-except-web",
    [publicNlb],
    [
      [
        "80/443 from the world on a public load balancer's group, by ID or by URN",
        [ingressRule("https", 443, "0.0.0.0/0", "sg-lb"), ...linkedByUrn],
        [],
      ],
      [
        "anything from non-world sources",
        [ingressRule("ssh", 22, "203.0.113.0/24", "sg-nodes")],
        [],
      ],
      [
        "path MTU ICMP from the world on a public load balancer's group",
        [icmp("pmtu4", "sg-lb", 3, 4), icmp("pmtu6", "sg-lb", 2, 0, true)],
        [],
      ],
      [
        "a group that is not known yet (preview): left to the update run",
        [ingressRule("pending", 443, "0.0.0.0/0", "x", { securityGroupId: UNKNOWN })],
        [],
      ],
      [
        "other ports, all traffic, and port ranges from the world",
        [
          ingressRule("alt", 8443, "0.0.0.0/0", "sg-lb"),
          res(TYPES.ingressRule, "all", {
            securityGroupId: "sg-lb",
            ipProtocol: "-1",
            cidrIpv6: "::/0",
          }),
          ingressRule("range", 80, "0.0.0.0/0", "sg-lb", { toPort: 443 }),
        ],
        [
          { resource: "alt", message: `opens TCP 8443 to 0.0.0.0/0: ${WEB_ONLY}` },
          { resource: "all", message: `opens all traffic to ::/0: ${WEB_ONLY}` },
          { resource: "range", message: `opens TCP 80-443 to 0.0.0.0/0: ${WEB_ONLY}` },
        ],
      ],
      [
        "80/443 from the world on a group no public load balancer uses",
        [
          loadBalancer("internal", { internal: true, securityGroups: ["sg-int"] }),
          ingressRule("nodes-https", 443, "0.0.0.0/0", "sg-nodes"),
          ingressRule("int-http", 80, "0.0.0.0/0", "sg-int"),
        ],
        [
          { resource: "nodes-https", message: `opens TCP 443 to 0.0.0.0/0 ${NOT_ON_PUBLIC_LB}` },
          { resource: "int-http", message: `opens TCP 80 to 0.0.0.0/0 ${NOT_ON_PUBLIC_LB}` },
        ],
      ],
      [
        "other ICMP from the world, and path MTU ICMP on a group no public load balancer uses",
        [
          icmp("all-icmp", "sg-lb", -1, -1),
          icmp("echo", "sg-lb", 8, -1),
          icmp("nodes-pmtu", "sg-nodes", 3, 4),
        ],
        [
          { resource: "all-icmp", message: `opens ICMP 0-65535 to 0.0.0.0/0: ${WEB_ONLY}` },
          { resource: "echo", message: `opens ICMP 8--1 to 0.0.0.0/0: ${WEB_ONLY}` },
          {
            resource: "nodes-pmtu",
            message:
              "opens ICMP 3-4 to 0.0.0.0/0 on a security group that no internet-facing load balancer uses: path MTU ICMP may be open to the world only on a public load balancer's group",
          },
        ],
      ],
      [
        "inline ingress on security groups and legacy rules (egress is not judged)",
        [
          loadBalancer(
            "lb",
            { securityGroups: [] },
            { propertyDependencies: { securityGroups: [inlineSg.urn!] } },
          ),
          inlineSg,
          res(TYPES.securityGroupRule, "legacy", {
            type: "ingress",
            securityGroupId: "sg-lb",
            protocol: "udp",
            fromPort: 53,
            toPort: 53,
            cidrBlocks: ["0.0.0.0/0"],
          }),
          res(TYPES.securityGroupRule, "egress", {
            type: "egress",
            securityGroupId: "sg-lb",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
          }),
        ],
        [
          { resource: "lb-sg", message: `ingress[1]: opens TCP 22 to 0.0.0.0/0: ${WEB_ONLY}` },
          { resource: "legacy", message: `opens UDP 53 to 0.0.0.0/0: ${WEB_ONLY}` },
        ],
      ],
      [
        "inline 443 from the world on a group no load balancer uses",
        [
          res(TYPES.securityGroup, "lonely-sg", {
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
          }),
        ],
        [
          {
            resource: "lonely-sg",
            message: `ingress[0]: opens TCP 443 to 0.0.0.0/0 ${NOT_ON_PUBLIC_LB}`,
          },
        ],
      ],
    ],
  );
});

describe("policy admin-ports-restricted", () => {
  const ADMIN = "admin ports must be limited to admin networks (adminCidrs)";
  stackRuleTable(
    "admin-ports-restricted",
    [],
    [
      [
        "SSH and the API from admin networks, and UDP 22 from anywhere",
        [
          ingressRule("ssh", 22, "203.0.113.0/24", "sg-nodes"),
          ingressRule("api", 6443, "2001:db8::/32", "sg-lb"),
          ingressRule("udp22", 22, "0.0.0.0/0", "sg-nodes", { ipProtocol: "udp" }),
        ],
        [],
      ],
      [
        "SSH and the API from the world",
        [
          ingressRule("ssh", 22, "0.0.0.0/0", "sg-nodes"),
          ingressRule("api", 6443, "::/0", "sg-lb"),
        ],
        [
          { resource: "ssh", message: `opens TCP 22 (SSH) to 0.0.0.0/0: ${ADMIN}` },
          { resource: "api", message: `opens TCP 6443 (the Kubernetes API) to ::/0: ${ADMIN}` },
        ],
      ],
      [
        "both inside a world-open range",
        [ingressRule("wide", 1, "0.0.0.0/0", "sg-nodes", { toPort: 65535 })],
        [
          { resource: "wide", message: `opens TCP 22 (SSH) to 0.0.0.0/0: ${ADMIN}` },
          {
            resource: "wide",
            message: `opens TCP 6443 (the Kubernetes API) to 0.0.0.0/0: ${ADMIN}`,
          },
        ],
      ],
    ],
  );
});
