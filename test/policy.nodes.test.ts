// The servers' security group: which source may reach which port
// (policy/rules/node-ingress-least-privilege.ts).
import * as assert from "node:assert/strict";
import { NODE_TO_NODE_PORTS, TYPES, UNKNOWN } from "../policy/rules";
import {
  ingressRule,
  loadBalancer,
  messages,
  publicNlb,
  res,
  stackRuleTable,
} from "./policy-helpers";

const RULE = "node-ingress-least-privilege";
const WEB =
  "80 and 443 on the servers may only be opened to a load balancer's security group, never to a CIDR";
const NODE =
  "RKE2's node-to-node ports (kubelet, etcd, NodePorts, Canal VXLAN, WireGuard and health) may only be opened to the servers' own group";
const API =
  "6443 on the servers may only be opened to the servers' own group, a load balancer's group or admin networks (never the world)";
const SUPERVISOR =
  "9345 (RKE2 supervisor) on the servers may only be opened to the servers' own group or a load balancer's group";
const SSH = "22 (SSH) on the servers may only be opened to admin networks, never the world";
const on = (ports: string, source: string, requirement: string) =>
  `opens ${ports} on the servers' security group to ${source}: ${requirement}`;

// The servers' group is the one the instances use; sg-lb and sg-int belong to load balancers.
const server = res(TYPES.instance, "server", { vpcSecurityGroupIds: ["sg-nodes"] });
const internalNlb = loadBalancer("int", { internal: true, securityGroups: ["sg-int"] });
const STACK = [server, publicNlb, internalNlb];

/** An ingress rule on the servers' group from another group. */
const fromGroup = (
  name: string,
  port: number,
  group: unknown,
  extra: Record<string, unknown> = {},
) =>
  res(TYPES.ingressRule, name, {
    securityGroupId: "sg-nodes",
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    referencedSecurityGroupId: group,
    ...extra,
  });
const fromCidr = (name: string, port: number, cidr: string, extra = {}) =>
  ingressRule(name, port, cidr, "sg-nodes", extra);
const legacyRule = (name: string, props: Record<string, unknown>) =>
  res(TYPES.securityGroupRule, name, { type: "ingress", securityGroupId: "sg-nodes", ...props });

const inlineNodes = res(TYPES.securityGroup, "nodes-inline", {
  ingress: [
    { protocol: "tcp", fromPort: 9345, toPort: 9345, securityGroups: ["sg-int"] },
    { protocol: "tcp", fromPort: 9345, toPort: 9345, securityGroups: ["sg-x", "sg-nodes"] },
  ],
});

describe("policy node-ingress-least-privilege", () => {
  stackRuleTable(RULE, STACK, [
    [
      "the stack's own shape: LB groups, self references and admin networks",
      [
        fromGroup("http-from-lb", 80, "sg-lb"),
        fromGroup("https-from-lb", 443, "sg-lb"),
        fromGroup("https-from-internal-lb", 443, "sg-int"),
        fromGroup("api-self", 6443, "sg-nodes"),
        fromGroup("api-from-lb", 6443, "sg-lb"),
        fromGroup("api-from-internal-lb", 6443, "sg-int"),
        fromCidr("api-admin", 6443, "203.0.113.0/24"),
        fromCidr("api-admin6", 6443, "2001:db8::/32"),
        fromGroup("supervisor-self", 9345, "sg-nodes"),
        fromGroup("supervisor-from-lb", 9345, "sg-int"),
        fromCidr("ssh-admin", 22, "203.0.113.0/24"),
        fromGroup("ssh-from-bastion", 22, "sg-bastion"),
        fromCidr("api-prefix-list", 6443, "x", { cidrIpv4: undefined, prefixListId: "pl-admins" }),
        ...NODE_TO_NODE_PORTS.map((p, i) =>
          fromGroup(`self-${i}`, p.fromPort, "sg-nodes", {
            ipProtocol: p.protocol,
            toPort: p.toPort,
          }),
        ),
      ],
      [],
    ],
    [
      "self references written as `self` (legacy rules, inline ingress)",
      [
        legacyRule("legacy-kubelet", {
          protocol: "tcp",
          fromPort: 10250,
          toPort: 10250,
          self: true,
        }),
        res(TYPES.securityGroup, "nodes-inline", {
          id: "sg-nodes",
          ingress: [
            { protocol: "udp", fromPort: 8472, toPort: 8472, self: true },
            { protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["sg-lb"] },
          ],
        }),
      ],
      [],
    ],
    ["another group's rules", [ingressRule("lb-kubelet", 10250, "10.0.0.0/8", "sg-lb")], []],
    [
      "80/443 from a CIDR, the world, a prefix list or the servers themselves",
      [
        fromCidr("http-cidr", 80, "10.0.0.0/8"),
        fromCidr("https-world", 443, "0.0.0.0/0"),
        fromCidr("https-pl", 443, "x", { cidrIpv4: undefined, prefixListId: "pl-1" }),
        fromGroup("https-self", 443, "sg-nodes"),
        fromGroup("https-other", 443, "sg-other"),
      ],
      [
        { resource: "http-cidr", message: on("TCP 80", "10.0.0.0/8", WEB) },
        { resource: "https-world", message: on("TCP 443", "0.0.0.0/0", WEB) },
        { resource: "https-pl", message: on("TCP 443", "prefix list pl-1", WEB) },
        { resource: "https-self", message: on("TCP 443", "the servers' own group", WEB) },
        { resource: "https-other", message: on("TCP 443", "security group sg-other", WEB) },
      ],
    ],
    [
      "node-to-node ports from anything but the servers' group",
      [
        fromCidr("kubelet-cidr", 10250, "10.0.0.0/8"),
        fromGroup("etcd-lb", 2379, "sg-lb", { toPort: 2381 }),
        fromGroup("vxlan-other", 8472, "sg-other", { ipProtocol: "udp" }),
        fromCidr("wg-partial", 51821, "10.0.0.0/8", { ipProtocol: "17", toPort: 51900 }),
        fromCidr("nodeports", 31000, "0.0.0.0/0"),
      ],
      [
        { resource: "kubelet-cidr", message: on("TCP 10250", "10.0.0.0/8", NODE) },
        { resource: "etcd-lb", message: on("TCP 2379-2381", "load balancer group sg-lb", NODE) },
        { resource: "vxlan-other", message: on("UDP 8472", "security group sg-other", NODE) },
        { resource: "wg-partial", message: on("UDP 51821", "10.0.0.0/8", NODE) },
        { resource: "nodeports", message: on("TCP 31000", "0.0.0.0/0", NODE) },
      ],
    ],
    [
      "6443 from the world or an unrelated group, 9345 from a CIDR or one",
      [
        fromCidr("api-world", 6443, "::/0"),
        fromGroup("api-other", 6443, "sg-other"),
        fromGroup("supervisor-other", 9345, "sg-other"),
        fromCidr("supervisor-cidr", 9345, "10.0.0.0/8"),
      ],
      [
        { resource: "api-world", message: on("TCP 6443", "::/0", API) },
        { resource: "api-other", message: on("TCP 6443", "security group sg-other", API) },
        {
          resource: "supervisor-other",
          message: on("TCP 9345", "security group sg-other", SUPERVISOR),
        },
        { resource: "supervisor-cidr", message: on("TCP 9345", "10.0.0.0/8", SUPERVISOR) },
      ],
    ],
    [
      "SSH from the world (only CIDRs are judged for SSH)",
      [fromCidr("ssh-world", 22, "0.0.0.0/0"), fromGroup("ssh-other", 22, "sg-other")],
      [{ resource: "ssh-world", message: on("TCP 22", "0.0.0.0/0", SSH) }],
    ],
    [
      "ranges and all traffic, split by the ports they cover",
      [
        res(TYPES.ingressRule, "all-cidr", {
          securityGroupId: "sg-nodes",
          ipProtocol: "-1",
          cidrIpv4: "10.0.0.0/8",
        }),
        fromGroup("self-range", 0, "sg-nodes", { toPort: 65535 }),
      ],
      [
        { resource: "all-cidr", message: on("TCP 80, TCP 443", "10.0.0.0/8", WEB) },
        {
          resource: "all-cidr",
          message: on(
            "TCP 10250, TCP 2379-2381, TCP 30000-32767, UDP 8472, UDP 51820-51821, TCP 9099",
            "10.0.0.0/8",
            NODE,
          ),
        },
        { resource: "all-cidr", message: on("TCP 9345", "10.0.0.0/8", SUPERVISOR) },
        { resource: "self-range", message: on("TCP 80, TCP 443", "the servers' own group", WEB) },
      ],
    ],
    [
      "legacy rules and inline ingress, by source and by position",
      [
        res(
          TYPES.instance,
          "server-2",
          { vpcSecurityGroupIds: ["sg-nodes"] },
          {
            propertyDependencies: { vpcSecurityGroupIds: [inlineNodes.urn!] },
          },
        ),
        legacyRule("legacy", {
          protocol: "tcp",
          fromPort: 10250,
          toPort: 10250,
          cidrBlocks: ["10.0.0.0/8"],
          sourceSecurityGroupId: undefined,
        }),
        legacyRule("legacy-group", {
          protocol: "tcp",
          fromPort: 9345,
          toPort: 9345,
          sourceSecurityGroupId: "sg-other",
        }),
        inlineNodes,
      ],
      [
        { resource: "legacy", message: on("TCP 10250", "10.0.0.0/8", NODE) },
        {
          resource: "legacy-group",
          message: on("TCP 9345", "security group sg-other", SUPERVISOR),
        },
        {
          resource: "nodes-inline",
          message: `ingress[1]: ${on("TCP 9345", "security group sg-x", SUPERVISOR)}`,
        },
      ],
    ],
    [
      "nothing when the rule's group, its source, its ports or its CIDR is unknown",
      [
        fromCidr("group", 10250, "10.0.0.0/8", { securityGroupId: UNKNOWN }),
        fromGroup("source", 9345, UNKNOWN),
        fromCidr("ports", 10250, "10.0.0.0/8", { fromPort: UNKNOWN, toPort: UNKNOWN }),
        fromCidr("protocol", 10250, "10.0.0.0/8", { ipProtocol: UNKNOWN }),
        fromCidr("cidr", 10250, "x", { cidrIpv4: UNKNOWN }),
        legacyRule("legacy-type", {
          type: UNKNOWN,
          protocol: "tcp",
          fromPort: 10250,
          toPort: 10250,
          cidrBlocks: ["10.0.0.0/8"],
        }),
      ],
      [],
    ],
  ]);

  // Without a servers' group (no instance, or one whose groups are all unknown) nothing is judged.
  stackRuleTable(
    RULE,
    [publicNlb],
    [
      ["anything without instances", [fromCidr("kubelet", 10250, "10.0.0.0/8")], []],
      [
        "anything while the instances' groups are unknown",
        [
          res(TYPES.instance, "server", { vpcSecurityGroupIds: UNKNOWN }),
          fromCidr("kubelet", 10250, "0.0.0.0/0"),
        ],
        [],
      ],
    ],
  );

  it("links groups by URN while IDs are unknown (preview)", () => {
    const urn = (name: string) => `urn:pulumi:test::rancher-ha::${TYPES.securityGroup}::${name}`;
    const pending = res(
      TYPES.instance,
      "server",
      { vpcSecurityGroupIds: [UNKNOWN] },
      { propertyDependencies: { vpcSecurityGroupIds: [urn("nodes")] } },
    );
    const lb = loadBalancer(
      "nlb",
      { internal: false, securityGroups: [UNKNOWN] },
      { propertyDependencies: { securityGroups: [urn("nlb")] } },
    );
    const rule443 = (name: string, group: string) =>
      res(
        TYPES.ingressRule,
        name,
        {
          securityGroupId: UNKNOWN,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: UNKNOWN,
        },
        {
          propertyDependencies: {
            securityGroupId: [urn("nodes")],
            referencedSecurityGroupId: [urn(group)],
          },
        },
      );
    assert.deepEqual(messages(RULE, [pending, lb, rule443("from-nlb", "nlb")]), []);
    assert.deepEqual(messages(RULE, [pending, lb, rule443("from-other", "other")]), [
      { resource: "from-other", message: on("TCP 443", "security group other", WEB) },
    ]);
  });
});
