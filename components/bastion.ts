import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BASTION_ROLE, ROLE_TAG } from "./instanceRoles";
import { BASTION_SSH_RULE, BASTION_UPDATES_RULES, SSH_FROM_BASTION_RULE } from "./ports";
import { allowFromCidrs, allowLoadBalancerToNodes, allowPathMtuDiscovery } from "./security";
import { METADATA_OPTIONS, rootVolume } from "./instanceDefaults";
import { resourceTags } from "./tags";

export interface BastionArgs {
  vpcId: pulumi.Input<string>;
  /** A public subnet (internet-facing), or a private one reached over a VPN (internal). */
  subnetId: pulumi.Input<string>;
  /** With a public IP (internet-facing stacks); without, admins reach it over their VPN. */
  publicIp: boolean;
  instanceType: string;
  /** The servers' image (amd64 Ubuntu 24.04) and key pair: one key reaches both hops. */
  ami: pulumi.Input<string>;
  keyName: pulumi.Input<string>;
  adminCidrs: string[];
  /** The servers' group: it admits SSH from the bastion's group only. */
  nodeSecurityGroupId: pulumi.Input<string>;
  tags: Record<string, string>;
}

/**
 * The one way in for SSH when the servers are private (nodeAccess bastion): a small instance
 * that admits SSH from `adminCidrs` only and may only open SSH to the servers' group (plus
 * 80/443 out for its own Ubuntu updates). IMDSv2 with hop limit 1, an encrypted root volume, no
 * user data and no instance profile: it holds nothing but the forwarding. The node steps hop
 * through it (`connection.proxy` of @pulumi/command) to each server's private IP.
 *
 * `bastionHost` is what a transport dials first: the public IP, or the private IP when the stack
 * is internal (no public address anywhere).
 */
export class Bastion extends pulumi.ComponentResource {
  public readonly instance: aws.ec2.Instance;
  public readonly securityGroupId: pulumi.Output<string>;
  /** The proxy host for the node steps (public IP, or private IP when `publicIp` is false). */
  public readonly bastionHost: pulumi.Output<string>;
  /** What must exist while any step goes through the bastion (instance and rules). */
  public readonly plumbing: pulumi.Resource[];

  constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:bastion:Bastion", name, {}, opts);
    const parent = { parent: this };
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "rancher-ha bastion",
        tags: resourceTags(args.tags, `${name}-sg`),
      },
      parent,
    );
    this.securityGroupId = sg.id;
    const admin = allowFromCidrs(name, sg.id, BASTION_SSH_RULE, args.adminCidrs, parent, args.tags);
    allowPathMtuDiscovery(name, sg.id, args.adminCidrs, parent, args.tags);
    const toNodes = allowLoadBalancerToNodes(
      name,
      { securityGroupId: sg.id, label: "bastion" },
      args.nodeSecurityGroupId,
      SSH_FROM_BASTION_RULE,
      parent,
      args.tags,
    );
    for (const rule of BASTION_UPDATES_RULES) {
      const ruleName = `${name}-updates-${rule.role}`;
      new aws.vpc.SecurityGroupEgressRule(
        ruleName,
        {
          securityGroupId: sg.id,
          ipProtocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          cidrIpv4: "0.0.0.0/0",
          description: rule.description,
          tags: resourceTags(args.tags, ruleName),
        },
        parent,
      );
    }
    this.instance = new aws.ec2.Instance(
      name,
      {
        ami: args.ami,
        instanceType: args.instanceType,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [sg.id],
        keyName: args.keyName,
        associatePublicIpAddress: args.publicIp,
        metadataOptions: METADATA_OPTIONS,
        rootBlockDevice: rootVolume(8, resourceTags(args.tags, `${name}-root`)),
        tags: { ...resourceTags(args.tags, name), [ROLE_TAG]: BASTION_ROLE },
      },
      // A newer default image would replace the bastion and change every step's proxy host.
      { parent: this, ignoreChanges: ["ami"] },
    );
    this.bastionHost = args.publicIp ? this.instance.publicIp : this.instance.privateIp;
    this.plumbing = [this.instance, ...admin, toNodes.egress, toNodes.ingress];
    this.registerOutputs({ bastionHost: this.bastionHost, securityGroupId: this.securityGroupId });
  }
}
