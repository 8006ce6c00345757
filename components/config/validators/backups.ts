// Backups: the bucket (created or given), its encryption, the two schedules and retentions, and
// what they need of the RKE2 and Rancher versions. The pure rules (S3 names, cron, KMS ARNs) live
// in components/backup/validate.ts, which the renderers' own safety checks share.
import { rancherBackupChart } from "../../backup/charts";
import { supportsEtcdS3Retention } from "../../backup/etcdConfig";
import {
  bucketNameProblem,
  cronProblem,
  encryptionKeyProblem,
  kmsKeyArnProblem,
  retentionProblem,
} from "../../backup/validate";
import { parseChartVersion, parseRke2Version } from "../../versions";
import { problem, type Finding, type Validator, warning } from "../problems";
import { DEFAULTS, type RancherHaSettings, type SettingKey } from "../schema";
import { rancherVersionOf } from "./versions";

/** The keys that mean nothing with `backups: false` (each set one is named in a warning). */
const BACKUP_DETAIL_KEYS = [
  "backupKmsKeyArn",
  "etcdSnapshotSchedule",
  "etcdSnapshotRetention",
  "rancherBackupSchedule",
  "rancherBackupRetention",
  "rancherBackupEncryptionKey",
  "forceDestroyBackups",
] as const satisfies readonly SettingKey[];

export function backupsOn(s: RancherHaSettings): boolean {
  return s.backups ?? DEFAULTS.backups;
}

export const checkBackups: Validator = (s, ctx) => {
  const out: Finding[] = [];
  if (!backupsOn(s)) {
    if (s.etcdBackupBucket !== undefined) {
      out.push(
        problem(
          "etcdBackupBucket",
          "is set but rancher-ha:backups is false; unset etcdBackupBucket or turn backups on",
        ),
      );
    }
    out.push(
      warning(
        "rancher-ha:backups is false: no etcd snapshot or Rancher backup leaves this cluster; losing a quorum of servers loses Rancher",
      ),
    );
    for (const key of BACKUP_DETAIL_KEYS) {
      if (s[key] !== undefined) {
        out.push(warning(`rancher-ha:${key} is ignored: rancher-ha:backups is false`));
      }
    }
    return out;
  }

  if (s.etcdBackupBucket !== undefined) {
    const p = bucketNameProblem(s.etcdBackupBucket);
    if (p) out.push(problem("etcdBackupBucket", p));
    else if (s.etcdBackupBucket.includes(".")) {
      out.push(
        warning(
          `rancher-ha:etcdBackupBucket "${s.etcdBackupBucket}" has a '.': S3's certificate does not cover it under virtual-hosted addressing; a name without dots is safer`,
        ),
      );
    }
    if (s.forceDestroyBackups !== undefined) {
      out.push(
        warning(
          "rancher-ha:forceDestroyBackups is ignored with rancher-ha:etcdBackupBucket: a bucket the stack did not create is never deleted",
        ),
      );
    }
  }
  if (s.backupKmsKeyArn !== undefined) {
    // Without a region (reported by checkRegion) only the ARN's form is checked.
    const p = kmsKeyArnProblem(s.backupKmsKeyArn, ctx.region);
    if (p) out.push(problem("backupKmsKeyArn", p));
    else if (s.etcdBackupBucket !== undefined) {
      out.push(
        warning(
          "rancher-ha:backupKmsKeyArn with rancher-ha:etcdBackupBucket: the bucket's own encryption is not changed; the servers may use the key, which must be the one the bucket encrypts with",
        ),
      );
    }
  }
  const schedules = [
    ["etcdSnapshotSchedule", s.etcdSnapshotSchedule ?? DEFAULTS.etcdSnapshotSchedule],
    ["rancherBackupSchedule", s.rancherBackupSchedule ?? DEFAULTS.rancherBackupSchedule],
  ] as const;
  for (const [key, value] of schedules) {
    const p = cronProblem(value);
    if (p) out.push(problem(key, p));
  }
  const retentions = [
    ["etcdSnapshotRetention", s.etcdSnapshotRetention ?? DEFAULTS.etcdSnapshotRetention],
    ["rancherBackupRetention", s.rancherBackupRetention ?? DEFAULTS.rancherBackupRetention],
  ] as const;
  for (const [key, value] of retentions) {
    const p = retentionProblem(value);
    if (p) out.push(problem(key, p));
  }
  if (s.rancherBackupEncryptionKey !== undefined) {
    const p = encryptionKeyProblem(s.rancherBackupEncryptionKey);
    if (p) out.push(problem("rancherBackupEncryptionKey", p));
  }

  // Versions: an unparsable one is reported by checkVersions; only a valid, too-old one here,
  // once for each key.
  const rke2Version = s.rke2Version ?? DEFAULTS.rke2Version;
  const rke2 = parseRke2Version(rke2Version);
  const oldRke2 = rke2 !== undefined && !supportsEtcdS3Retention(rke2Version);
  if (oldRke2) {
    out.push(
      problem(
        "rke2Version",
        `${rke2Version} has no etcd-s3-retention (from v1.31.12, v1.32.8, v1.33.4, v1.34.0): S3 would keep only 5 snapshots; use a newer RKE2 or set rancher-ha:backups false`,
      ),
    );
  }
  const rancherVersion = rancherVersionOf(s);
  const chart = rancherBackupChart(rancherVersion);
  if (parseChartVersion(rancherVersion) && !chart) {
    out.push(
      problem(
        "rancherVersion",
        `${rancherVersion} has no rancher-backup chart this program knows (Rancher 2.12 to 2.15: components/backup/charts.ts); use one of those or set rancher-ha:backups false`,
      ),
    );
  } else if (chart && rke2 && !oldRke2 && rke2.minor < chart.kubeAtLeast.minor) {
    out.push(
      problem(
        "rke2Version",
        `${rke2Version} (Kubernetes 1.${rke2.minor}) is below the rancher-backup chart ${chart.version}'s kubeVersion floor 1.${chart.kubeAtLeast.minor}; use a newer RKE2 or set rancher-ha:backups false`,
      ),
    );
  }
  return out;
};
