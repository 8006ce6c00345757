import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ZoneRef } from "./config";

/**
 * Which kind of zone holds the hostname: public (internet-facing load balancers), or private
 * (internal ones, `loadBalancerScheme` internal). A private zone is looked up among those
 * associated with `vpcId` when the VPC already exists (the user associates it); a new VPC is
 * associated by the stack (RancherDns).
 */
export type ZoneScope = { private: false } | { private: true; vpcId?: string };

/** Looks up the hosted zone once; with only an ID, checks at deploy time that it holds hostname. */
export function hostedZoneId(
  zone: ZoneRef,
  hostname: string,
  opts: pulumi.InvokeOptions,
  scope: ZoneScope = { private: false },
): pulumi.Output<string> {
  if ("name" in zone) {
    return aws.route53.getZoneOutput(
      {
        name: zone.name,
        privateZone: scope.private,
        ...(scope.private && scope.vpcId !== undefined ? { vpcId: scope.vpcId } : {}),
      },
      opts,
    ).zoneId;
  }
  const found = aws.route53.getZoneOutput({ zoneId: zone.id }, opts);
  return pulumi
    .all([found.name, found.zoneId, found.privateZone])
    .apply(([zoneName, id, isPrivate]) => {
      const bare = zoneName.replace(/\.$/, "");
      if (hostname !== bare && !hostname.endsWith(`.${bare}`)) {
        throw new Error(
          `rancher-ha:hostname ${hostname} is not inside hosted zone ${bare} (${zone.id})`,
        );
      }
      if (isPrivate !== scope.private) {
        throw new Error(
          scope.private
            ? `rancher-ha:hostedZoneId ${zone.id} is a public zone, but rancher-ha:loadBalancerScheme internal needs a private one (an internal load balancer has private addresses only)`
            : `rancher-ha:hostedZoneId ${zone.id} is a private zone; internet-facing load balancers need the public zone (or set rancher-ha:loadBalancerScheme internal)`,
        );
      }
      return id;
    });
}

export interface RancherDnsArgs {
  hostname: string;
  zoneId: pulumi.Input<string>;
  /**
   * A VPC the stack creates, to associate with the private zone so the servers resolve the
   * hostname (internal stacks with a new VPC).
   */
  associateVpcId?: pulumi.Input<string>;
  target: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
  protect: boolean;
}

/** The Rancher hostname as an alias A record to the front end, evaluating target health. */
export class RancherDns extends pulumi.ComponentResource {
  public readonly record: aws.route53.Record;
  public readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: RancherDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:dns:RancherDns", name, {}, opts);
    // The record resolves inside the VPC only once the zone is associated with it.
    const association =
      args.associateVpcId === undefined
        ? undefined
        : new aws.route53.ZoneAssociation(
            `${name}-vpc`,
            { zoneId: args.zoneId, vpcId: args.associateVpcId },
            { parent: this },
          );
    this.record = new aws.route53.Record(
      `${name}-alias`,
      {
        zoneId: args.zoneId,
        name: args.hostname,
        type: "A",
        aliases: [
          { name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true },
        ],
      },
      { parent: this, protect: args.protect, ...(association ? { dependsOn: [association] } : {}) },
    );
    this.fqdn = this.record.fqdn;
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
