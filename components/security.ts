import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cidrFamily, cidrKey } from "./cidr";
import {
  API_ADMIN_RULE,
  NODE_TO_NODE_RULES,
  PATH_MTU_ICMP,
  type PortRule,
  SSH_RULE,
} from "./ports";
import { resourceTags } from "./tags";

/** The ranges in order, each once (by its key: one AWS permission per range and port). */
export function uniqueCidrs(cidrs: readonly string[]): { cidr: string; key: string }[] {
  const seen = new Set<string>();
  const out: { cidr: string; key: string }[] = [];
  for (const cidr of cidrs) {
    const key = cidrKey(cidr);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ cidr, key });
  }
  return out;
}

/**
 * One ingress rule resource per range, named by what it permits (`<name>-<role>-<range key>`),
 * so adding, removing or reordering a range never renames (and so never re-creates) another
 * rule. AWS identifies a rule by its permission: a second resource with the same group, ports and
 * source fails `InvalidPermission.Duplicate`, so each range gets one rule however often it is
 * listed. Earlier versions named rules by list position (`<name>-<role>` for a single range,
 * `<name>-<role>-<n>` for several); those names are aliases, so an existing stack's rules are
 * adopted, not re-created, by the first `up` with unchanged lists.
 */
export function allowFromCidrs(
  name: string,
  securityGroupId: pulumi.Input<string>,
  rule: PortRule,
  cidrs: readonly string[],
  opts: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
): aws.vpc.SecurityGroupIngressRule[] {
  return uniqueCidrs(cidrs).map(({ cidr, key }, i) => {
    const ruleName = `${name}-${rule.role}-${key}`;
    const legacy = [...(i === 0 ? [`${name}-${rule.role}`] : []), `${name}-${rule.role}-${i + 1}`];
    return new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      {
        securityGroupId,
        ...portArgs(rule),
        ...cidrArgs(cidr),
        tags: resourceTags(tags, ruleName),
      },
      { ...opts, aliases: [...(opts.aliases ?? []), ...legacy.map((n) => ({ name: n }))] },
    );
  });
}

/**
 * One ingress rule from another security group (or the group itself). The caller's `name` says
 * which group the traffic comes from (e.g. `rancher-cp-from-nlb`), so the name is what it permits.
 */
export function allowFromGroup(
  name: string,
  securityGroupId: pulumi.Input<string>,
  rule: PortRule,
  sourceSecurityGroupId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
): aws.vpc.SecurityGroupIngressRule {
  const ruleName = `${name}-${rule.role}`;
  return new aws.vpc.SecurityGroupIngressRule(
    ruleName,
    {
      securityGroupId,
      ...portArgs(rule),
      referencedSecurityGroupId: sourceSecurityGroupId,
      tags: resourceTags(tags, ruleName),
    },
    opts,
  );
}

/**
 * ICMP that path MTU discovery needs (PATH_MTU_ICMP), from the ranges that may reach a load
 * balancer. Without it a client behind a smaller MTU (VPN, PPPoE) never learns to send smaller
 * packets, and large responses hang.
 *
 * `alsoOwnedBy`: another component that may hold the same rule (same name) for a range; the rule
 * keeps its identity when the range moves between the two, instead of a second rule with the
 * same permission being created before the first is deleted.
 */
export function allowPathMtuDiscovery(
  name: string,
  securityGroupId: pulumi.Input<string>,
  cidrs: readonly string[],
  opts: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
  alsoOwnedBy?: pulumi.Input<pulumi.URN> | pulumi.Resource,
): aws.vpc.SecurityGroupIngressRule[] {
  return uniqueCidrs(cidrs).map(({ cidr, key }) => {
    const ruleName = pathMtuRuleName(name, key);
    const icmp = PATH_MTU_ICMP[cidrFamily(cidr)];
    return new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      {
        securityGroupId,
        ...icmp,
        ...cidrArgs(cidr),
        tags: resourceTags(tags, ruleName),
      },
      alsoOwnedBy === undefined ? opts : { ...opts, aliases: [{ parent: alsoOwnedBy }] },
    );
  });
}

export function pathMtuRuleName(name: string, key: string): string {
  return `${name}-pmtu-${key}`;
}

/**
 * A load balancer reaching the servers on one port, both sides of it: egress on the load
 * balancer's group (a group Pulumi creates has no egress) to the nodes' group, and ingress on the
 * nodes' group from the load balancer's group. Rules `<name>-to-nodes-<role>` and
 * `<name>-from-<lb.label>-<role>`.
 */
export function allowLoadBalancerToNodes(
  name: string,
  lb: { securityGroupId: pulumi.Input<string>; label: string },
  nodeSecurityGroupId: pulumi.Input<string>,
  rule: PortRule,
  opts: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
): { egress: aws.vpc.SecurityGroupEgressRule; ingress: aws.vpc.SecurityGroupIngressRule } {
  const egressName = `${name}-to-nodes-${rule.role}`;
  const egress = new aws.vpc.SecurityGroupEgressRule(
    egressName,
    {
      securityGroupId: lb.securityGroupId,
      ...portArgs(rule),
      referencedSecurityGroupId: nodeSecurityGroupId,
      tags: resourceTags(tags, egressName),
    },
    opts,
  );
  const ingress = allowFromGroup(
    `${name}-from-${lb.label}`,
    nodeSecurityGroupId,
    rule,
    lb.securityGroupId,
    opts,
    tags,
  );
  return { egress, ingress };
}

function portArgs(rule: PortRule) {
  return {
    ipProtocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    description: rule.description,
  };
}

function cidrArgs(cidr: string) {
  return cidrFamily(cidr) === 6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
}

export interface NodeSecurityArgs {
  vpcId: pulumi.Input<string>;
  adminCidrs: string[];
  /**
   * Public servers (nodeAccess public): SSH and the API straight from `adminCidrs`. Private ones
   * take SSH only from the bastion's group (the bastion adds that rule) or not at all (ssm), and
   * the API only through the load balancers.
   */
  adminAccess: boolean;
  tags: Record<string, string>;
}

/**
 * The servers' security group: RKE2's ports only between the servers, SSH and the API from admin
 * networks for public servers only, and an explicit egress (a Pulumi-created group has none) so
 * the nodes can download RKE2 and pull images. Load balancers and the bastion add their own
 * rules to it.
 */
export class NodeSecurity extends pulumi.ComponentResource {
  public readonly securityGroupId: pulumi.Output<string>;
  /** SSH and API rules from admin networks (public servers only). */
  public readonly adminRules: aws.vpc.SecurityGroupIngressRule[];

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
    this.adminRules = [];
    if (args.adminAccess) {
      this.adminRules.push(
        ...allowFromCidrs(name, sg.id, SSH_RULE, args.adminCidrs, parent, args.tags),
        ...allowFromCidrs(name, sg.id, API_ADMIN_RULE, args.adminCidrs, parent, args.tags),
      );
    }
    for (const rule of NODE_TO_NODE_RULES) {
      allowFromGroup(`${name}-self`, sg.id, rule, sg.id, parent, args.tags);
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
