// What a given subnet's route table says about it, as pure functions: a default route to an
// internet gateway makes it public; one to a NAT gateway, transit gateway, network interface,
// peering, VPN gateway or endpoint gives a private subnet egress; none leaves it isolated.
import { onePerZone, type ZonedSubnet } from "../placement";

export type SubnetClass =
  | { kind: "public"; target: string }
  | { kind: "private-egress"; target: string }
  | { kind: "isolated" };

/** The fields of a route (GetRouteTableRoute of @pulumi/aws 7) the classification reads. */
export interface RouteFacts {
  cidrBlock?: string;
  gatewayId?: string;
  natGatewayId?: string;
  transitGatewayId?: string;
  networkInterfaceId?: string;
  vpcPeeringConnectionId?: string;
  vpcEndpointId?: string;
  instanceId?: string;
  carrierGatewayId?: string;
  localGatewayId?: string;
  coreNetworkArn?: string;
}

const EGRESS_TARGETS = [
  "natGatewayId",
  "transitGatewayId",
  "networkInterfaceId",
  "instanceId",
  "vpcPeeringConnectionId",
  "vpcEndpointId",
  "carrierGatewayId",
  "localGatewayId",
  "coreNetworkArn",
] as const;

/** Classifies a subnet by its route table's IPv4 default route. */
export function classifySubnet(routes: readonly RouteFacts[]): SubnetClass {
  const route = routes.find((r) => r.cidrBlock === "0.0.0.0/0");
  if (!route) return { kind: "isolated" };
  if (route.gatewayId?.startsWith("igw-")) return { kind: "public", target: route.gatewayId };
  // A virtual private gateway (vgw-…) is egress through the user's own network.
  if (route.gatewayId) return { kind: "private-egress", target: route.gatewayId };
  for (const key of EGRESS_TARGETS) {
    const target = route[key];
    if (target) return { kind: "private-egress", target };
  }
  return { kind: "isolated" };
}

export interface GivenSubnet extends ZonedSubnet {
  vpcId: string;
  class: SubnetClass;
}

/**
 * Every problem with the given subnets (as [key, message]), all at once: each in `vpcId`; the
 * load balancers' subnets public (or, for internal load balancers without public subnets, the
 * servers' own) in at least two zones covering every server zone; the servers' subnets private
 * with egress when `privateServers`, public otherwise.
 */
export function givenSubnetProblems(a: {
  vpcId: string;
  servers: readonly GivenSubnet[];
  publicSubnets?: readonly GivenSubnet[];
  privateServers: boolean;
}): [key: string, message: string][] {
  const out: [string, string][] = [];
  const lists = [
    ["subnetIds", a.servers],
    ["publicSubnetIds", a.publicSubnets ?? []],
  ] as const;
  for (const [key, subnets] of lists) {
    const foreign = subnets.filter((s) => s.vpcId !== a.vpcId).map((s) => s.id);
    if (foreign.length > 0) {
      out.push([key, `${foreign.join(", ")} not in ${a.vpcId}; list subnets of rancher-ha:vpcId`]);
    }
  }
  for (const s of a.publicSubnets ?? []) {
    if (s.class.kind !== "public") {
      out.push([
        "publicSubnetIds",
        `${s.id} ${describe(s.class)}, not to an internet gateway: list public subnets in rancher-ha:publicSubnetIds`,
      ]);
    }
  }
  for (const s of a.servers) {
    if (a.privateServers && s.class.kind === "public") {
      out.push([
        "subnetIds",
        `${s.id} is given for private servers but routes 0.0.0.0/0 to ${s.class.target}: servers there would need public IPs; list private subnets (0.0.0.0/0 to a NAT gateway) in rancher-ha:subnetIds and public ones in rancher-ha:publicSubnetIds`,
      ]);
    } else if (a.privateServers && s.class.kind === "isolated") {
      out.push([
        "subnetIds",
        `${s.id} has no default route: private servers need egress through a NAT gateway (RKE2 downloads, image pulls, SSM); add 0.0.0.0/0 to a NAT gateway to its route table`,
      ]);
    } else if (!a.privateServers && s.class.kind !== "public") {
      out.push([
        "subnetIds",
        `${s.id} ${describe(s.class)}, not to an internet gateway: with nodeAccess public the servers need public subnets; use nodeAccess bastion or ssm for private subnets`,
      ]);
    }
  }
  const lbKey = a.publicSubnets ? "publicSubnetIds" : "subnetIds";
  const lbZones = new Set(onePerZone(a.publicSubnets ?? a.servers).map((s) => s.availabilityZone));
  if (lbZones.size < 2) {
    out.push([
      lbKey,
      `all subnets are in ${[...lbZones].join(", ")}; list subnets in at least two availability zones`,
    ]);
  } else if (a.publicSubnets) {
    const uncovered = [...new Set(a.servers.map((s) => s.availabilityZone))].filter(
      (az) => !lbZones.has(az),
    );
    if (uncovered.length > 0) {
      out.push([
        "publicSubnetIds",
        `no subnet in ${uncovered.join(", ")}, where rancher-ha:subnetIds puts servers: a load balancer only sends traffic to targets in its own zones; add a public subnet there`,
      ]);
    }
  }
  return out;
}

function describe(c: SubnetClass): string {
  switch (c.kind) {
    case "public":
      return `routes 0.0.0.0/0 to ${c.target}`;
    case "private-egress":
      return `routes 0.0.0.0/0 to ${c.target}`;
    case "isolated":
      return "has no default route (0.0.0.0/0)";
    default: {
      const unknown: never = c;
      return String(unknown);
    }
  }
}
