// What the restore command needs to know about a deployed stack: its `restoreTarget` output
// (non-secret, versioned), checked before anything is done with it.
import { BACKUP_FILENAME } from "../../components/backup/operatorValues";
import type { NodeAccess } from "../transport";
import type { RestoreNode } from "../transport/types";

export interface RestoreTarget {
  v: 1;
  region: string;
  nodeAccess: NodeAccess;
  sshUser: string;
  bastionHost?: string;
  bucket: string;
  /** etcd snapshots: `etcd-s3-folder` of the servers' config.yaml. */
  etcdFolder: string;
  /** rancher-backup files. */
  rancherFolder: string;
  /** The fixed registration address (internal NLB) rejoining servers use. */
  registrationAddress: string;
  registrationPort?: number;
  /** First server first. */
  servers: RestoreNode[];
}

export class RestoreTargetError extends Error {}

const str = (o: Record<string, unknown>, k: string, re = /^\S+$/): string => {
  const v = o[k];
  if (typeof v !== "string" || !re.test(v)) {
    throw new RestoreTargetError(`restoreTarget.${k} is missing or malformed`);
  }
  return v;
};

/** Validates a `restoreTarget` output value; throws RestoreTargetError naming the field. */
export function parseRestoreTarget(value: unknown): RestoreTarget {
  if (value === null || typeof value !== "object") {
    throw new RestoreTargetError("the stack has no restoreTarget output");
  }
  const o = value as Record<string, unknown>;
  if (o.v !== 1) {
    throw new RestoreTargetError(
      `restoreTarget version ${JSON.stringify(o.v)} is not one this restore command reads (1)`,
    );
  }
  const nodeAccess = str(o, "nodeAccess", /^(public|bastion|ssm)$/) as NodeAccess;
  const servers = o.servers;
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new RestoreTargetError("restoreTarget.servers is missing or empty");
  }
  const parsed = servers.map((s: unknown, i) => {
    const n = (s ?? {}) as Record<string, unknown>;
    const node: RestoreNode = {
      index: i,
      nodeName: str(n, "nodeName", /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/),
      instanceId: str(n, "instanceId", /^i-[0-9a-f]+$/),
      privateIp: str(n, "privateIp", /^\d{1,3}(\.\d{1,3}){3}$/),
      ...(typeof n.publicIp === "string" && n.publicIp !== "" ? { publicIp: n.publicIp } : {}),
    };
    if (n.index !== undefined && n.index !== i) {
      throw new RestoreTargetError(
        `restoreTarget.servers[${i}] has index ${JSON.stringify(n.index)}`,
      );
    }
    return node;
  });
  const folder = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
  return {
    v: 1,
    region: str(o, "region", /^[a-z]{2}(-[a-z]+)+-\d$/),
    nodeAccess,
    sshUser: str(o, "sshUser", /^[a-z_][a-z0-9_-]*$/),
    ...(typeof o.bastionHost === "string" && o.bastionHost !== ""
      ? { bastionHost: o.bastionHost }
      : {}),
    bucket: str(o, "bucket", /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    etcdFolder: str(o, "etcdFolder", folder),
    rancherFolder: str(o, "rancherFolder", folder),
    registrationAddress: str(o, "registrationAddress"),
    ...(typeof o.registrationPort === "number" ? { registrationPort: o.registrationPort } : {}),
    servers: parsed,
  };
}

export { BACKUP_FILENAME };
