// The resolved access mode → what the node transport needs (createTransport, i12-steps).
import type * as pulumi from "@pulumi/pulumi";
import type { NodeAccess } from "./access/types";
import type { AccessConfig } from "./config";

/**
 * The resolved access mode → how the node steps reach the servers (createTransport's input) and
 * what that path needs alive while the steps exist (the transport's `plumbing`): public, the
 * servers' SSH rules; bastion, the bastion and its rules; ssm, the SSM policy attachment and the
 * NAT routes.
 */
export function nodeAccessFor(
  access: AccessConfig,
  deps: {
    bastion?: { host: pulumi.Input<string>; plumbing: pulumi.Resource[] };
    publicSsh: pulumi.Resource[];
    ssm: pulumi.Resource[];
    region: string;
  },
): { access: NodeAccess; plumbing: pulumi.Resource[] } {
  switch (access.mode) {
    case "public":
      return { access: { mode: "public" }, plumbing: deps.publicSsh };
    case "bastion":
      if (deps.bastion === undefined) throw new Error("bastion access without a bastion");
      return {
        access: { mode: "bastion", bastionHost: deps.bastion.host },
        plumbing: deps.bastion.plumbing,
      };
    case "ssm":
      return { access: { mode: "ssm", region: deps.region }, plumbing: deps.ssm };
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
