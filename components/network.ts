import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subdivide } from "./cidr";
import { ConfigError, type RancherHaConfig } from "./config";
import {
  MAX_AVAILABILITY_ZONES,
  onePerZone,
  serverZones,
  spreadOverZones,
  zoneLossWarning,
  type ZonedSubnet,
} from "./placement";
import { resourceTags } from "./tags";

/** A given subnet, as EC2 describes it. */
export interface SubnetFacts extends ZonedSubnet {
  vpcId: string;
  cidrBlock: string;
}

/** Where the network goes, decided before any resource is registered (counts are plain). */
export type PlacedNetwork =
  | {
      kind: "new";
      cidr: string;
      /** The new VPC's subnet zones, 2 or 3. */
      availabilityZones: string[];
    }
  | { kind: "existing"; vpcId: string; subnets: SubnetFacts[] };

export type NetworkArgs = PlacedNetwork & { tags: Record<string, string> };

/** Split an IPv4 CIDR into four equal parts (/16 → four /18s); the first N become subnets. */
export function subnetCidrs(cidr: string, count: number): string[] {
  return subdivide(cidr, 2, count);
}

/** Why the given subnets cannot carry the stack (a `rancher-ha:subnetIds` problem), or undefined. */
export function existingSubnetsProblem(
  vpcId: string,
  subnets: { id: string; vpcId: string; availabilityZone: string }[],
): string | undefined {
  const foreign = subnets.filter((s) => s.vpcId !== vpcId).map((s) => s.id);
  if (foreign.length > 0) {
    return `${foreign.join(", ")} not in ${vpcId}; list subnets of rancher-ha:vpcId`;
  }
  const azs = new Set(subnets.map((s) => s.availabilityZone));
  if (azs.size < 2) {
    return `all subnets are in ${[...azs].join(", ")}; list subnets in at least two availability zones`;
  }
  return undefined;
}

/**
 * Looks up what the network's shape depends on, before anything is registered: a subnet count
 * decides resources, so it must be a plain value, never an Output. For a new VPC without
 * `availabilityZones`: the region's zones (state available, opt-in not required: no Local or
 * Wavelength Zones; the provider sorts them by name), at most three. For given subnets: their
 * zones and CIDRs, checked. Explicit `availabilityZones` are used as given (no lookup, so an
 * incident elsewhere in the region never moves a pinned subnet). Bad input throws ConfigError.
 */
export async function placeNetwork(
  network: RancherHaConfig["network"],
  serverCount: number,
): Promise<{ network: PlacedNetwork; warnings: string[] }> {
  if (network.kind === "existing") {
    const subnets = await Promise.all(
      network.subnetIds.map(async (id) => {
        const s = await aws.ec2.getSubnet({ id });
        return { id, vpcId: s.vpcId, availabilityZone: s.availabilityZone, cidrBlock: s.cidrBlock };
      }),
    );
    const problem = existingSubnetsProblem(network.vpcId, subnets);
    if (problem) throw new ConfigError([{ key: "subnetIds", message: problem }]);
    const spread = spreadOverZones(subnets);
    const warning = zoneLossWarning("rancher-ha:subnetIds", serverZones(serverCount, spread));
    return {
      network: { kind: "existing", vpcId: network.vpcId, subnets },
      warnings: warning ? [warning] : [],
    };
  }
  if (network.availabilityZones) {
    // The config validators warn about a two-zone list themselves.
    return {
      network: { kind: "new", cidr: network.vpcCidr, availabilityZones: network.availabilityZones },
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
    network: { kind: "new", cidr: network.vpcCidr, availabilityZones: names },
    warnings: warning ? [warning] : [],
  };
}

/**
 * The VPC and public subnets the servers and load balancers live in: a new VPC with an internet
 * gateway and one public subnet per zone, or subnets the user brings.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** Servers take these round-robin: a different zone each time while there is one. */
  public readonly serverSubnetIds: pulumi.Input<string>[];
  /** Exactly one subnet per zone (ELBv2 takes no more): for every load balancer. */
  public readonly loadBalancerSubnetIds: pulumi.Input<string>[];
  /**
   * Ranges the load balancers' own addresses come from, for the ingress controller's
   * forwarded-header trust: the new VPC's CIDR (its subnets lie inside it), or the CIDRs of the
   * given subnets the load balancers sit in, which may be in a secondary VPC CIDR.
   */
  public readonly loadBalancerCidrs: string[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:network:Network", name, {}, opts);
    const parent = { parent: this };

    if (args.kind === "existing") {
      const lbSubnets = onePerZone(args.subnets);
      this.vpcId = pulumi.output(args.vpcId);
      this.serverSubnetIds = spreadOverZones(args.subnets).map((s) => s.id);
      this.loadBalancerSubnetIds = lbSubnets.map((s) => s.id);
      this.loadBalancerCidrs = [...new Set(lbSubnets.map((s) => s.cidrBlock))].sort();
    } else {
      const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: args.cidr,
          enableDnsHostnames: true,
          enableDnsSupport: true,
          tags: resourceTags(args.tags, `${name}-vpc`),
        },
        parent,
      );
      const igw = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: resourceTags(args.tags, `${name}-igw`) },
        parent,
      );
      const routes = new aws.ec2.RouteTable(
        `${name}-public`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
          tags: resourceTags(args.tags, `${name}-public`),
        },
        parent,
      );
      const cidrs = subnetCidrs(args.cidr, args.availabilityZones.length);
      const subnetIds = args.availabilityZones.map((availabilityZone, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${i + 1}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidrs[i],
            availabilityZone,
            mapPublicIpOnLaunch: true,
            tags: resourceTags(args.tags, `${name}-public-${i + 1}`),
          },
          parent,
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${i + 1}`,
          { subnetId: subnet.id, routeTableId: routes.id },
          parent,
        );
        return subnet.id;
      });
      this.vpcId = vpc.id;
      this.serverSubnetIds = subnetIds;
      this.loadBalancerSubnetIds = subnetIds;
      this.loadBalancerCidrs = [args.cidr];
    }
    this.registerOutputs({
      vpcId: this.vpcId,
      serverSubnetIds: this.serverSubnetIds,
      loadBalancerSubnetIds: this.loadBalancerSubnetIds,
    });
  }
}
