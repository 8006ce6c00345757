// Pure renderers for the rancher-backup operator: chart values, the scheduled Backup, a Restore,
// and the encryption configuration. Facts from rancher/backup-restore-operator at v11.0.0 (the
// chart vendored in test/fixtures/upstream/charts) unless said otherwise.
import { stringify } from "yaml";
import { backupTarget } from "./layout";
import { cronProblem, encryptionKeyProblem, retentionProblem } from "./validate";

/** Secret (in the operator's namespace) holding the encryption configuration. */
export const ENCRYPTION_SECRET_NAME = "rancher-ha-backup-encryption";
/** The key the operator reads (pkg/util/encryptionconfig/config.go EncryptionProviderConfigKey). */
export const ENCRYPTION_SECRET_KEY = "encryption-provider-config.yaml";
/** Basic Rancher resources plus the Secrets of Rancher's namespaces: the set that restores a working Rancher. */
export const FULL_RESOURCE_SET = "rancher-resource-set-full";
export const SCHEDULED_BACKUP_NAME = "rancher-ha-scheduled";
/** The chart names its Deployment `.Chart.Name` (templates/_helpers.tpl backupRestore.fullname). */
export const OPERATOR_DEPLOYMENT = "rancher-backup";

export interface OperatorStorageArgs {
  bucket: string;
  region: string;
  stack: string;
}

/**
 * Helm values for `rancher-backup`: default storage in the stack's bucket under its own folder.
 * - `s3.endpoint` is required by templates/s3-secret.yaml (`required "A valid .Values.endpoint…"`).
 * - No `credentialSecretName`: values.yaml "To use IAM Role, don't set this field", and then
 *   pkg/objectstore/s3minio.go uses minio `credentials.NewIAM("")` — the node's role, reached
 *   because the Deployment is patched onto the host network (see operator.ts).
 * - `persistence.enabled: false`: S3 and a PV together make templates/deployment.yaml `fail`.
 */
export function renderRancherBackupValues(a: OperatorStorageArgs): Record<string, unknown> {
  const target = backupTarget(a.bucket, a.region, a.stack);
  return {
    s3: {
      enabled: true,
      bucketName: target.bucket,
      region: target.region,
      folder: target.folders.rancher,
      endpoint: target.endpoint,
    },
    persistence: { enabled: false },
  };
}

export interface ScheduledBackupArgs {
  /** Five-field cron (the operator parses it with robfig cron.ParseStandard). */
  schedule: string;
  /** Backup files to keep (CRD minimum 1). */
  retentionCount: number;
}

/** A cluster-scoped, recurring, encrypted Backup of the full resource set. */
export function renderScheduledBackup(a: ScheduledBackupArgs): {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
} {
  const cron = cronProblem(a.schedule);
  const retention = retentionProblem(a.retentionCount);
  const problems = [cron && `schedule ${cron}`, retention && `retentionCount ${retention}`].filter(
    (p): p is string => typeof p === "string",
  );
  if (problems.length > 0) throw new Error(`rancher-backup Backup: ${problems.join("; ")}`);
  return {
    apiVersion: "resources.cattle.io/v1",
    kind: "Backup",
    metadata: { name: SCHEDULED_BACKUP_NAME },
    spec: {
      resourceSetName: FULL_RESOURCE_SET,
      encryptionConfigSecretName: ENCRYPTION_SECRET_NAME,
      schedule: a.schedule.trim().split(/\s+/).join(" "),
      retentionCount: a.retentionCount,
    },
  };
}

/**
 * Backup files are `<backup>-<kube-system UID>-<RFC 3339 time, ':' → '-'>.tar.gz[.enc]`
 * (pkg/controllers/backup/controller.go generateBackupFilename); the Restore names the file only.
 */
export const BACKUP_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*\.tar\.gz(\.enc)?$/;

export interface RestoreArgs {
  backupFilename: string;
  /** Delete resources of the set that are not in the file (the CRD's default, true). */
  prune?: boolean;
  /** Defaults to restore-<yyyymmddhhmmss> from `now`. */
  name?: string;
  now?: Date;
}

/** A Restore from the operator's default S3 location (no storageLocation). */
export function renderRestore(a: RestoreArgs): {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
} {
  if (!BACKUP_FILENAME.test(a.backupFilename)) {
    throw new Error(
      `Restore: ${JSON.stringify(a.backupFilename)} is not a rancher-backup file name (<name>.tar.gz or .tar.gz.enc, no folder)`,
    );
  }
  const stamp = (a.now ?? new Date()).toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const name = a.name ?? `restore-${stamp}`;
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new Error(`Restore: name ${JSON.stringify(name)} is not a Kubernetes object name`);
  }
  return {
    apiVersion: "resources.cattle.io/v1",
    kind: "Restore",
    metadata: { name },
    spec: {
      backupFilename: a.backupFilename,
      // Only encrypted backups are made here; the same secret decrypts them.
      ...(a.backupFilename.endsWith(".enc")
        ? { encryptionConfigSecretName: ENCRYPTION_SECRET_NAME }
        : {}),
      prune: a.prune ?? true,
    },
  };
}

/**
 * The EncryptionConfiguration the operator loads through k8s.io/apiserver (its secret data
 * encrypts the Secrets in each backup file). secretbox: XSalsa20-Poly1305, "Strong" in the
 * Kubernetes provider table, 32-byte key. The result is as secret as the key.
 */
export function renderEncryptionConfiguration(keyBase64: string): string {
  const problem = encryptionKeyProblem(keyBase64);
  if (problem) throw new Error(`backup encryption key ${problem}`);
  return stringify({
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "EncryptionConfiguration",
    resources: [
      {
        resources: ["secrets"],
        providers: [{ secretbox: { keys: [{ name: "key1", secret: keyBase64 }] } }],
      },
    ],
  });
}

/**
 * The operator's pod on the host network, so minio's IMDSv2 token call (a PUT answered with a
 * hop limit of 1) reaches it the way it reaches RKE2 on the host. ClusterFirstWithHostNet keeps
 * cluster DNS. Server-side apply of these two fields only; the chart never sets them, so Helm
 * upgrades (three-way merge of the chart's own manifests) leave them alone.
 */
export function renderHostNetworkPatch(): {
  metadata: { name: string; namespace: string };
  spec: { template: { spec: { hostNetwork: true; dnsPolicy: "ClusterFirstWithHostNet" } } };
} {
  return {
    metadata: { name: OPERATOR_DEPLOYMENT, namespace: "cattle-resources-system" },
    spec: { template: { spec: { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } } },
  };
}
