import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowEgressTo, allowIngress, PortRule } from "../security";
import { resourceTags } from "../tags";
import { TcpForward, tcpForward } from "./targets";

export const API_PORT = 6443;
export const SUPERVISOR_PORT = 9345;

export interface ControlPlaneEndpointArgs {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  nodeSecurityGroupId: pulumi.Input<string>;
  adminCidrs: string[];
  instanceIds: pulumi.Input<string>[];
  tags: Record<string, string>;
  protect: boolean;
}

const API: PortRule = {
  role: "api",
  protocol: "tcp",
  fromPort: API_PORT,
  description: "Kubernetes API",
};
const SUPERVISOR: PortRule = {
  role: "supervisor",
  protocol: "tcp",
  fromPort: SUPERVISOR_PORT,
  description: "RKE2 registration",
};

/**
 * The fixed registration address and Kubernetes API endpoint: an internet-facing NLB with TCP
 * 6443 and 9345. It exists in both modes (the L4 front end adds 80/443 to it), so switching
 * between l4 and l7 never changes the address every server's config and certificate name.
 */
export class ControlPlaneEndpoint extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  /** `https://<nlb dns>:6443` */
  public readonly apiEndpoint: pulumi.Output<string>;
  /** `https://<nlb dns>:9345` */
  public readonly registrationUrl: pulumi.Output<string>;
  public readonly api: TcpForward;
  public readonly supervisor: TcpForward;

  constructor(
    name: string,
    args: ControlPlaneEndpointArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("rancher-ha:frontend:ControlPlaneEndpoint", name, {}, opts);
    const parent = { parent: this };
    // An NLB only gets security groups at creation, so it is created with its own.
    const sg = new aws.ec2.SecurityGroup(
      `${name}-nlb`,
      {
        vpcId: args.vpcId,
        description: "rancher-ha NLB",
        tags: resourceTags(args.tags, `${name}-nlb`),
      },
      parent,
    );
    this.securityGroupId = sg.id;
    const nodes = { securityGroupId: args.nodeSecurityGroupId };
    allowIngress(
      name,
      sg.id,
      { ...API, role: "api-admin" },
      args.adminCidrs.map((cidr) => ({ cidr })),
      parent,
      args.tags,
    );
    allowIngress(name, sg.id, { ...API, role: "api-nodes" }, [nodes], parent, args.tags);
    allowIngress(name, sg.id, SUPERVISOR, [nodes], parent, args.tags);
    for (const rule of [API, SUPERVISOR]) {
      allowEgressTo(`${name}-to-nodes`, sg.id, rule, args.nodeSecurityGroupId, parent, args.tags);
      allowIngress(
        `${name}-from-nlb`,
        args.nodeSecurityGroupId,
        rule,
        [{ securityGroupId: sg.id }],
        parent,
        args.tags,
      );
    }

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-nlb`,
      {
        loadBalancerType: "network",
        internal: false,
        subnets: args.subnetIds,
        securityGroups: [sg.id],
        enableCrossZoneLoadBalancing: true,
        enableDeletionProtection: args.protect,
        tags: resourceTags(args.tags, `${name}-nlb`),
      },
      { parent: this, protect: args.protect },
    );
    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    const forward = (port: number) =>
      tcpForward(
        name,
        {
          loadBalancerArn: this.loadBalancer.arn,
          vpcId: args.vpcId,
          port,
          instanceIds: args.instanceIds,
          preserveClientIp: "false",
          tags: args.tags,
        },
        parent,
      );
    this.api = forward(API_PORT);
    this.supervisor = forward(SUPERVISOR_PORT);
    this.apiEndpoint = pulumi.interpolate`https://${this.dnsName}:${API_PORT}`;
    this.registrationUrl = pulumi.interpolate`https://${this.dnsName}:${SUPERVISOR_PORT}`;
    this.registerOutputs({ dnsName: this.dnsName, apiEndpoint: this.apiEndpoint });
  }
}
