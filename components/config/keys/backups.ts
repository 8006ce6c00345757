// Backups: etcd snapshots and rancher-backup to S3, their schedules, retention and encryption.
// Part of the configuration schema (../schema.ts): its "Backups" section, in order.
import type { KeySpec } from "../keySpec";

export const BACKUP_KEYS = {
  backups: {
    type: "boolean",
    description:
      "etcd snapshots and Rancher backups to S3, with a scheduled, encrypted rancher-backup.",
    default: true,
    group: "Backups",
    doc: {
      notes:
        "etcd snapshots from every server and an encrypted rancher-backup, both to one S3 bucket; see [Backups](#backups). `false` turns all of it off (the plan warns).",
    },
  },
  etcdBackupBucket: {
    type: "string",
    description:
      "An existing S3 bucket (in the stack's region) for the backups; default: one is created.",
    unset: "",
    group: "Backups",
    doc: {
      default: "— (a bucket is created)",
      notes:
        "An existing bucket in the stack's region, used as it is (its settings are not managed); the stack writes under `rancher-ha/<stack>/`. Must be a valid S3 bucket name; refused with `backups: false`.",
    },
  },
  backupKmsKeyArn: {
    type: "string",
    description: "KMS key ARN for the created bucket's encryption (SSE-KMS); default SSE-S3.",
    unset: "",
    group: "Backups",
    doc: {
      default: "SSE-S3 (AES256)",
      notes:
        "A full key ARN (`arn:aws:kms:<region>:<account>:key/<id>`, no alias) in the stack's region. The servers' role may use it for the backups only.",
    },
  },
  etcdSnapshotSchedule: {
    type: "string",
    description: "Cron (5 fields, the nodes' UTC) of RKE2's etcd snapshots.",
    default: "0 */6 * * *",
    group: "Backups",
    doc: {
      notes:
        "Five cron fields (minute hour day-of-month month day-of-week), in UTC on the servers; descriptors like `@daily` are refused (RKE2 drops a schedule it cannot parse without a word). Every server takes a snapshot each time.",
    },
  },
  etcdSnapshotRetention: {
    type: "integer",
    description: "etcd snapshot runs kept in S3 (times the server count in objects).",
    default: 28,
    group: "Backups",
    doc: {
      notes:
        "1 to 10000 schedule runs; S3 keeps this × `serverCount` snapshots (RKE2's S3 retention counts every server's), each server's disk the last 5.",
    },
  },
  rancherBackupSchedule: {
    type: "string",
    description: "Cron (5 fields, UTC) of the scheduled rancher-backup.",
    default: "30 */6 * * *",
    group: "Backups",
    doc: { notes: "Five cron fields, as `etcdSnapshotSchedule`." },
  },
  rancherBackupRetention: {
    type: "integer",
    description: "rancher-backup files kept.",
    default: 28,
    group: "Backups",
    doc: { notes: "1 to 10000 (the Backup resource's `retentionCount`)." },
  },
  rancherBackupEncryptionKey: {
    type: "string",
    description: "32-byte base64 key the Rancher backups are encrypted with. Default: generated.",
    secret: true,
    group: "Backups",
    doc: {
      default: "generated (output `rancherBackupEncryptionConfig`)",
      notes:
        "Set it to read old backups from a rebuilt stack: the `secret` of the `rancherBackupEncryptionConfig` output of the old one. 32 random bytes, base64.",
    },
  },
  forceDestroyBackups: {
    type: "boolean",
    description: "pulumi destroy deletes the created bucket with every backup in it.",
    default: false,
    group: "Backups",
    doc: {
      notes:
        "`false`: `pulumi destroy` (or `backups: false`) leaves the created bucket and its backups in AWS. `true`, applied by an `up` first: destroy empties and deletes it. Ignored with `etcdBackupBucket`.",
    },
  },
} as const satisfies Record<string, KeySpec & { group: "Backups" }>;
