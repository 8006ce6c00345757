// The one place a node access mode becomes a transport: every component that runs steps on the
// servers (Rke2Cluster, the front end's ingress tuning) calls this with the stack's NodeAccess.
import * as pulumi from "@pulumi/pulumi";
import { SshTransport } from "./ssh";
import { SsmTransport } from "./ssm";
import type { NodeAccess, NodeTransport } from "./types";

export interface TransportOptions {
  /** SSH login on the servers (and on the bastion); unused with `ssm`. */
  sshUser: string;
  /** Secret; unused with `ssm`. */
  sshPrivateKey: pulumi.Input<string>;
  /** The stack's `aws:profile`, if set: the SSM runner's credentials (ssm only). */
  awsProfile?: string;
  /** Resources the transport needs alive while any of its steps exists (design-10 §12). */
  plumbing?: readonly pulumi.Resource[];
}

export function createTransport(access: NodeAccess, o: TransportOptions): NodeTransport {
  const plumbing = o.plumbing ?? [];
  switch (access.mode) {
    case "public":
      return new SshTransport({
        address: (n) => n.publicIp,
        user: o.sshUser,
        privateKey: o.sshPrivateKey,
        plumbing,
      });
    case "bastion":
      // @pulumi/command v1.2.1 ConnectionArgs.proxy (provider/pkg/provider/remote/connection.go
      // `Connection.Proxy`; Dial: dial the proxy, then a direct-tcpip channel to host:port, then
      // SSH over it). ProxyConnectionArgs.user defaults to "root": it is always set here.
      return new SshTransport({
        address: (n) => n.privateIp,
        user: o.sshUser,
        privateKey: o.sshPrivateKey,
        proxy: { host: access.bastionHost, user: o.sshUser, privateKey: o.sshPrivateKey },
        plumbing,
      });
    case "ssm":
      return new SsmTransport({
        region: access.region,
        ...(o.awsProfile !== undefined ? { profile: o.awsProfile } : {}),
        plumbing,
      });
    default: {
      const unknown: never = access;
      throw new Error(`unknown nodeAccess ${JSON.stringify(unknown)}`);
    }
  }
}

/** The stack's path to the servers, as every component that runs node steps takes it. */
export interface NodeAccessArgs {
  /** How the program reaches the servers. */
  access: NodeAccess;
  sshUser: string;
  /** Secret. Unused with `ssm`. */
  sshPrivateKey: pulumi.Input<string>;
  /** The stack's `aws:profile` (ssm only). */
  awsProfile?: string;
  /** What the transport needs alive while its steps exist (bastion, rules, SSM policy). */
  accessPlumbing?: pulumi.Resource[];
}

export function transportFor(a: NodeAccessArgs): NodeTransport {
  return createTransport(a.access, {
    sshUser: a.sshUser,
    sshPrivateKey: a.sshPrivateKey,
    ...(a.awsProfile !== undefined ? { awsProfile: a.awsProfile } : {}),
    ...(a.accessPlumbing ? { plumbing: a.accessPlumbing } : {}),
  });
}
