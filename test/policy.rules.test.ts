// Each pure rule on passing and failing resource shapes, with the exact messages.
import * as assert from "node:assert/strict";
import {
  ingressPermissions,
  NODE_TO_NODE_PORTS,
  PolicyResourceShape,
  RULE_NAMES,
  RULES,
  RuleOptions,
  ruleByName,
  runRules,
  TYPES,
  UNKNOWN,
  worldOpenings,
} from "../policy/rules";

const WEB_ONLY =
  "only TCP 80 and 443 may be open to the world, and only on an internet-facing load balancer's security group";
const NOT_ON_PUBLIC_LB =
  "on a security group that no internet-facing load balancer uses: 80/443 may be open to the world only on a public load balancer's group";

function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<PolicyResourceShape> = {},
): PolicyResourceShape {
  return { type, name, urn: `urn:pulumi:test::rancher-ha::${type}::${name}`, props, ...extra };
}

/** Messages of one rule over a whole stack (resource checks and stack checks). */
function messages(
  rule: string,
  resources: PolicyResourceShape[],
  options: RuleOptions = {},
): { resource: string; message: string }[] {
  return runRules(resources, options, [ruleByName(rule)]).map((f) => ({
    resource: f.resource.name,
    message: f.message,
  }));
}

function ingressRule(
  name: string,
  port: number,
  cidr: string,
  groupId: string,
  extra: Record<string, unknown> = {},
): PolicyResourceShape {
  const source = cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
  return res(TYPES.ingressRule, name, {
    securityGroupId: groupId,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    ...source,
    ...extra,
  });
}

function loadBalancer(name: string, props: Record<string, unknown>, extra = {}) {
  return res(TYPES.lbLoadBalancer, name, props, extra);
}

const publicNlb = loadBalancer("nlb", {
  loadBalancerType: "network",
  internal: false,
  securityGroups: ["sg-lb"],
});

describe("policy rules", () => {
  it("declares the ten mandatory rules, each with a description", () => {
    assert.deepEqual(RULE_NAMES, [
      "no-world-ingress-except-web",
      "admin-ports-restricted",
      "node-ingress-least-privilege",
      "imdsv2-required",
      "encrypted-root-volume",
      "no-secrets-in-user-data",
      "alb-drops-invalid-headers",
      "modern-tls-policy",
      "lb-deletion-protection-when-protected",
      "remote-commands-no-secret-logging",
    ]);
    for (const rule of RULES) {
      assert.equal(rule.enforcementLevel, "mandatory", rule.name);
      assert.ok(rule.description.length > 20, rule.name);
      assert.ok(rule.validate ?? rule.validateStack, rule.name);
    }
    assert.throws(() => ruleByName("nope"), /no policy rule named "nope"/);
  });

  describe("no-world-ingress-except-web", () => {
    const rule = "no-world-ingress-except-web";

    it("allows 80/443 from the world on a public load balancer's group, by ID or by URN", () => {
      const byId = ingressRule("https", 443, "0.0.0.0/0", "sg-lb");
      const byUrn = ingressRule("http", 80, "::/0", "unknown-id", {});
      byUrn.propertyDependencies = { securityGroupId: ["urn:sg-lb2"] };
      const alb = loadBalancer("alb", { securityGroups: [UNKNOWN] });
      alb.propertyDependencies = { securityGroups: ["urn:sg-lb2"] };
      assert.deepEqual(messages(rule, [publicNlb, alb, byId, byUrn]), []);
    });

    it("allows anything from non-world sources", () => {
      assert.deepEqual(messages(rule, [ingressRule("ssh", 22, "203.0.113.0/24", "sg-nodes")]), []);
    });

    it("rejects other ports, all traffic, and port ranges from the world", () => {
      const alt = ingressRule("alt", 8443, "0.0.0.0/0", "sg-lb");
      const all = res(TYPES.ingressRule, "all", {
        securityGroupId: "sg-lb",
        ipProtocol: "-1",
        cidrIpv6: "::/0",
      });
      const range = ingressRule("range", 80, "0.0.0.0/0", "sg-lb", { toPort: 443 });
      assert.deepEqual(messages(rule, [publicNlb, alt, all, range]), [
        { resource: "alt", message: `opens TCP 8443 to 0.0.0.0/0: ${WEB_ONLY}` },
        { resource: "all", message: `opens all traffic to ::/0: ${WEB_ONLY}` },
        { resource: "range", message: `opens TCP 80-443 to 0.0.0.0/0: ${WEB_ONLY}` },
      ]);
    });

    it("rejects 80/443 from the world on a group no public load balancer uses", () => {
      const onNodes = ingressRule("nodes-https", 443, "0.0.0.0/0", "sg-nodes");
      const internalLb = loadBalancer("internal", { internal: true, securityGroups: ["sg-int"] });
      const onInternal = ingressRule("int-http", 80, "0.0.0.0/0", "sg-int");
      assert.deepEqual(messages(rule, [publicNlb, internalLb, onNodes, onInternal]), [
        { resource: "nodes-https", message: `opens TCP 443 to 0.0.0.0/0 ${NOT_ON_PUBLIC_LB}` },
        { resource: "int-http", message: `opens TCP 80 to 0.0.0.0/0 ${NOT_ON_PUBLIC_LB}` },
      ]);
    });

    it("allows path MTU ICMP from the world on a public load balancer's group only", () => {
      const icmp = (name: string, groupId: string, from: number, to: number, v6 = false) =>
        ingressRule(name, from, v6 ? "::/0" : "0.0.0.0/0", groupId, {
          ipProtocol: v6 ? "icmpv6" : "icmp",
          toPort: to,
        });
      const ok4 = icmp("pmtu4", "sg-lb", 3, 4);
      const ok6 = icmp("pmtu6", "sg-lb", 2, 0, true);
      const allIcmp = icmp("all-icmp", "sg-lb", -1, -1);
      const echo = icmp("echo", "sg-lb", 8, -1);
      const onNodes = icmp("nodes-pmtu", "sg-nodes", 3, 4);
      assert.deepEqual(messages(rule, [publicNlb, ok4, ok6, allIcmp, echo, onNodes]), [
        { resource: "all-icmp", message: `opens ICMP 0-65535 to 0.0.0.0/0: ${WEB_ONLY}` },
        { resource: "echo", message: `opens ICMP 8--1 to 0.0.0.0/0: ${WEB_ONLY}` },
        {
          resource: "nodes-pmtu",
          message:
            "opens ICMP 3-4 to 0.0.0.0/0 on a security group that no internet-facing load balancer uses: path MTU ICMP may be open to the world only on a public load balancer's group",
        },
      ]);
    });

    it("leaves a group that is not known yet (preview) to the update run", () => {
      const pending = ingressRule("pending", 443, "0.0.0.0/0", "x", { securityGroupId: UNKNOWN });
      assert.deepEqual(messages(rule, [publicNlb, pending]), []);
    });

    it("checks inline ingress on security groups and legacy security group rules", () => {
      const sg = res(TYPES.securityGroup, "lb-sg", {
        ingress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
          { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] },
        ],
      });
      const lb = loadBalancer("lb", { securityGroups: [] });
      lb.propertyDependencies = { securityGroups: [sg.urn!] };
      const legacy = res(TYPES.securityGroupRule, "legacy", {
        type: "ingress",
        securityGroupId: "sg-lb",
        protocol: "udp",
        fromPort: 53,
        toPort: 53,
        cidrBlocks: ["0.0.0.0/0"],
      });
      const egress = res(TYPES.securityGroupRule, "egress", {
        type: "egress",
        securityGroupId: "sg-lb",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        cidrBlocks: ["0.0.0.0/0"],
      });
      assert.deepEqual(messages(rule, [publicNlb, lb, sg, legacy, egress]), [
        { resource: "lb-sg", message: `ingress[1]: opens TCP 22 to 0.0.0.0/0: ${WEB_ONLY}` },
        { resource: "legacy", message: `opens UDP 53 to 0.0.0.0/0: ${WEB_ONLY}` },
      ]);
    });

    it("rejects inline 443 from the world on a group no load balancer uses", () => {
      const sg = res(TYPES.securityGroup, "lonely-sg", {
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
      });
      assert.deepEqual(messages(rule, [publicNlb, sg]), [
        {
          resource: "lonely-sg",
          message: `ingress[0]: opens TCP 443 to 0.0.0.0/0 ${NOT_ON_PUBLIC_LB}`,
        },
      ]);
    });

    it("reads every world source of a resource", () => {
      const sg = res(TYPES.securityGroup, "sg", {
        ingress: [
          {
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
            ipv6CidrBlocks: ["::/0"],
          },
        ],
      });
      assert.deepEqual(worldOpenings(sg), [
        { where: "ingress[0]: ", protocol: "all", fromPort: 0, toPort: 65535, source: "0.0.0.0/0" },
        { where: "ingress[0]: ", protocol: "all", fromPort: 0, toPort: 65535, source: "::/0" },
      ]);
    });
  });

  describe("admin-ports-restricted", () => {
    const rule = "admin-ports-restricted";
    const ADMIN = "admin ports must be limited to admin networks (adminCidrs)";

    it("allows SSH and the API from admin networks", () => {
      assert.deepEqual(
        messages(rule, [
          ingressRule("ssh", 22, "203.0.113.0/24", "sg-nodes"),
          ingressRule("api", 6443, "2001:db8::/32", "sg-lb"),
          ingressRule("udp22", 22, "0.0.0.0/0", "sg-nodes", { ipProtocol: "udp" }),
        ]),
        [],
      );
    });

    it("rejects SSH and the API from the world, also inside ranges", () => {
      assert.deepEqual(
        messages(rule, [
          ingressRule("ssh", 22, "0.0.0.0/0", "sg-nodes"),
          ingressRule("api", 6443, "::/0", "sg-lb"),
          ingressRule("wide", 1, "0.0.0.0/0", "sg-nodes", { toPort: 65535 }),
        ]),
        [
          { resource: "ssh", message: `opens TCP 22 (SSH) to 0.0.0.0/0: ${ADMIN}` },
          { resource: "api", message: `opens TCP 6443 (the Kubernetes API) to ::/0: ${ADMIN}` },
          { resource: "wide", message: `opens TCP 22 (SSH) to 0.0.0.0/0: ${ADMIN}` },
          {
            resource: "wide",
            message: `opens TCP 6443 (the Kubernetes API) to 0.0.0.0/0: ${ADMIN}`,
          },
        ],
      );
    });
  });

  describe("node-ingress-least-privilege", () => {
    const rule = "node-ingress-least-privilege";
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
    const stack = [server, publicNlb, internalNlb];
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

    it("passes the stack's own shape: LB groups, self references and admin networks", () => {
      const selfRules = NODE_TO_NODE_PORTS.map((p, i) =>
        fromGroup(`self-${i}`, p.fromPort, "sg-nodes", {
          ipProtocol: p.protocol,
          toPort: p.toPort,
        }),
      );
      const ok = [
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
        ...selfRules,
      ];
      assert.deepEqual(messages(rule, [...stack, ...ok]), []);
    });

    it("passes self references written as `self` (legacy rules, inline ingress)", () => {
      const legacy = res(TYPES.securityGroupRule, "legacy-kubelet", {
        type: "ingress",
        securityGroupId: "sg-nodes",
        protocol: "tcp",
        fromPort: 10250,
        toPort: 10250,
        self: true,
      });
      const inline = res(TYPES.securityGroup, "nodes-inline", {
        id: "sg-nodes",
        ingress: [
          { protocol: "udp", fromPort: 8472, toPort: 8472, self: true },
          { protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["sg-lb"] },
        ],
      });
      assert.deepEqual(messages(rule, [...stack, legacy, inline]), []);
    });

    it("leaves other groups alone, and has nothing to say without instances", () => {
      const onLb = ingressRule("lb-kubelet", 10250, "10.0.0.0/8", "sg-lb");
      const onNodes = fromCidr("kubelet", 10250, "10.0.0.0/8");
      assert.deepEqual(messages(rule, [...stack, onLb]), []);
      assert.deepEqual(messages(rule, [publicNlb, onNodes]), []);
    });

    it("rejects 80/443 from a CIDR, the world, a prefix list or the servers themselves", () => {
      assert.deepEqual(
        messages(rule, [
          ...stack,
          fromCidr("http-cidr", 80, "10.0.0.0/8"),
          fromCidr("https-world", 443, "0.0.0.0/0"),
          fromCidr("https-pl", 443, "x", { cidrIpv4: undefined, prefixListId: "pl-1" }),
          fromGroup("https-self", 443, "sg-nodes"),
          fromGroup("https-other", 443, "sg-other"),
        ]),
        [
          { resource: "http-cidr", message: on("TCP 80", "10.0.0.0/8", WEB) },
          { resource: "https-world", message: on("TCP 443", "0.0.0.0/0", WEB) },
          { resource: "https-pl", message: on("TCP 443", "prefix list pl-1", WEB) },
          { resource: "https-self", message: on("TCP 443", "the servers' own group", WEB) },
          { resource: "https-other", message: on("TCP 443", "security group sg-other", WEB) },
        ],
      );
    });

    it("rejects node-to-node ports from anything but the servers' group", () => {
      assert.deepEqual(
        messages(rule, [
          ...stack,
          fromCidr("kubelet-cidr", 10250, "10.0.0.0/8"),
          fromGroup("etcd-lb", 2379, "sg-lb", { toPort: 2381 }),
          fromGroup("vxlan-other", 8472, "sg-other", { ipProtocol: "udp" }),
          fromCidr("wg-partial", 51821, "10.0.0.0/8", { ipProtocol: "17", toPort: 51900 }),
          fromCidr("nodeports", 31000, "0.0.0.0/0"),
        ]),
        [
          { resource: "kubelet-cidr", message: on("TCP 10250", "10.0.0.0/8", NODE) },
          { resource: "etcd-lb", message: on("TCP 2379-2381", "load balancer group sg-lb", NODE) },
          { resource: "vxlan-other", message: on("UDP 8472", "security group sg-other", NODE) },
          { resource: "wg-partial", message: on("UDP 51821", "10.0.0.0/8", NODE) },
          { resource: "nodeports", message: on("TCP 31000", "0.0.0.0/0", NODE) },
        ],
      );
    });

    it("rejects 6443 from the world or an unrelated group, 9345 from a CIDR or one", () => {
      assert.deepEqual(
        messages(rule, [
          ...stack,
          fromCidr("api-world", 6443, "::/0"),
          fromGroup("api-other", 6443, "sg-other"),
          fromGroup("supervisor-other", 9345, "sg-other"),
          fromCidr("supervisor-cidr", 9345, "10.0.0.0/8"),
        ]),
        [
          { resource: "api-world", message: on("TCP 6443", "::/0", API) },
          { resource: "api-other", message: on("TCP 6443", "security group sg-other", API) },
          {
            resource: "supervisor-other",
            message: on("TCP 9345", "security group sg-other", SUPERVISOR),
          },
          { resource: "supervisor-cidr", message: on("TCP 9345", "10.0.0.0/8", SUPERVISOR) },
        ],
      );
    });

    it("rejects SSH from the world, and judges only CIDRs for it", () => {
      assert.deepEqual(
        messages(rule, [
          ...stack,
          fromCidr("ssh-world", 22, "0.0.0.0/0"),
          fromGroup("ssh-other", 22, "sg-other"),
        ]),
        [{ resource: "ssh-world", message: on("TCP 22", "0.0.0.0/0", SSH) }],
      );
    });

    it("splits ranges and all traffic by the ports they cover", () => {
      const all = res(TYPES.ingressRule, "all-cidr", {
        securityGroupId: "sg-nodes",
        ipProtocol: "-1",
        cidrIpv4: "10.0.0.0/8",
      });
      const selfRange = fromGroup("self-range", 0, "sg-nodes", { toPort: 65535 });
      assert.deepEqual(messages(rule, [...stack, all, selfRange]), [
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
      ]);
    });

    it("checks legacy rules and inline ingress, by source and by position", () => {
      const legacy = res(TYPES.securityGroupRule, "legacy", {
        type: "ingress",
        securityGroupId: "sg-nodes",
        protocol: "tcp",
        fromPort: 10250,
        toPort: 10250,
        cidrBlocks: ["10.0.0.0/8"],
        sourceSecurityGroupId: undefined,
      });
      const legacyGroup = res(TYPES.securityGroupRule, "legacy-group", {
        type: "ingress",
        securityGroupId: "sg-nodes",
        protocol: "tcp",
        fromPort: 9345,
        toPort: 9345,
        sourceSecurityGroupId: "sg-other",
      });
      const inline = res(TYPES.securityGroup, "nodes-inline", {
        ingress: [
          { protocol: "tcp", fromPort: 9345, toPort: 9345, securityGroups: ["sg-int"] },
          { protocol: "tcp", fromPort: 9345, toPort: 9345, securityGroups: ["sg-x", "sg-nodes"] },
        ],
      });
      const server2 = res(TYPES.instance, "server-2", { vpcSecurityGroupIds: ["sg-nodes"] });
      server2.propertyDependencies = { vpcSecurityGroupIds: [inline.urn!] };
      assert.deepEqual(messages(rule, [...stack, server2, legacy, legacyGroup, inline]), [
        { resource: "legacy", message: on("TCP 10250", "10.0.0.0/8", NODE) },
        {
          resource: "legacy-group",
          message: on("TCP 9345", "security group sg-other", SUPERVISOR),
        },
        {
          resource: "nodes-inline",
          message: `ingress[1]: ${on("TCP 9345", "security group sg-x", SUPERVISOR)}`,
        },
      ]);
    });

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
      assert.deepEqual(messages(rule, [pending, lb, rule443("from-nlb", "nlb")]), []);
      assert.deepEqual(messages(rule, [pending, lb, rule443("from-other", "other")]), [
        { resource: "from-other", message: on("TCP 443", "security group other", WEB) },
      ]);
    });

    it("skips what is unknown: the rule's group, its source, its ports, its CIDR", () => {
      const unknowns = [
        fromCidr("group", 10250, "10.0.0.0/8", { securityGroupId: UNKNOWN }),
        fromGroup("source", 9345, UNKNOWN),
        fromCidr("ports", 10250, "10.0.0.0/8", { fromPort: UNKNOWN, toPort: UNKNOWN }),
        fromCidr("protocol", 10250, "10.0.0.0/8", { ipProtocol: UNKNOWN }),
        fromCidr("cidr", 10250, "x", { cidrIpv4: UNKNOWN }),
        res(TYPES.securityGroupRule, "legacy-type", {
          type: UNKNOWN,
          securityGroupId: "sg-nodes",
          protocol: "tcp",
          fromPort: 10250,
          toPort: 10250,
          cidrBlocks: ["10.0.0.0/8"],
        }),
      ];
      assert.deepEqual(messages(rule, [...stack, ...unknowns]), []);
      // An instance whose groups are all unknown, with no dependencies: no servers' group yet.
      const pending = res(TYPES.instance, "server", { vpcSecurityGroupIds: UNKNOWN });
      assert.deepEqual(
        messages(rule, [pending, publicNlb, fromCidr("kubelet", 10250, "0.0.0.0/0")]),
        [],
      );
    });

    it("reads every source of a permission", () => {
      const legacy = res(
        TYPES.securityGroupRule,
        "legacy",
        {
          type: "ingress",
          protocol: "6",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["10.0.0.0/8", UNKNOWN],
          ipv6CidrBlocks: ["::/0"],
          prefixListIds: ["pl-1"],
          sourceSecurityGroupId: UNKNOWN,
          self: true,
        },
        { propertyDependencies: { sourceSecurityGroupId: ["urn:a::b::bastion"] } },
      );
      assert.deepEqual(
        ingressPermissions(legacy).map((p) => p.source),
        [
          { kind: "cidr", cidr: "10.0.0.0/8" },
          { kind: "cidr", cidr: "::/0" },
          { kind: "prefix-list", id: "pl-1" },
          { kind: "group", keys: ["urn:a::b::bastion"], label: "bastion" },
          { kind: "self" },
        ],
      );
      assert.deepEqual(ingressPermissions(fromGroup("x", 22, "sg-1"))[0], {
        where: "",
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        source: { kind: "group", keys: ["sg-1"], label: "sg-1" },
      });
    });
  });

  describe("imdsv2-required", () => {
    const rule = "imdsv2-required";
    const instance = (metadataOptions?: Record<string, unknown>) =>
      res(TYPES.instance, "server", metadataOptions ? { metadataOptions } : {});

    it("passes IMDSv2 with hop limit 1 or 2, and a disabled endpoint", () => {
      assert.deepEqual(
        messages(rule, [
          instance({ httpTokens: "required", httpPutResponseHopLimit: 1 }),
          instance({ httpTokens: "required", httpPutResponseHopLimit: 2 }),
          instance({ httpTokens: "required" }),
          instance({ httpEndpoint: "disabled" }),
        ]),
        [],
      );
    });

    it("rejects optional or unset tokens and a hop limit above 2", () => {
      assert.deepEqual(
        messages(rule, [
          instance({ httpTokens: "optional", httpPutResponseHopLimit: 1 }),
          instance(),
          instance({ httpTokens: "required", httpPutResponseHopLimit: 3 }),
        ]).map((m) => m.message),
        [
          'metadataOptions.httpTokens is "optional": set it to "required" so the metadata service only answers IMDSv2 session requests',
          'metadataOptions.httpTokens is not set: set it to "required" so the metadata service only answers IMDSv2 session requests',
          "metadataOptions.httpPutResponseHopLimit is 3: at most 2 (this stack uses 1), so containers cannot fetch the instance's credentials",
        ],
      );
    });
  });

  describe("encrypted-root-volume", () => {
    const rule = "encrypted-root-volume";

    it("passes encrypted root and EBS volumes", () => {
      const ok = res(TYPES.instance, "server", {
        rootBlockDevice: { encrypted: true, volumeType: "gp3" },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
      });
      assert.deepEqual(messages(rule, [ok]), []);
    });

    it("rejects unencrypted or unset root volumes and unencrypted EBS volumes", () => {
      const plain = res(TYPES.instance, "plain", {
        rootBlockDevice: { encrypted: false },
        ebsBlockDevices: [{ deviceName: "/dev/sdf" }],
      });
      const unset = res(TYPES.instance, "unset", {});
      assert.deepEqual(messages(rule, [plain, unset]), [
        {
          resource: "plain",
          message:
            "rootBlockDevice.encrypted is false: the root volume must be encrypted (rootBlockDevice: { encrypted: true })",
        },
        {
          resource: "plain",
          message:
            "ebsBlockDevices[0] (/dev/sdf).encrypted is not set: every EBS volume must be encrypted",
        },
        {
          resource: "unset",
          message:
            "rootBlockDevice.encrypted is not set: the root volume must be encrypted (rootBlockDevice: { encrypted: true })",
        },
      ]);
    });
  });

  describe("no-secrets-in-user-data", () => {
    const rule = "no-secrets-in-user-data";
    const CLEAR = "EC2 stores user data in clear text, so it must carry no secrets";

    it("passes no user data and user data without secrets", () => {
      assert.deepEqual(
        messages(rule, [
          res(TYPES.instance, "none", {}),
          res(TYPES.instance, "script", { userData: "#!/bin/sh\napt-get install -y jq\n" }),
        ]),
        [],
      );
    });

    it("rejects tokens, passwords, private keys (also base64) and secret-marked user data", () => {
      const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n";
      assert.deepEqual(
        messages(rule, [
          res(TYPES.instance, "token", {
            userData: "write_files:\n- content: |\n    token: abc\n",
          }),
          res(TYPES.instance, "rancher", { userData: "helm install --set bootstrapPassword=x" }),
          res(TYPES.instance, "key", { userDataBase64: Buffer.from(key).toString("base64") }),
          res(TYPES.instance, "marked", { userData: "x" }, { secretProps: ["userData"] }),
        ]),
        [
          {
            resource: "token",
            message: `userData contains what looks like a token (\`token:\` / \`token=\`): ${CLEAR}`,
          },
          {
            resource: "rancher",
            message: `userData contains what looks like a password (\`password:\` / \`password=\`): ${CLEAR}`,
          },
          {
            resource: "rancher",
            message: `userData contains what looks like a Rancher bootstrap password (\`bootstrapPassword\`): ${CLEAR}`,
          },
          {
            resource: "key",
            message: `userDataBase64 contains what looks like a private key (\`PRIVATE KEY\`): ${CLEAR}`,
          },
          {
            resource: "marked",
            message:
              "userData is marked secret, but EC2 stores user data in clear text: deliver secrets another way (this stack copies them over SSH)",
          },
        ],
      );
    });
  });

  describe("alb-drops-invalid-headers", () => {
    const rule = "alb-drops-invalid-headers";

    it("passes ALBs that drop invalid headers and ignores NLBs", () => {
      assert.deepEqual(
        messages(rule, [
          loadBalancer("alb", { loadBalancerType: "application", dropInvalidHeaderFields: true }),
          loadBalancer("nlb", { loadBalancerType: "network" }),
        ]),
        [],
      );
    });

    it("rejects ALBs (the provider's default type) that keep invalid headers", () => {
      assert.deepEqual(
        messages(rule, [
          loadBalancer("default-type", {}),
          res(TYPES.albLoadBalancer, "alias", { dropInvalidHeaderFields: false }),
        ]),
        [
          {
            resource: "default-type",
            message:
              "dropInvalidHeaderFields is not set: an application load balancer must set dropInvalidHeaderFields: true",
          },
          {
            resource: "alias",
            message:
              "dropInvalidHeaderFields is false: an application load balancer must set dropInvalidHeaderFields: true",
          },
        ],
      );
    });
  });

  describe("modern-tls-policy", () => {
    const rule = "modern-tls-policy";
    const https = (name: string, sslPolicy?: string, protocol = "HTTPS") =>
      res(TYPES.lbListener, name, { protocol, port: 443, ...(sslPolicy ? { sslPolicy } : {}) });

    it("passes TLS 1.2+ policies and ignores plain listeners", () => {
      assert.deepEqual(
        messages(rule, [
          https("recommended", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
          https("res", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"),
          https("tls13-only", "ELBSecurityPolicy-TLS13-1-3-2021-06"),
          https("tls12", "ELBSecurityPolicy-TLS-1-2-2017-01"),
          https("tls12-ext", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06"),
          https("fs12", "ELBSecurityPolicy-FS-1-2-Res-2020-10"),
          https("nlb-tls", "ELBSecurityPolicy-TLS13-1-2-2021-06", "TLS"),
          https("http", undefined, "HTTP"),
          https("tcp", undefined, "TCP"),
        ]),
        [],
      );
    });

    it("rejects missing, 2016-08, TLS 1.0/1.1 and TLS13 policies that still accept 1.0/1.1", () => {
      const NOT_MODERN =
        "is not a TLS 1.2+ policy (it accepts TLS 1.0/1.1 or is unknown here): use ELBSecurityPolicy-TLS13-1-2-2021-06 or another ELBSecurityPolicy-TLS13-1-2-*";
      assert.deepEqual(
        messages(rule, [
          https("missing"),
          https("default", "ELBSecurityPolicy-2016-08"),
          https("tls10", "ELBSecurityPolicy-TLS-1-0-2015-04"),
          https("tls11", "ELBSecurityPolicy-TLS-1-1-2017-01"),
          https("tls13-10", "ELBSecurityPolicy-TLS13-1-0-2021-06"),
          res(TYPES.albListener, "alias-tls11", {
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06",
          }),
        ]),
        [
          {
            resource: "missing",
            message:
              "HTTPS listener has no sslPolicy: AWS then applies ELBSecurityPolicy-2016-08 (TLS 1.0+); set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06",
          },
          { resource: "default", message: `sslPolicy "ELBSecurityPolicy-2016-08" ${NOT_MODERN}` },
          {
            resource: "tls10",
            message: `sslPolicy "ELBSecurityPolicy-TLS-1-0-2015-04" ${NOT_MODERN}`,
          },
          {
            resource: "tls11",
            message: `sslPolicy "ELBSecurityPolicy-TLS-1-1-2017-01" ${NOT_MODERN}`,
          },
          {
            resource: "tls13-10",
            message: `sslPolicy "ELBSecurityPolicy-TLS13-1-0-2021-06" ${NOT_MODERN}`,
          },
          {
            resource: "alias-tls11",
            message: `sslPolicy "ELBSecurityPolicy-TLS13-1-1-2021-06" ${NOT_MODERN}`,
          },
        ],
      );
    });
  });

  describe("lb-deletion-protection-when-protected", () => {
    const rule = "lb-deletion-protection-when-protected";
    const unprotected = [
      loadBalancer("lb", { enableDeletionProtection: false }),
      res(TYPES.instance, "server", {}),
      res(TYPES.certificate, "cert", { domainName: "rancher.example.com" }),
      res(TYPES.helmRelease, "rancher-release", { name: "rancher", chart: "rancher" }),
      res(TYPES.helmRelease, "cert-manager", { name: "cert-manager", chart: "cert-manager" }),
    ];

    it("asks nothing without requireProtection (the default)", () => {
      assert.deepEqual(messages(rule, unprotected), []);
      assert.deepEqual(messages(rule, unprotected, { requireProtection: false }), []);
    });

    it("passes protected resources and LBs with deletion protection", () => {
      const protectedOnes = [
        loadBalancer("lb", { enableDeletionProtection: true }, { protect: true }),
        res(TYPES.instance, "server", {}, { protect: true }),
        res(TYPES.certificate, "cert", {}, { protect: true }),
        res(TYPES.helmRelease, "rancher-release", { chart: "rancher" }, { protect: true }),
      ];
      assert.deepEqual(messages(rule, protectedOnes, { requireProtection: true }), []);
    });

    it("rejects unprotected instances, LBs, certificates and the Rancher release", () => {
      const protect = (what: string) =>
        `the Pulumi protect option is not set: with requireProtection, ${what} must be protected (protect: true)`;
      assert.deepEqual(messages(rule, unprotected, { requireProtection: true }), [
        {
          resource: "lb",
          message:
            "enableDeletionProtection is false: with requireProtection, a load balancer must have AWS deletion protection",
        },
        { resource: "lb", message: protect("a load balancer") },
        { resource: "server", message: protect("an RKE2 server instance") },
        { resource: "cert", message: protect("an ACM certificate") },
        { resource: "rancher-release", message: protect("the Rancher Helm release") },
      ]);
    });
  });

  describe("remote-commands-no-secret-logging", () => {
    const rule = "remote-commands-no-secret-logging";
    const cmd = (name: string, props: Record<string, unknown>, extra = {}) =>
      res(TYPES.remoteCommand, name, { create: "true", ...props }, extra);

    it("passes secret commands that log stderr or nothing, and commands without secrets", () => {
      assert.deepEqual(
        messages(rule, [
          cmd(
            "start",
            { stdin: "tok", logging: "stderr" },
            { secretProps: ["stdin", "connection"] },
          ),
          cmd("kubeconfig", { logging: "none" }, { additionalSecretOutputs: ["stdout"] }),
          cmd(
            "install",
            {},
            { secretProps: ["connection"], additionalSecretOutputs: ["connection"] },
          ),
          cmd("plain-stdin", { stdin: "hello" }, { secretProps: [] }),
        ]),
        [],
      );
    });

    it("rejects secret stdin or secret stdout with stdout logging (also the default)", () => {
      assert.deepEqual(
        messages(rule, [
          cmd("start", { stdin: "tok" }, { secretProps: ["stdin"] }),
          cmd(
            "kubeconfig",
            { logging: "stdoutAndStderr" },
            { additionalSecretOutputs: ["stdout"] },
          ),
          cmd(
            "both",
            { stdin: "tok", logging: "stdout" },
            {
              secretProps: ["stdin"],
              additionalSecretOutputs: ["stdout"],
            },
          ),
          // In the engine secrets arrive unwrapped (secretProps unknown): any stdin counts.
          res(TYPES.localCommand, "engine-view", { stdin: "tok" }),
        ]),
        [
          {
            resource: "start",
            message:
              'stdin is secret, but logging is not set (default "stdoutAndStderr"): set logging to "stderr" or "none" so stdout is never logged',
          },
          {
            resource: "kubeconfig",
            message:
              'stdout is an additional secret output, but logging is "stdoutAndStderr": set logging to "stderr" or "none" so stdout is never logged',
          },
          {
            resource: "both",
            message:
              'stdin is secret and stdout is an additional secret output, but logging is "stdout": set logging to "stderr" or "none" so stdout is never logged',
          },
          {
            resource: "engine-view",
            message:
              'stdin is secret, but logging is not set (default "stdoutAndStderr"): set logging to "stderr" or "none" so stdout is never logged',
          },
        ],
      );
    });
  });

  it("skips values unknown until deployment instead of failing them", () => {
    const pending = [
      res(TYPES.instance, "server", {
        metadataOptions: { httpTokens: UNKNOWN },
        rootBlockDevice: { encrypted: UNKNOWN },
      }),
      res(TYPES.lbListener, "https", { protocol: "HTTPS", sslPolicy: UNKNOWN }),
      loadBalancer("alb", { dropInvalidHeaderFields: UNKNOWN }),
      ingressRule("ports", 22, "0.0.0.0/0", "sg", { fromPort: UNKNOWN, toPort: UNKNOWN }),
    ];
    assert.deepEqual(runRules(pending), []);
  });
});
