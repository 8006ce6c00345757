import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceTags } from "./tags";

export type NetworkArgs =
  | {
      kind: "new";
      cidr: string;
      /** Explicit AZs; otherwise the region's first three available. */
      availabilityZones?: string[];
      tags: Record<string, string>;
    }
  | { kind: "existing"; vpcId: string; subnetIds: string[]; tags: Record<string, string> };

/** Split an IPv4 CIDR into four equal parts (/16 → four /18s); the first N become subnets. */
export function subnetCidrs(cidr: string, count: number): string[] {
  const [addr, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const base = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix - 2);
  return Array.from({ length: count }, (_, i) => {
    const n = base + i * size;
    const dotted = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
    return `${dotted}/${prefix + 2}`;
  });
}

/** Why the given subnets cannot carry the stack, or undefined. */
export function existingSubnetsProblem(
  vpcId: string,
  subnets: { id: string; vpcId: string; availabilityZone: string }[],
): string | undefined {
  const foreign = subnets.filter((s) => s.vpcId !== vpcId).map((s) => s.id);
  if (foreign.length > 0) {
    return `rancher-ha:subnetIds: ${foreign.join(", ")} not in ${vpcId}; list subnets of rancher-ha:vpcId`;
  }
  const azs = new Set(subnets.map((s) => s.availabilityZone));
  if (azs.size < 2) {
    return `rancher-ha:subnetIds: all subnets are in ${[...azs].join(", ")}; list subnets in at least two availability zones`;
  }
  return undefined;
}

/**
 * The VPC and public subnets the servers and load balancers live in: a new VPC with an internet
 * gateway and one public subnet per AZ, or subnets the user brings.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidr: pulumi.Output<string>;
  public readonly subnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:network:Network", name, {}, opts);
    const parent = { parent: this };

    if (args.kind === "existing") {
      const vpc = aws.ec2.getVpcOutput({ id: args.vpcId }, parent);
      // Checked at deploy (offline the AZs are unknown): everything that uses a subnet waits
      // for this, so a bad list fails before any server or load balancer is created.
      const checked = pulumi
        .all(args.subnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, parent)))
        .apply((subnets) => {
          const problem = existingSubnetsProblem(args.vpcId, subnets);
          if (problem) throw new Error(problem);
          return subnets.map((s) => s.id);
        });
      this.vpcId = pulumi.output(args.vpcId);
      this.vpcCidr = vpc.cidrBlock;
      this.subnetIds = args.subnetIds.map((_, i) => checked.apply((ids) => ids[i]));
    } else {
      // Three subnets (two with explicit AZs): the count decides resources, so it is plain.
      const count = args.availabilityZones?.length ?? 3;
      const azNames: pulumi.Output<string[]> = args.availabilityZones
        ? pulumi.output(args.availabilityZones)
        : aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;
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
      this.subnetIds = subnetCidrs(args.cidr, count).map((cidrBlock, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${i + 1}`,
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: azNames.apply((names) => {
              if (names.length < 2) {
                throw new Error(
                  "the region has fewer than two available AZs; set rancher-ha:availabilityZones",
                );
              }
              return names[i % names.length];
            }),
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
      this.vpcCidr = vpc.cidrBlock;
    }
    this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
  }
}
