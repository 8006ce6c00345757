// Where a stack's backups live: one bucket, one prefix per stack, one folder per producer. Pure.
import { bucketNameProblem } from "./validate";

/** Every key of a stack's backups starts with `rancher-ha/<stack>/`. */
export const BACKUP_KEY_ROOT = "rancher-ha";

export interface BackupFolders {
  /** RKE2 etcd snapshots (`etcd-s3-folder`): no leading or trailing "/". */
  etcd: string;
  /** rancher-backup operator files (chart value `s3.folder`). */
  rancher: string;
}

/**
 * The folders for a stack. Stack names are `[A-Za-z0-9._-]+`; "." and ".." are refused because
 * k3s joins keys with Go's path.Join, which would fold them away and put the objects elsewhere
 * than the IAM policy allows.
 */
export function backupFolders(stack: string): BackupFolders {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(stack) || stack === "." || stack === "..") {
    throw new Error(`backup folders: stack name ${JSON.stringify(stack)} cannot be a key prefix`);
  }
  const base = `${BACKUP_KEY_ROOT}/${stack}`;
  return { etcd: `${base}/etcd`, rancher: `${base}/rancher` };
}

/**
 * The regional S3 endpoint (host only). Both RKE2 (`etcd-s3-endpoint`, default the global
 * s3.amazonaws.com) and the operator chart (`s3.endpoint`, required) get it explicitly, so neither
 * depends on a redirect from us-east-1. China regions use amazonaws.com.cn.
 */
export function s3Endpoint(region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new Error(`S3 endpoint: ${JSON.stringify(region)} is not an AWS region name`);
  }
  return region.startsWith("cn-") ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}

/** What RKE2, the operator and the restore command need to find the backups. */
export interface BackupTarget {
  bucket: string;
  region: string;
  endpoint: string;
  folders: BackupFolders;
}

export function backupTarget(bucket: string, region: string, stack: string): BackupTarget {
  const problem = bucketNameProblem(bucket);
  if (problem) throw new Error(`backup target: ${problem}`);
  return { bucket, region, endpoint: s3Endpoint(region), folders: backupFolders(stack) };
}
