// Picks the restore's node transport for the stack's nodeAccess mode.
import { SshTransport } from "./ssh";
import type { RestoreTransport, RestoreNode } from "./types";

// The stack's nodeAccess mode (the restore target names it), declared once in the config.
export type { NodeAccessMode as NodeAccess } from "../../components/accessModes";
import type { NodeAccessMode as NodeAccess } from "../../components/accessModes";

export interface TransportTarget {
  nodeAccess: NodeAccess;
  region: string;
  sshUser: string;
  /** bastion mode: the bastion's public address. */
  bastionHost?: string;
}

/**
 * The SSM transport (./ssm.ts, on the ssm/ runner) plugs in here: it runs the same script with the
 * same restore.env (nothing secret in it) through SSM Run Command. bin/restore.ts passes it.
 */
export type SsmTransportFactory = (target: { region: string }) => RestoreTransport;

export interface TransportSecrets {
  /** Secret: the stack's SSH key (its `sshPrivateKey` output or config). */
  sshPrivateKey?: string;
  ssm?: SsmTransportFactory;
}

export class TransportUnavailableError extends Error {}

export function createRestoreTransport(t: TransportTarget, s: TransportSecrets): RestoreTransport {
  const ssh = (address: (n: RestoreNode) => string, bastion?: { host: string }) => {
    if (!s.sshPrivateKey) {
      throw new TransportUnavailableError(
        `nodeAccess ${t.nodeAccess} needs the stack's SSH key: the sshPrivateKey output (generated) or rancher-ha:sshPrivateKey`,
      );
    }
    return new SshTransport({
      user: t.sshUser,
      privateKey: s.sshPrivateKey,
      address,
      ...(bastion ? { bastion } : {}),
    });
  };
  switch (t.nodeAccess) {
    case "public":
      return ssh((n) => {
        if (!n.publicIp) throw new TransportUnavailableError(`${n.nodeName} has no public IP`);
        return n.publicIp;
      });
    case "bastion":
      if (!t.bastionHost) {
        throw new TransportUnavailableError("nodeAccess bastion, but the stack names no bastion");
      }
      return ssh((n) => n.privateIp, { host: t.bastionHost });
    case "ssm":
      if (!s.ssm) {
        throw new TransportUnavailableError(
          "nodeAccess ssm: no SSM transport was given (bin/restore.ts passes SsmRestoreTransport)",
        );
      }
      return s.ssm({ region: t.region });
    default: {
      const unknown: never = t.nodeAccess;
      throw new TransportUnavailableError(`unknown nodeAccess ${String(unknown)}`);
    }
  }
}

export { SshTransport } from "./ssh";
export { SsmRestoreTransport, ssmRestoreApi } from "./ssm";
export type { SshTransportOptions } from "./ssh";
export * from "./types";
