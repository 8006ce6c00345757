// The resolved access mode → what the node transport needs (createTransport, i12-steps).
import type * as pulumi from "@pulumi/pulumi";
import type { NodeAccess } from "./access/types";
import type { AccessConfig } from "./config";

/** How the node steps reach the servers: createTransport's input (components/access/types.ts). */
export type NodeAccessTarget = NodeAccess;

export function nodeAccessFor(
  access: AccessConfig,
  deps: { bastionHost?: pulumi.Input<string>; region: string },
): NodeAccessTarget {
  switch (access.mode) {
    case "public":
      return { mode: "public" };
    case "bastion":
      if (deps.bastionHost === undefined) throw new Error("bastion access without a bastion");
      return { mode: "bastion", bastionHost: deps.bastionHost };
    case "ssm":
      return { mode: "ssm", region: deps.region };
    default: {
      const unknown: never = access;
      throw new Error(`unknown node access ${JSON.stringify(unknown)}`);
    }
  }
}

/** The resources the mode's path to the servers runs over (see RancherHa.accessPlumbing). */
export function accessPlumbing(
  access: AccessConfig,
  by: { publicSsh: pulumi.Resource[]; bastion: pulumi.Resource[]; ssm: pulumi.Resource[] },
): pulumi.Resource[] {
  switch (access.mode) {
    case "public":
      return by.publicSsh;
    case "bastion":
      return by.bastion;
    case "ssm":
      return by.ssm;
    default: {
      const unknown: never = access;
      throw new Error(`unknown node access ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A public server's address for the node steps. A server created private keeps its subnet and
 * (no) public IP until it is replaced, so switching back to public has no path to it: refused.
 */
export function publicHost(nodeName: string, publicIp: string | undefined): string {
  if (!publicIp) {
    throw new Error(
      `rancher-ha:nodeAccess: public needs servers with public IPs; ${nodeName} has none (created with nodeAccess bastion or ssm): set nodeAccess back to bastion or ssm`,
    );
  }
  return publicIp;
}
