// What the network's shape depends on, looked up before anything is registered: a subnet count
// decides resources, so it must be a plain value, never an Output.
import * as aws from "@pulumi/aws";
import { serversArePrivate, type NodeAccessMode } from "../accessModes";
import { ConfigError, type RancherHaConfig } from "../config";
import {
  MAX_AVAILABILITY_ZONES,
  serverZones,
  spreadOverZones,
  zoneLossWarning,
} from "../placement";
import { classifySubnet, givenSubnetProblems, type GivenSubnet, type RouteFacts } from "./routes";

/** A given subnet, as EC2 describes it. */
export interface SubnetFacts extends GivenSubnet {
  cidrBlock: string;
}

/** Where the network goes, decided before any resource is registered (counts are plain). */
export type PlacedNetwork =
  | {
      kind: "new";
      cidr: string;
      /** The new VPC's subnet zones, 2 or 3. */
      availabilityZones: string[];
      /** Private subnets for the servers, with their NAT egress (bastion, ssm). */
      private?: { natGateways: "single" | "perAz" };
    }
  | {
      kind: "existing";
      vpcId: string;
      /** The servers' subnets. */
      subnets: SubnetFacts[];
      /** Where the load balancers (and the bastion) go, when not in `subnets`. */
      publicSubnets?: SubnetFacts[];
    };

/**
 * The route table a subnet uses: its explicit association, else the VPC's main table. DescribeRouteTables
 * filtered on `association.subnet-id` matches explicit associations only, so a subnet on the main
 * table returns nothing (boto/boto3#2245; terraform-provider-aws#12099, hashicorp/terraform#13936:
 * the singular data source fails "query returned no results" for such a subnet).
 */
async function routesOf(vpcId: string, subnetId: string): Promise<RouteFacts[]> {
  const explicit = await aws.ec2.getRouteTables({
    vpcId,
    filters: [{ name: "association.subnet-id", values: [subnetId] }],
  });
  const table =
    explicit.ids.length > 0
      ? await aws.ec2.getRouteTable({ routeTableId: explicit.ids[0] })
      : await aws.ec2.getRouteTable({
          vpcId,
          filters: [{ name: "association.main", values: ["true"] }],
        });
  return table.routes;
}

async function describeSubnet(vpcId: string, id: string): Promise<SubnetFacts> {
  const s = await aws.ec2.getSubnet({ id });
  // A subnet of another VPC is reported as such; its routes are not looked up.
  const routes = s.vpcId === vpcId ? await routesOf(vpcId, id) : [];
  return {
    id,
    vpcId: s.vpcId,
    availabilityZone: s.availabilityZone,
    cidrBlock: s.cidrBlock,
    class: classifySubnet(routes),
  };
}

/**
 * Looks up what the network's shape depends on. For a new VPC without `availabilityZones`: the
 * region's zones (state available, opt-in not required: no Local or Wavelength Zones; the
 * provider sorts them by name), at most three. For given subnets: their VPC, zones, CIDRs and
 * default routes, checked (routes against `nodeAccess`: private servers need a NAT, public ones
 * an internet gateway). Explicit `availabilityZones` are used as given (no lookup, so an incident
 * elsewhere in the region never moves a pinned subnet). Bad input throws ConfigError, every
 * problem at once.
 */
export async function placeNetwork(
  network: RancherHaConfig["network"],
  serverCount: number,
  access: NodeAccessMode,
): Promise<{ network: PlacedNetwork; warnings: string[] }> {
  const privateServers = serversArePrivate(access);
  if (network.kind === "existing") {
    const [subnets, publicSubnets] = await Promise.all([
      Promise.all(network.subnetIds.map((id) => describeSubnet(network.vpcId, id))),
      network.publicSubnetIds &&
        Promise.all(network.publicSubnetIds.map((id) => describeSubnet(network.vpcId, id))),
    ]);
    const problems = givenSubnetProblems({
      vpcId: network.vpcId,
      servers: subnets,
      ...(publicSubnets ? { publicSubnets } : {}),
      privateServers,
    });
    if (problems.length > 0) {
      throw new ConfigError(problems.map(([key, message]) => ({ key, message })));
    }
    const spread = spreadOverZones(subnets);
    const warning = zoneLossWarning("rancher-ha:subnetIds", serverZones(serverCount, spread));
    return {
      network: {
        kind: "existing",
        vpcId: network.vpcId,
        subnets,
        ...(publicSubnets ? { publicSubnets } : {}),
      },
      warnings: warning ? [warning] : [],
    };
  }
  const privateSubnets = privateServers ? { private: { natGateways: network.natGateways } } : {};
  if (network.availabilityZones) {
    // The config validators warn about a two-zone list themselves.
    return {
      network: {
        kind: "new",
        cidr: network.vpcCidr,
        availabilityZones: network.availabilityZones,
        ...privateSubnets,
      },
      warnings: [],
    };
  }
  const zones = await aws.getAvailabilityZones({
    state: "available",
    filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
  });
  const names = zones.names.slice(0, MAX_AVAILABILITY_ZONES);
  if (names.length < 2) {
    throw new ConfigError([
      {
        key: "aws:region",
        message: `offers ${names.length === 0 ? "no" : `only ${names.join(", ")} as`} available availability zone${names.length === 1 ? "" : "s"}; a load balancer needs two: use another region`,
      },
    ]);
  }
  const spread = names.map((az) => ({ id: az, availabilityZone: az }));
  const warning = zoneLossWarning("aws:region", serverZones(serverCount, spread));
  return {
    network: { kind: "new", cidr: network.vpcCidr, availabilityZones: names, ...privateSubnets },
    warnings: warning ? [warning] : [],
  };
}
