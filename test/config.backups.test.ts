// Backups (components/config/validators/backups.ts): the table of what is accepted, refused and
// warned about, and what the resolved config carries.
import * as assert from "node:assert/strict";
import { loadConfig, maskSecrets } from "../components/config";
import { checkBackups } from "../components/config/validators/backups";
import { CTX, RAW, problemLines, validatorTable } from "./config-helpers";

const KEY = Buffer.alloc(32, 9).toString("base64");
const ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OFF_WARNING =
  "warning: rancher-ha:backups is false: no etcd snapshot or Rancher backup leaves this cluster; losing a quorum of servers loses Rancher";

describe("config validator: backups", () => {
  validatorTable(checkBackups, [
    ["the defaults (on, a created bucket)", {}, []],
    [
      "an existing bucket, a KMS key of the region, schedules and retentions",
      {
        etcdBackupBucket: "team-backups",
        backupKmsKeyArn: ARN,
        etcdSnapshotSchedule: "15 */4 * * *",
        etcdSnapshotRetention: 1,
        rancherBackupSchedule: "0 2 * * MON-FRI",
        rancherBackupRetention: 10000,
        rancherBackupEncryptionKey: KEY,
      },
      [
        "warning: rancher-ha:backupKmsKeyArn with rancher-ha:etcdBackupBucket: the bucket's own encryption is not changed; the servers may use the key, which must be the one the bucket encrypts with",
      ],
    ],
    ["backups off alone", { backups: false }, [OFF_WARNING]],
    [
      "backups off with a bucket (refused) and other keys (each ignored, once)",
      { backups: false, etcdBackupBucket: "team-backups", etcdSnapshotRetention: 3 },
      [
        "etcdBackupBucket: is set but rancher-ha:backups is false; unset etcdBackupBucket or turn backups on",
        OFF_WARNING,
        "warning: rancher-ha:etcdSnapshotRetention is ignored: rancher-ha:backups is false",
      ],
    ],
    [
      "every value bad at once, each reported once",
      {
        etcdBackupBucket: "My_Bkt",
        backupKmsKeyArn: "alias/backups",
        etcdSnapshotSchedule: "0 */6 * *",
        etcdSnapshotRetention: 0,
        rancherBackupSchedule: "@daily",
        rancherBackupRetention: 10001,
        rancherBackupEncryptionKey: "c2hvcnQ=",
      },
      [
        `etcdBackupBucket: "My_Bkt" is not a valid S3 bucket name: use 3-63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
        `backupKmsKeyArn: "alias/backups" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; aliases are not accepted)`,
        `etcdSnapshotSchedule: "0 */6 * *" must be five cron fields (minute hour day-of-month month day-of-week), e.g. "0 */6 * * *"`,
        `rancherBackupSchedule: "@daily" must be five cron fields (minute hour day-of-month month day-of-week), e.g. "0 */6 * * *"`,
        "etcdSnapshotRetention: 0 must be a whole number between 1 and 10000",
        "rancherBackupRetention: 10001 must be a whole number between 1 and 10000",
        "rancherBackupEncryptionKey: must be 32 random bytes in base64 (44 characters ending in '='), e.g. from `head -c 32 /dev/urandom | base64`",
      ],
    ],
    [
      "a cron value out of range",
      { etcdSnapshotSchedule: "0 24 * * *" },
      [`etcdSnapshotSchedule: "0 24 * * *": hour "24" is outside 0-23, e.g. "0 */6 * * *"`],
    ],
    [
      "a KMS key of another region",
      { backupKmsKeyArn: ARN.replace("us-east-1", "eu-west-1") },
      [
        `backupKmsKeyArn: "${ARN.replace("us-east-1", "eu-west-1")}" is in eu-west-1 but the stack deploys to us-east-1; use a key in us-east-1`,
      ],
    ],
    [
      "a KMS key when the region is unknown: only its form",
      { backupKmsKeyArn: ARN.replace("us-east-1", "eu-west-1") },
      [],
      {},
    ],
    [
      "a bucket name with dots (allowed, with a warning)",
      { etcdBackupBucket: "backups.example.com" },
      [
        `warning: rancher-ha:etcdBackupBucket "backups.example.com" has a '.': S3's certificate does not cover it under virtual-hosted addressing; a name without dots is safer`,
      ],
    ],
    [
      "forceDestroyBackups with a bucket the stack did not create",
      { etcdBackupBucket: "team-backups", forceDestroyBackups: true },
      [
        "warning: rancher-ha:forceDestroyBackups is ignored with rancher-ha:etcdBackupBucket: a bucket the stack did not create is never deleted",
      ],
    ],
    [
      "an RKE2 without etcd-s3-retention (rke2-docs version gate)",
      { rke2Version: "v1.33.3+rke2r1", rancherVersion: "2.13.0" },
      [
        "rke2Version: v1.33.3+rke2r1 has no etcd-s3-retention (from v1.31.12, v1.32.8, v1.33.4, v1.34.0): S3 would keep only 5 snapshots; use a newer RKE2 or set rancher-ha:backups false",
      ],
    ],
    [
      "an RKE2 below the backup chart's kubeVersion floor",
      { rke2Version: "v1.33.4+rke2r1", rancherVersion: "2.15.0" },
      [
        "rke2Version: v1.33.4+rke2r1 (Kubernetes 1.33) is below the rancher-backup chart 110.0.0+up11.0.0's kubeVersion floor 1.34; use a newer RKE2 or set rancher-ha:backups false",
      ],
    ],
    [
      "a Rancher without a rancher-backup chart row",
      { rancherVersion: "2.11.0" },
      [
        "rancherVersion: 2.11.0 has no rancher-backup chart this program knows (Rancher 2.12 to 2.15: components/backup/charts.ts); use one of those or set rancher-ha:backups false",
      ],
    ],
    [
      "old versions with backups off: only the warning",
      { backups: false, rke2Version: "v1.30.1+rke2r1" },
      [OFF_WARNING],
    ],
  ]);
});

describe("config: resolved backups", () => {
  it("defaults: on, a created bucket kept on destroy, every 6 hours, 28 kept", () => {
    assert.deepEqual(loadConfig(RAW, CTX).config.backups, {
      enabled: true,
      bucket: { kind: "new", forceDestroy: false },
      etcd: { schedule: "0 */6 * * *", retention: 28 },
      rancher: { schedule: "30 */6 * * *", retention: 28 },
    });
  });

  it("an existing bucket by name; the encryption key is masked like every secret", () => {
    const { config } = loadConfig(
      {
        ...RAW,
        "rancher-ha:etcdBackupBucket": "team-backups",
        "rancher-ha:rancherBackupEncryptionKey": KEY,
      },
      CTX,
    );
    assert.ok(config.backups.enabled);
    assert.deepEqual(config.backups.bucket, { kind: "existing", name: "team-backups" });
    assert.equal(config.backups.rancher.encryptionKey, KEY);
    const masked = maskSecrets(config, "[secret]");
    assert.ok(masked.backups.enabled);
    assert.equal(masked.backups.rancher.encryptionKey, "[secret]");
  });

  it("backups: false resolves to nothing else", () => {
    const { config, warnings } = loadConfig({ ...RAW, "rancher-ha:backups": "false" }, CTX);
    assert.deepEqual(config.backups, { enabled: false });
    assert.equal(warnings.length, 1);
  });

  it("parse and validation problems come together, each naming its key", () => {
    assert.deepEqual(
      problemLines({
        ...RAW,
        "rancher-ha:backups": "yes",
        "rancher-ha:etcdSnapshotRetention": "many",
      }),
      [
        'backups: "yes" is not true or false',
        'etcdSnapshotRetention: "many" is not a whole number',
      ],
    );
  });
});
