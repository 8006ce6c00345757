import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { onePerZone, spreadOverZones } from "../placement";
import { resourceTags } from "../tags";
import { natGatewayOf, privateSubnetCidrs, subnetCidrs } from "./layout";
import type { PlacedNetwork } from "./place";

export { natGatewayOf, privateSubnetCidrs, subnetCidrs } from "./layout";
export { placeNetwork, type PlacedNetwork, type SubnetFacts } from "./place";
export { classifySubnet, givenSubnetProblems, type SubnetClass } from "./routes";

export type NetworkArgs = PlacedNetwork & { tags: Record<string, string> };

/**
 * The VPC and subnets the servers and load balancers live in: a new VPC with an internet gateway,
 * one public subnet per zone and, for private servers, one private subnet per zone with its
 * egress through NAT gateways; or subnets the user brings.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** Servers take these round-robin: a different zone each time while there is one. */
  public readonly serverSubnetIds: pulumi.Input<string>[];
  /** Exactly one subnet per zone (ELBv2 takes no more): for every load balancer. */
  public readonly loadBalancerSubnetIds: pulumi.Input<string>[];
  /** A public subnet (zone 1) for the bastion; the servers' first subnet when there is none. */
  public readonly bastionSubnetId: pulumi.Input<string>;
  /**
   * Ranges the load balancers' own addresses come from, for the ingress controller's
   * forwarded-header trust: the new VPC's CIDR (its subnets lie inside it), or the CIDRs of the
   * given subnets the load balancers sit in, which may be in a secondary VPC CIDR.
   */
  public readonly loadBalancerCidrs: string[];
  /**
   * What gives private servers egress (NAT gateways, default routes, associations): servers wait
   * for it, so the installer and the SSM agent have a way out at first boot. Empty otherwise.
   */
  public readonly egress: pulumi.Resource[];
  /** The NAT gateways' public addresses (new VPC with private servers). */
  public readonly natPublicIps: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:network:Network", name, {}, opts);
    const parent = { parent: this };
    this.egress = [];
    this.natPublicIps = [];

    if (args.kind === "existing") {
      const lbSubnets = onePerZone(args.publicSubnets ?? args.subnets);
      this.vpcId = pulumi.output(args.vpcId);
      this.serverSubnetIds = spreadOverZones(args.subnets).map((s) => s.id);
      this.loadBalancerSubnetIds = lbSubnets.map((s) => s.id);
      this.bastionSubnetId = (args.publicSubnets ?? args.subnets)[0].id;
      this.loadBalancerCidrs = [...new Set(lbSubnets.map((s) => s.cidrBlock))].sort();
    } else {
      const tag = (n: string) => resourceTags(args.tags, n);
      const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: args.cidr,
          enableDnsHostnames: true,
          enableDnsSupport: true,
          tags: tag(`${name}-vpc`),
        },
        parent,
      );
      const igw = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: tag(`${name}-igw`) },
        parent,
      );
      const routes = new aws.ec2.RouteTable(
        `${name}-public`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
          tags: tag(`${name}-public`),
        },
        parent,
      );
      const cidrs = subnetCidrs(args.cidr, args.availabilityZones.length);
      const publicSubnets = args.availabilityZones.map((availabilityZone, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${i + 1}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidrs[i],
            availabilityZone,
            // No address for whatever else launches here (AWS Security Hub EC2.15): the servers
            // and the bastion ask for theirs (associatePublicIpAddress), the NAT gateway and the
            // load balancers bring their own. It also spares the NAT gateway the provider's 10 s
            // wait after setting the attribute (plan/estimate/durations.ts). An in-place update.
            mapPublicIpOnLaunch: false,
            tags: tag(`${name}-public-${i + 1}`),
          },
          parent,
        );
        const association = new aws.ec2.RouteTableAssociation(
          `${name}-public-${i + 1}`,
          { subnetId: subnet.id, routeTableId: routes.id },
          parent,
        );
        return { subnet, association };
      });
      const publicIds = publicSubnets.map((s) => s.subnet.id);
      this.vpcId = vpc.id;
      this.loadBalancerSubnetIds = publicIds;
      this.bastionSubnetId = publicIds[0];
      this.loadBalancerCidrs = [args.cidr];
      if (args.private) {
        this.serverSubnetIds = this.privateSubnets(name, args, args.private.natGateways, {
          vpcId: vpc.id,
          publicSubnets,
          internetGateway: igw,
          tag,
        });
      } else {
        this.serverSubnetIds = publicIds;
      }
    }
    this.registerOutputs({
      vpcId: this.vpcId,
      serverSubnetIds: this.serverSubnetIds,
      loadBalancerSubnetIds: this.loadBalancerSubnetIds,
    });
  }

  /**
   * One private subnet per zone (the VPC range's fourth quarter), each with its own route table
   * whose default route goes to a NAT gateway: `single`, the one in public subnet 1; `perAz`, its
   * own zone's. A NAT gateway is redundant only within its zone; if that zone fails, resources in
   * other zones that use it lose internet access, so AWS recommends one per zone for zone-independent
   * egress (docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html). Each NAT gateway
   * needs an Elastic IP and sits in a public subnet (public connectivity).
   */
  private privateSubnets(
    name: string,
    args: Extract<NetworkArgs, { kind: "new" }>,
    mode: "single" | "perAz",
    n: {
      vpcId: pulumi.Input<string>;
      publicSubnets: { subnet: aws.ec2.Subnet; association: aws.ec2.RouteTableAssociation }[];
      internetGateway: aws.ec2.InternetGateway;
      tag: (name: string) => Record<string, string>;
    },
  ): pulumi.Input<string>[] {
    const parent = { parent: this };
    const natCount = mode === "perAz" ? args.availabilityZones.length : 1;
    const nats = Array.from({ length: natCount }, (_, k) => {
      const natName = `${name}-nat-${k + 1}`;
      const eip = new aws.ec2.Eip(natName, { domain: "vpc", tags: n.tag(natName) }, parent);
      this.natPublicIps.push(eip.publicIp);
      return new aws.ec2.NatGateway(
        natName,
        {
          allocationId: eip.allocationId,
          subnetId: n.publicSubnets[k].subnet.id,
          connectivityType: "public",
          tags: n.tag(natName),
        },
        // A public NAT gateway needs the VPC's internet gateway (Terraform's aws_nat_gateway docs:
        // "add an explicit dependency on the Internet Gateway"); the public route table's
        // association is not needed to create it, and finishes long before the NAT is available.
        { parent: this, dependsOn: [n.internetGateway] },
      );
    });
    const cidrs = privateSubnetCidrs(args.cidr, args.availabilityZones.length);
    return args.availabilityZones.map((availabilityZone, i) => {
      const privateName = `${name}-private-${i + 1}`;
      const subnet = new aws.ec2.Subnet(
        privateName,
        {
          vpcId: n.vpcId,
          cidrBlock: cidrs[i],
          availabilityZone,
          mapPublicIpOnLaunch: false,
          tags: n.tag(privateName),
        },
        parent,
      );
      const table = new aws.ec2.RouteTable(
        privateName,
        { vpcId: n.vpcId, tags: n.tag(privateName) },
        parent,
      );
      // A separate route, so switching single ↔ perAz updates it in place (ReplaceRoute).
      const route = new aws.ec2.Route(
        `${privateName}-default`,
        {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nats[natGatewayOf(i, mode)].id,
        },
        parent,
      );
      const association = new aws.ec2.RouteTableAssociation(
        privateName,
        { subnetId: subnet.id, routeTableId: table.id },
        parent,
      );
      this.egress.push(route, association);
      return subnet.id;
    });
  }
}
