import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { API_RULE, KUBE_API_PORT, SUPERVISOR_PORT, SUPERVISOR_RULE } from "../ports";
import { cidrKey } from "../cidr";
import {
  allowFromCidrs,
  allowFromGroup,
  allowLoadBalancerToNodes,
  allowPathMtuDiscovery,
} from "../security";
import { resourceTags } from "../tags";
import { TcpForward, tcpForward } from "./targets";

export interface ControlPlaneEndpointArgs {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  nodeSecurityGroupId: pulumi.Input<string>;
  adminCidrs: string[];
  /**
   * `loadBalancerScheme` internal: the admins' NLB gets private addresses only ("The nodes of an
   * internal load balancer have only private IP addresses. The DNS name of an internal load
   * balancer is publicly resolvable to the private IP addresses of the nodes", ELBv2
   * CreateLoadBalancer, Scheme). The scheme is fixed at creation: changing it replaces the NLB.
   */
  internal: boolean;
  instanceIds: pulumi.Input<string>[];
  tags: Record<string, string>;
  protect: boolean;
  /**
   * URN of the component that adds its own ranges' path-MTU rules to the public NLB's group (the
   * L4 front end): a range moving between it and `adminCidrs` keeps its one rule.
   */
  pathMtuPeer?: pulumi.Input<pulumi.URN>;
}

/**
 * The control plane's two fixed addresses, both NLBs with client IP preservation off on every
 * target group (a server reaching itself through an NLB with preserved client IPs times out):
 *
 * - public (internet-facing, or internal with `loadBalancerScheme` internal): the Kubernetes API
 *   for admins (`adminCidrs`) and the kubeconfig's server. The L4 front end adds 80/443 to it.
 * - internal: the registration address (9345) and API (6443) the servers use. A server calling
 *   an internet-facing NLB arrives from its public IP, which security-group references to the
 *   servers' group never match; inside the VPC it arrives from its private IP, which they do.
 *
 * Both exist in either mode, so switching l4 ↔ l7 never changes what a server's config names.
 */
export class ControlPlaneEndpoint extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly internalLoadBalancer: aws.lb.LoadBalancer;
  /** The public NLB's group (front ends add their rules to it). */
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  /** The internal NLB's DNS name: the servers' registration address. */
  public readonly registrationHost: pulumi.Output<string>;
  /** `https://<public nlb>:6443`, the kubeconfig's server. */
  public readonly apiEndpoint: pulumi.Output<string>;
  public readonly internalApi: TcpForward;
  public readonly supervisor: TcpForward;
  private readonly pathMtuRulePrefix: string;
  /** Ranges whose path-MTU rule on the public NLB's group this component holds. */
  private readonly pathMtuKeys: ReadonlySet<string>;

  constructor(
    name: string,
    args: ControlPlaneEndpointArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    // The token's module is where the class once lived; every child's URN derives from it.
    super("rancher-ha:frontend:ControlPlaneEndpoint", name, {}, opts);
    const parent = { parent: this };
    const lbArgs = (internal: boolean, securityGroup: pulumi.Input<string>, tagName: string) => ({
      loadBalancerType: "network",
      internal,
      subnets: args.subnetIds,
      // An NLB only gets security groups at creation, so each is created with its own.
      securityGroups: [securityGroup],
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: args.protect,
      tags: resourceTags(args.tags, tagName),
    });
    const forward = (prefix: string, lb: aws.lb.LoadBalancer, port: number) =>
      tcpForward(
        prefix,
        {
          loadBalancerArn: lb.arn,
          vpcId: args.vpcId,
          port,
          instanceIds: args.instanceIds,
          preserveClientIp: "false",
          tags: args.tags,
        },
        parent,
      );

    // Public: 6443 from admin networks only.
    const sg = new aws.ec2.SecurityGroup(
      `${name}-nlb`,
      {
        vpcId: args.vpcId,
        description: "rancher-ha public NLB",
        tags: resourceTags(args.tags, `${name}-nlb`),
      },
      parent,
    );
    this.securityGroupId = sg.id;
    const apiAdmin = { ...API_RULE, role: "api-admin" };
    allowFromCidrs(name, sg.id, apiAdmin, args.adminCidrs, parent, args.tags);
    this.pathMtuRulePrefix = `${name}-nlb`;
    this.pathMtuKeys = new Set(args.adminCidrs.map(cidrKey));
    allowPathMtuDiscovery(
      this.pathMtuRulePrefix,
      sg.id,
      args.adminCidrs,
      parent,
      args.tags,
      args.pathMtuPeer,
    );
    const publicNlb = { securityGroupId: sg.id, label: "nlb" };
    allowLoadBalancerToNodes(
      name,
      publicNlb,
      args.nodeSecurityGroupId,
      API_RULE,
      parent,
      args.tags,
    );
    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-nlb`,
      lbArgs(args.internal, sg.id, `${name}-nlb`),
      {
        parent: this,
        protect: args.protect,
      },
    );
    forward(name, this.loadBalancer, KUBE_API_PORT);

    // Internal: 6443 and 9345 from the servers only.
    const internal = `${name}-int`;
    const isg = new aws.ec2.SecurityGroup(
      internal,
      {
        vpcId: args.vpcId,
        description: "rancher-ha internal NLB",
        tags: resourceTags(args.tags, internal),
      },
      parent,
    );
    const internalNlb = { securityGroupId: isg.id, label: "nlb" };
    for (const rule of [API_RULE, SUPERVISOR_RULE]) {
      allowFromGroup(internal, isg.id, rule, args.nodeSecurityGroupId, parent, args.tags);
      allowLoadBalancerToNodes(
        internal,
        internalNlb,
        args.nodeSecurityGroupId,
        rule,
        parent,
        args.tags,
      );
    }
    this.internalLoadBalancer = new aws.lb.LoadBalancer(internal, lbArgs(true, isg.id, internal), {
      parent: this,
      protect: args.protect,
    });
    this.internalApi = forward(internal, this.internalLoadBalancer, KUBE_API_PORT);
    this.supervisor = forward(internal, this.internalLoadBalancer, SUPERVISOR_PORT);

    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.registrationHost = this.internalLoadBalancer.dnsName;
    this.apiEndpoint = pulumi.interpolate`https://${this.dnsName}:${KUBE_API_PORT}`;
    this.registerOutputs({ dnsName: this.dnsName, apiEndpoint: this.apiEndpoint });
  }

  /**
   * Path-MTU rules on the public NLB's group for a front end's clients, under `owner`. Ranges
   * this component already admits (`adminCidrs`) are left out: AWS refuses a second rule with the
   * same permission. A range moving between the two lists keeps its rule (aliases both ways).
   */
  public allowPathMtuFrom(
    cidrs: readonly string[],
    owner: pulumi.Resource,
    tags: Record<string, string>,
  ): aws.vpc.SecurityGroupIngressRule[] {
    return allowPathMtuDiscovery(
      this.pathMtuRulePrefix,
      this.securityGroupId,
      cidrs.filter((c) => !this.pathMtuKeys.has(cidrKey(c))),
      { parent: owner },
      tags,
      this,
    );
  }
}
