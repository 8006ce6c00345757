// The network: who reaches the load balancer, the VPC (created or given), zones, subnets, NAT
// gateways and the load balancers' scheme.
// Part of the configuration schema (../schema.ts): its "Network" section, in order.
import { LOAD_BALANCER_SCHEMES, NAT_GATEWAY_MODES } from "../../accessModes";
import type { KeySpec } from "../keySpec";

export const NETWORK_KEYS = {
  ingressCidrs: {
    type: "string[]",
    description: "Sources allowed to reach Rancher on 80/443 through the load balancer.",
    default: ["0.0.0.0/0"],
    group: "Network",
    doc: { notes: "Who reaches Rancher on 80/443 through the load balancer." },
  },
  vpcCidr: {
    type: "string",
    description:
      "CIDR of the new VPC (a public subnet per AZ, and a private one per AZ for bastion/ssm). Not with vpcId.",
    default: "10.20.0.0/16",
    unset: "",
    group: "Network",
    doc: {
      notes:
        "New VPC (/16 to /24): one public subnet per AZ from its first three quarters; with `bastion`/`ssm` one private subnet per AZ from the fourth quarter (a /16 gives /20s).",
    },
  },
  availabilityZones: {
    type: "string[]",
    description: "AZs for the new VPC's subnets (2 or 3). Default: the region's first three.",
    unset: "[]",
    group: "Network",
    doc: {
      default: "the region's first three available AZs",
      notes:
        "2 or 3 AZs of the region for the new VPC, one subnet each. See [Availability zones](#availability-zones).",
    },
  },
  vpcId: {
    type: "string",
    description: "Existing VPC to use (with subnetIds) instead of creating one.",
    unset: "",
    group: "Network",
    doc: { notes: "Bring your own VPC, with `subnetIds`." },
  },
  subnetIds: {
    type: "string[]",
    description:
      "Existing subnets in vpcId for the servers: private (route to a NAT) with bastion/ssm, public with nodeAccess public.",
    unset: "[]",
    group: "Network",
    doc: {
      notes:
        "With `vpcId`: the servers' subnets. With `bastion`/`ssm`: private subnets whose 0.0.0.0/0 goes to a NAT (or another non-IGW target); with `public`: public subnets (route to an IGW) in ≥ 2 AZs, which the load balancers share. Several may share an AZ: the load balancers take the first listed of each AZ, the servers use them all.",
    },
  },
  natGateways: {
    type: "string",
    choices: NAT_GATEWAY_MODES,
    description:
      "Egress of the new VPC's private subnets: single (one NAT gateway) or perAz (one per AZ, survives an AZ outage).",
    default: "single",
    unset: "",
    group: "Network",
    doc: {
      notes:
        "New VPC with `bastion` or `ssm` only. `single`: one NAT gateway, every private subnet's egress through AZ 1 (if that AZ fails, the servers elsewhere lose egress). `perAz`: one per AZ, each AZ independent, at one NAT gateway's price per AZ.",
    },
  },
  publicSubnetIds: {
    type: "string[]",
    description:
      "With vpcId and private servers: public subnets (route to an internet gateway) for the load balancers and the bastion.",
    unset: "[]",
    group: "Network",
    doc: {
      notes:
        "With `vpcId` and `nodeAccess` `bastion`/`ssm`: public subnets (0.0.0.0/0 to an internet gateway) in ≥ 2 AZs covering the servers' AZs, for the load balancers and the bastion; `subnetIds` are then the servers' private subnets. Required unless `loadBalancerScheme` is `internal` (then everything sits in `subnetIds`).",
    },
  },
  loadBalancerScheme: {
    type: "string",
    choices: LOAD_BALANCER_SCHEMES,
    description:
      "internet-facing, or internal: every load balancer gets private addresses only (reached over VPN/peering; the hostname in a private hosted zone).",
    default: "internet-facing",
    group: "Network",
    doc: {
      notes:
        "`internal`: the public NLB and the ALB become internal, `hostedZone`/`hostedZoneId` must name a **private** zone, `tlsSource` `letsEncrypt` is refused (HTTP-01 cannot reach it) and l7 needs `certificateArn` (ACM validates over public DNS). Not with `nodeAccess` `public`. Changing it replaces the load balancers. See [Internal load balancers](#internal-load-balancers).",
    },
  },
} as const satisfies Record<string, KeySpec & { group: "Network" }>;
