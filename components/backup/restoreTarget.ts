// The stack output the restore command reads (`restoreTarget`, version 1): where the backups are
// and how to reach each server. Non-secret; automation/restore/target.ts parses it.
import * as pulumi from "@pulumi/pulumi";
import type { NodeAccess, NodeTarget } from "../access/types";
import { SUPERVISOR_PORT } from "../ports";
import type { BackupStorage } from "./storage";

/** The output's shape (automation/restore/target.ts parses and checks it). */
export interface RestoreTargetOutput {
  v: 1;
  region: string;
  nodeAccess: NodeAccess["mode"];
  sshUser: string;
  bastionHost?: string;
  bucket: string;
  etcdFolder: string;
  rancherFolder: string;
  registrationAddress: string;
  registrationPort: number;
  servers: {
    index: number;
    nodeName: string;
    instanceId: string;
    privateIp: string;
    publicIp: string;
  }[];
}

export interface RestoreTargetArgs {
  region: string;
  /** How the stack's own steps reach the servers: the restore goes the same way. */
  access: NodeAccess;
  sshUser: string;
  storage: BackupStorage;
  /** The internal NLB's DNS name rejoining servers register through. */
  registrationHost: pulumi.Input<string>;
  /** First server first. */
  servers: NodeTarget[];
}

/** The restore reaches the servers the way the deploy's steps do (`access`). */
export function restoreTarget(a: RestoreTargetArgs): pulumi.Output<RestoreTargetOutput> {
  return pulumi
    .all([
      a.storage.bucketName,
      a.registrationHost,
      a.access.mode === "bastion" ? a.access.bastionHost : undefined,
      pulumi.all(
        a.servers.map((s) => pulumi.all([s.nodeName, s.instanceId, s.privateIp, s.publicIp])),
      ),
    ])
    .apply(([bucket, registrationAddress, bastionHost, servers]): RestoreTargetOutput => ({
      v: 1,
      region: a.region,
      nodeAccess: a.access.mode,
      sshUser: a.sshUser,
      ...(bastionHost !== undefined ? { bastionHost } : {}),
      bucket,
      etcdFolder: a.storage.folders.etcd,
      rancherFolder: a.storage.folders.rancher,
      registrationAddress,
      registrationPort: SUPERVISOR_PORT,
      servers: servers.map(([nodeName, instanceId, privateIp, publicIp], index) => ({
        index,
        nodeName,
        instanceId,
        privateIp,
        publicIp,
      })),
    }));
}
