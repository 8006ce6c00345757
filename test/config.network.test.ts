// Admin and ingress ranges, and the VPC: new (range, zones) or existing (ID, subnets)
// (components/config/validators/network.ts and ranges.ts).
import { checkNetwork, checkRanges } from "../components/config/validators/network";
import { validatorTable } from "./config-helpers";

const ADMIN = { adminCidrs: ["203.0.113.0/24"] };
const SHARE =
  "that is a share of the internet, not your networks; list the networks you administer from";
const V4_SHARE = (n: string) =>
  `adminCidrs: together open SSH (22) and the Kubernetes API (6443) to ${n} public IPv4 addresses, more than a /8 (16,777,216): ${SHARE}`;
const V6_SHARE = `adminCidrs: together open SSH (22) and the Kubernetes API (6443) to more public IPv6 space than a /32 (a whole ISP allocation): ${SHARE}`;
const admin = (...adminCidrs: string[]) => ({ adminCidrs });

describe("config validator: admin and ingress ranges", () => {
  validatorTable(checkRanges, [
    ["one admin range and the default ingress", ADMIN, []],
    ["a /8 of public space", admin("11.0.0.0/8"), []],
    ["overlaps, counted once", admin("11.0.0.0/8", "11.0.0.0/9"), []],
    [
      "private ranges (not the internet)",
      admin("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"),
      [],
    ],
    ["IPv6 within a /32, and ULA", admin("2001:db8::/32", "fd00::/8"), []],
    [
      "no admin range",
      {},
      [
        `adminCidrs: required; the networks allowed to SSH and reach the Kubernetes API, e.g. '["203.0.113.0/24"]'`,
      ],
    ],
    [
      "the IPv4 world",
      admin("0.0.0.0/0"),
      [
        "adminCidrs: 0.0.0.0/0 opens SSH and the Kubernetes API to the whole internet; list your own networks",
      ],
    ],
    [
      "the IPv6 world",
      admin("::/0"),
      [
        "adminCidrs: ::/0 opens SSH and the Kubernetes API to the whole internet; list your own networks",
      ],
    ],
    ["both halves of IPv4", admin("0.0.0.0/1", "128.0.0.0/1"), [V4_SHARE("4,272,881,664")]],
    ["two /8s", admin("11.0.0.0/8", "12.0.0.0/8"), [V4_SHARE("33,554,432")]],
    ["a /7", admin("8.0.0.0/7"), [V4_SHARE("33,554,432")]],
    ["both halves of IPv6", admin("::/1", "8000::/1"), [V6_SHARE]],
    ["an IPv6 /16", admin("2001::/16"), [V6_SHARE]],
    [
      "a malformed admin range",
      admin("203.0.113.0/33"),
      [`adminCidrs: "203.0.113.0/33" has an invalid prefix length`],
    ],
    [
      "host bits",
      admin("203.0.113.7/24"),
      [`adminCidrs: "203.0.113.7/24" has host bits set; did you mean 203.0.113.0/24?`],
    ],
    [
      "no ingress range",
      { ...ADMIN, ingressCidrs: [] },
      ["ingressCidrs: must list at least one CIDR (default 0.0.0.0/0)"],
    ],
    [
      "an ingress range that is not one",
      { ...ADMIN, ingressCidrs: ["everyone"] },
      [`ingressCidrs: "everyone" is not a CIDR like 203.0.113.0/24`],
    ],
  ]);
});

const VPC = "vpc-0123456789abcdef0";
const S1 = "subnet-0123456789abcdef0";
const S2 = "subnet-0123456789abcdef1";
const zoneLoss = (layout: string, zones: number, lost: number) =>
  `warning: rancher-ha:availabilityZones: the 3 servers can only be spread over ${zones} availability zone${zones > 1 ? "s" : ""} (${layout}). etcd needs 2 of 3 members: losing us-east-1a takes ${lost} of the 3 etcd members, so the cluster loses quorum (the API stops accepting changes) until that zone is back. Use three availability zones for a cluster that survives a zone outage.`;
const ZONE_LOSS = zoneLoss("us-east-1a: servers 1, 3; us-east-1b: server 2", 2, 2);

describe("config validator: the VPC", () => {
  validatorTable(checkNetwork, [
    ["a new VPC by default", {}, []],
    ["a /24 VPC", { vpcCidr: "10.30.0.0/24" }, []],
    [
      "three zones of the region",
      { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"] },
      [],
    ],
    ["an existing VPC", { vpcId: VPC, subnetIds: [S1, S2] }, []],
    [
      "two zones: servers cannot survive losing the busier one",
      { availabilityZones: ["us-east-1a", "us-east-1b"] },
      [ZONE_LOSS],
    ],
    [
      "a VPC range that is not one",
      { vpcCidr: "10.20.0.0" },
      [`vpcCidr: "10.20.0.0" is not a CIDR like 203.0.113.0/24`],
    ],
    [
      "a VPC range too large",
      { vpcCidr: "10.0.0.0/8" },
      ["vpcCidr: /8 is out of range; use a prefix from /16 to /24 (e.g. 10.20.0.0/16)"],
    ],
    ["an IPv6 VPC range", { vpcCidr: "fd00::/56" }, ["vpcCidr: must be an IPv4 CIDR"]],
    [
      "one zone",
      { availabilityZones: ["us-east-1a"] },
      [
        "availabilityZones: list two or three distinct availability zones",
        zoneLoss("us-east-1a: servers 1, 2, 3", 1, 3),
      ],
    ],
    [
      "a zone listed twice",
      { availabilityZones: ["us-east-1a", "us-east-1a", "us-east-1b"] },
      [
        "availabilityZones: list two or three distinct availability zones",
        zoneLoss("us-east-1a: servers 1, 2; us-east-1b: server 3", 2, 2),
      ],
    ],
    [
      "a zone of another region",
      { availabilityZones: ["us-east-1a", "eu-west-1b", "us-east-1c"] },
      [`availabilityZones: "eu-west-1b" is not an availability zone of us-east-1`],
    ],
    [
      "a VPC without subnets",
      { vpcId: VPC },
      ["subnetIds: required with vpcId: the servers' subnets, in at least two AZs"],
    ],
    [
      "subnets without a VPC",
      { subnetIds: [S1, S2] },
      ["vpcId: required with subnetIds (the VPC the subnets belong to)"],
    ],
    [
      "one subnet (listed twice)",
      { vpcId: VPC, subnetIds: [S1, S1] },
      ["subnetIds: list at least two distinct subnets in different availability zones"],
    ],
    [
      "IDs of the wrong shape",
      { vpcId: "vpc-1", subnetIds: [S1, "subnet-xyz"] },
      [
        `vpcId: "vpc-1" is not a VPC ID like vpc-0123456789abcdef0`,
        `subnetIds: "subnet-xyz" is not a subnet ID like subnet-0123456789abcdef0`,
      ],
    ],
    [
      "new-VPC keys with an existing VPC",
      { vpcId: VPC, subnetIds: [S1, S2], vpcCidr: "10.0.0.0/16", availabilityZones: ["a", "b"] },
      [
        "vpcCidr: is only for a new VPC; remove it when vpcId is set",
        "availabilityZones: is only for a new VPC; with vpcId the subnets decide the AZs",
      ],
    ],
  ]);
});
