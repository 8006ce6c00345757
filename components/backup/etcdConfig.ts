// RKE2's etcd snapshot settings for /etc/rancher/rke2/config.yaml: a pure renderer the RKE2 config
// renderer (components/rke2/render.ts, argument `etcdSnapshots`) merges, identical on every
// server. Typed values in: the config validated the schedule and the retention
// (validators/backups.ts); the bucket name and region are checked again because they become keys.
import type { ServerCount } from "../config/resolved";
import { parseRke2Version, type Rke2Version } from "../versions";
import { backupTarget } from "./layout";

export interface EtcdSnapshotArgs {
  bucket: string;
  region: string;
  /** Stack name: the folder is rancher-ha/<stack>/etcd. */
  stack: string;
  /** Five-field cron (validated), e.g. every six hours: "0 *\/6 * * *". */
  schedule: string;
  /** Snapshots to keep (≥ 1, validated), counted per schedule run (each server takes one per run). */
  retention: number;
  serverCount: ServerCount;
}

/** The keys rendered, in order; each is an RKE2 server config key (a test checks the list). */
export const ETCD_SNAPSHOT_KEYS = [
  "etcd-snapshot-schedule-cron",
  "etcd-snapshot-retention",
  "etcd-snapshot-compress",
  "etcd-s3",
  "etcd-s3-bucket",
  "etcd-s3-region",
  "etcd-s3-endpoint",
  "etcd-s3-folder",
  "etcd-s3-retention",
] as const;
export type EtcdSnapshotKey = (typeof ETCD_SNAPSHOT_KEYS)[number];

/**
 * Keys that must never be rendered with these: S3 credentials (the servers use their instance
 * role; secrets stay out of config.yaml), the config-secret (a restore cannot use it: rke2-docs
 * backup_restore.md) and the switch that would turn the snapshots off.
 */
export const ETCD_SNAPSHOT_CONFLICTING_KEYS = [
  "etcd-s3-access-key",
  "etcd-s3-secret-key",
  "etcd-s3-session-token",
  "etcd-s3-config-secret",
  "etcd-disable-snapshots",
] as const;

/** Local snapshots live on each server's root disk: keep a few, the bucket keeps the rest. */
export const LOCAL_SNAPSHOT_RETENTION_CAP = 5;

/**
 * - Every server runs the schedule and uploads its own snapshot
 *   (`<etcd-snapshot-name>-<node>-<unix>`, k3s pkg/etcd/snapshot.go), while `etcd-s3-retention`
 *   counts all objects in the folder, whichever node wrote them (k3s pkg/etcd/s3/s3.go
 *   SnapshotRetention; rancher/rke2#5216). So S3 keeps `retention × serverCount` objects, which
 *   is `retention` schedule runs, and the keys are identical on every server so that no server
 *   prunes the others' snapshots by a different count.
 * - Region and endpoint are explicit: k3s defaults to us-east-1 and the global endpoint.
 * - No access keys: the chain falls through to minio-go's IAM provider, which speaks IMDSv2
 *   (minio-go pkg/credentials/iam_aws.go fetchIMDSToken; RKE2 v1.36.3 ships minio-go v7.1.0,
 *   past rancher/rke2#3198 and #8119) and runs in the rke2 process on the host, so the instance's
 *   hop limit of 1 is enough.
 * - `etcd-snapshot-compress`: zip objects; a restore unpacks them (rke2-docs backup_restore.md).
 */
export function renderEtcdSnapshotConfig(a: EtcdSnapshotArgs): Record<EtcdSnapshotKey, unknown> {
  const target = backupTarget(a.bucket, a.region, a.stack);
  return {
    "etcd-snapshot-schedule-cron": a.schedule.trim().split(/\s+/).join(" "),
    "etcd-snapshot-retention": Math.min(a.retention, LOCAL_SNAPSHOT_RETENTION_CAP),
    "etcd-snapshot-compress": true,
    "etcd-s3": true,
    "etcd-s3-bucket": target.bucket,
    "etcd-s3-region": target.region,
    "etcd-s3-endpoint": target.endpoint,
    "etcd-s3-folder": target.folders.etcd,
    "etcd-s3-retention": a.retention * a.serverCount,
  };
}

/**
 * `etcd-s3-retention` exists from v1.34.0, v1.33.4, v1.32.8 and v1.31.12 (k3s/rke2 docs, "S3
 * Retention" version gate). An older RKE2 skips an unknown config.yaml key with only a log line
 * (k3s pkg/configfilearg), so S3 would silently keep 5 snapshots: the config layer refuses it.
 */
export const ETCD_S3_RETENTION_SINCE: readonly Rke2Version[] = [
  { major: 1, minor: 31, patch: 12, release: 1 },
  { major: 1, minor: 32, patch: 8, release: 1 },
  { major: 1, minor: 33, patch: 4, release: 1 },
  { major: 1, minor: 34, patch: 0, release: 1 },
];

export function supportsEtcdS3Retention(rke2Version: string): boolean {
  const v = parseRke2Version(rke2Version);
  if (!v) return false;
  if (v.major !== 1) return v.major > 1;
  if (v.minor >= 34) return true;
  const gate = ETCD_S3_RETENTION_SINCE.find((g) => g.minor === v.minor);
  return gate !== undefined && v.patch >= gate.patch;
}
