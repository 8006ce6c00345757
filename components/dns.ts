import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ZoneRef } from "./config";

/** Looks up the hosted zone once; with only an ID, checks at deploy time that it holds hostname. */
export function hostedZoneId(
  zone: ZoneRef,
  hostname: string,
  opts: pulumi.InvokeOptions,
): pulumi.Output<string> {
  if ("name" in zone) {
    return aws.route53.getZoneOutput({ name: zone.name, privateZone: false }, opts).zoneId;
  }
  const found = aws.route53.getZoneOutput({ zoneId: zone.id }, opts);
  return pulumi.all([found.name, found.zoneId]).apply(([zoneName, id]) => {
    const bare = zoneName.replace(/\.$/, "");
    if (hostname !== bare && !hostname.endsWith(`.${bare}`)) {
      throw new Error(
        `rancher-ha:hostname ${hostname} is not inside hosted zone ${bare} (${zone.id})`,
      );
    }
    return id;
  });
}

export interface RancherDnsArgs {
  hostname: string;
  zoneId: pulumi.Input<string>;
  target: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
  protect: boolean;
}

/** The Rancher hostname as an alias A record to the front end, evaluating target health. */
export class RancherDns extends pulumi.ComponentResource {
  public readonly record: aws.route53.Record;
  public readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: RancherDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:dns:RancherDns", name, {}, opts);
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
      { parent: this, protect: args.protect },
    );
    this.fqdn = this.record.fqdn;
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
