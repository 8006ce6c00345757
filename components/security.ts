import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isIP } from "node:net";
import { resourceTags } from "./tags";

export type RuleSource = { cidr: string } | { securityGroupId: pulumi.Input<string> };

export interface PortRule {
  /** Logical role, part of the resource name, e.g. "ssh-admin". */
  role: string;
  protocol: "tcp" | "udp";
  fromPort: number;
  toPort?: number;
  description: string;
}

/**
 * One ingress rule resource per source, so a rule change never rewrites a whole group and
 * every opening is visible (and testable) on its own.
 */
export function allowIngress(
  name: string,
  securityGroupId: pulumi.Input<string>,
  rule: PortRule,
  sources: RuleSource[],
  opts: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
): aws.vpc.SecurityGroupIngressRule[] {
  return sources.map((source, i) => {
    const ruleName = sources.length > 1 ? `${name}-${rule.role}-${i + 1}` : `${name}-${rule.role}`;
    return new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      {
        securityGroupId,
        ...portArgs(rule),
        ...sourceArgs(source),
        tags: resourceTags(tags, ruleName),
      },
      opts,
    );
  });
}

/** Egress from a load balancer's group to the nodes' group on one port (LB groups get no default). */
export function allowEgressTo(
  name: string,
  securityGroupId: pulumi.Input<string>,
  rule: PortRule,
  destinationSecurityGroupId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
): aws.vpc.SecurityGroupEgressRule {
  const ruleName = `${name}-${rule.role}`;
  return new aws.vpc.SecurityGroupEgressRule(
    ruleName,
    {
      securityGroupId,
      ...portArgs(rule),
      referencedSecurityGroupId: destinationSecurityGroupId,
      tags: resourceTags(tags, ruleName),
    },
    opts,
  );
}

function portArgs(rule: PortRule) {
  return {
    ipProtocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort ?? rule.fromPort,
    description: rule.description,
  };
}

function sourceArgs(source: RuleSource) {
  if ("securityGroupId" in source) return { referencedSecurityGroupId: source.securityGroupId };
  return isIP(source.cidr.split("/")[0]) === 6
    ? { cidrIpv6: source.cidr }
    : { cidrIpv4: source.cidr };
}

/** Ports RKE2 servers need between each other (rke2-docs install/requirements.md, Canal CNI). */
export const NODE_TO_NODE_RULES: readonly PortRule[] = [
  {
    role: "apiserver",
    protocol: "tcp",
    fromPort: 6443,
    description: "Kubernetes API between servers",
  },
  {
    role: "supervisor",
    protocol: "tcp",
    fromPort: 9345,
    description: "RKE2 supervisor (registration)",
  },
  { role: "kubelet", protocol: "tcp", fromPort: 10250, description: "kubelet" },
  {
    role: "etcd",
    protocol: "tcp",
    fromPort: 2379,
    toPort: 2381,
    description: "etcd client, peer, metrics",
  },
  {
    role: "nodeports",
    protocol: "tcp",
    fromPort: 30000,
    toPort: 32767,
    description: "NodePort services",
  },
  { role: "vxlan", protocol: "udp", fromPort: 8472, description: "Canal VXLAN" },
  { role: "canal-health", protocol: "tcp", fromPort: 9099, description: "Canal health checks" },
  {
    role: "wireguard",
    protocol: "udp",
    fromPort: 51820,
    toPort: 51821,
    description: "Canal WireGuard",
  },
];

export const SSH_RULE: PortRule = {
  role: "ssh-admin",
  protocol: "tcp",
  fromPort: 22,
  description: "SSH from admin networks",
};
export const API_ADMIN_RULE: PortRule = {
  role: "api-admin",
  protocol: "tcp",
  fromPort: 6443,
  description: "Kubernetes API from admin networks",
};

export interface NodeSecurityArgs {
  vpcId: pulumi.Input<string>;
  adminCidrs: string[];
  tags: Record<string, string>;
}

/**
 * The servers' security group: SSH and the API only from admin networks, RKE2's ports only
 * between the servers, and an explicit egress (a Pulumi-created group has none) so the nodes
 * can download RKE2 and pull images. Load balancers add their own rules to it.
 */
export class NodeSecurity extends pulumi.ComponentResource {
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: NodeSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:security:NodeSecurity", name, {}, opts);
    const parent = { parent: this };
    const sg = new aws.ec2.SecurityGroup(
      `${name}-nodes`,
      {
        vpcId: args.vpcId,
        description: "rancher-ha RKE2 servers",
        tags: resourceTags(args.tags, `${name}-nodes`),
      },
      parent,
    );
    this.securityGroupId = sg.id;
    const admins = args.adminCidrs.map((cidr) => ({ cidr }));
    allowIngress(name, sg.id, SSH_RULE, admins, parent, args.tags);
    allowIngress(name, sg.id, API_ADMIN_RULE, admins, parent, args.tags);
    for (const rule of NODE_TO_NODE_RULES) {
      allowIngress(`${name}-self`, sg.id, rule, [{ securityGroupId: sg.id }], parent, args.tags);
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress`,
      {
        securityGroupId: sg.id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        description: "Downloads (RKE2, images, charts) and AWS APIs",
        tags: resourceTags(args.tags, `${name}-egress`),
      },
      parent,
    );
    this.registerOutputs({ securityGroupId: this.securityGroupId });
  }
}
