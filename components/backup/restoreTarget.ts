// The stack output the restore command reads (`restoreTarget`, version 1): where the backups are
// and how to reach each server. Non-secret; automation/restore/target.ts parses it.
import * as pulumi from "@pulumi/pulumi";
import { SUPERVISOR_PORT } from "../ports";
import type { BackupStorage } from "./storage";

export interface RestoreTargetServer {
  nodeName: string;
  instanceId: pulumi.Input<string>;
  privateIp: pulumi.Input<string>;
  publicIp: pulumi.Input<string>;
}

/** The output's shape (automation/restore/target.ts parses and checks it). */
export interface RestoreTargetOutput {
  v: 1;
  region: string;
  nodeAccess: "public";
  sshUser: string;
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
  sshUser: string;
  storage: BackupStorage;
  /** The internal NLB's DNS name rejoining servers register through. */
  registrationHost: pulumi.Input<string>;
  /** First server first. */
  servers: RestoreTargetServer[];
}

/** Servers are reached on their public address over SSH (the only node access this stack has). */
export function restoreTarget(a: RestoreTargetArgs): pulumi.Output<RestoreTargetOutput> {
  return pulumi
    .all([
      a.storage.bucketName,
      a.registrationHost,
      pulumi.all(
        a.servers.map((s) => pulumi.all([s.nodeName, s.instanceId, s.privateIp, s.publicIp])),
      ),
    ])
    .apply(([bucket, registrationAddress, servers]): RestoreTargetOutput => ({
      v: 1,
      region: a.region,
      nodeAccess: "public",
      sshUser: a.sshUser,
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
