// The servers' backup permissions as a named policy document for the servers' IAM role
// (ServerRole's `policies`, attached in rancherHa.ts): the role belongs to that component.
import * as pulumi from "@pulumi/pulumi";
import type { BackupFolders } from "./layout";
import { renderBackupAccessPolicy } from "./policy";

export interface BackupServerPolicyArgs {
  /** The backup bucket's ARN: a BackupBucket's, or an existing bucket's. */
  bucketArn: pulumi.Input<string>;
  folders: BackupFolders;
  /** With SSE-KMS. */
  kmsKeyArn?: string;
}

/** An inline role policy: its name on the role, and the JSON document. */
export interface NamedPolicy {
  name: string;
  document: pulumi.Output<string>;
}

/** The inline policy's name on the servers' role. */
export const BACKUP_POLICY_NAME = "rancher-ha-backups";

/**
 * What RKE2's snapshots and the host-networked rancher-backup operator may do: the backup folders
 * and nothing else (see renderBackupAccessPolicy). Attaching or changing an inline policy never
 * touches the instances.
 */
export function backupServerPolicy(a: BackupServerPolicyArgs): NamedPolicy {
  return {
    name: BACKUP_POLICY_NAME,
    document: pulumi.output(a.bucketArn).apply((bucketArn) =>
      JSON.stringify(
        renderBackupAccessPolicy({
          bucketArn,
          folders: a.folders,
          ...(a.kmsKeyArn !== undefined ? { kmsKeyArn: a.kmsKeyArn } : {}),
        }),
      ),
    ),
  };
}
