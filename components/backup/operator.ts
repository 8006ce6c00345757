import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  RANCHER_BACKUP_CRD_RELEASE,
  RANCHER_BACKUP_NAMESPACE,
  RANCHER_BACKUP_RELEASE,
  RANCHER_BACKUP_REPO,
  rancherBackupChart,
} from "./charts";
import {
  ENCRYPTION_SECRET_KEY,
  ENCRYPTION_SECRET_NAME,
  renderEncryptionConfiguration,
  renderHostNetworkPatch,
  renderRancherBackupValues,
  renderScheduledBackup,
} from "./operatorValues";

export interface RancherBackupArgs {
  /** The provider Rancher was installed with (the cluster's kubeconfig). */
  provider: k8s.Provider;
  /** Picks the chart version (RANCHER_BACKUP_CHARTS). */
  rancherVersion: string;
  /** The backup bucket (created or existing) and the stack's region and name. */
  bucket: pulumi.Input<string>;
  region: string;
  stack: string;
  /** Five-field cron. */
  schedule: string;
  /** Backup files to keep. */
  retentionCount: number;
  /**
   * Secret: a 32-byte base64 key to reuse (rebuilding a stack against an old bucket). Generated
   * when absent; either way exported as `encryptionConfig`.
   */
  encryptionKey?: pulumi.Input<string>;
  /**
   * The operator installs once these exist (the first server Ready): its charts and ResourceSets
   * only need the API server, and installing beside the joins keeps it off the serial chain.
   */
  installAfter: pulumi.Resource[];
  /** The scheduled Backup waits for these (the Rancher release): its first run is of Rancher. */
  backupAfter: pulumi.Resource[];
  /** Like RancherInstall: Kubernetes objects are skipped on delete when the cluster goes. */
  clusterLifetime: pulumi.Resource;
}

/**
 * The rancher-backup operator (CRD chart, then the operator chart) with its default storage in the
 * backup bucket, running on the host network for the node role's credentials, and a scheduled,
 * encrypted Backup of Rancher's resources. The encryption configuration is generated, kept only as
 * a Pulumi secret (state, the Kubernetes Secret, the `encryptionConfig` output) and never logged.
 */
export class RancherBackup extends pulumi.ComponentResource {
  /** Secret: the EncryptionConfiguration every backup file needs to be read. Keep a copy. */
  public readonly encryptionConfig: pulumi.Output<string>;
  public readonly release: k8s.helm.v3.Release;
  public readonly backup: k8s.apiextensions.CustomResource;

  constructor(name: string, args: RancherBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:backup:RancherBackup", name, {}, opts);
    const chart = rancherBackupChart(args.rancherVersion);
    if (chart === undefined) {
      throw new Error(
        `RancherBackup: no rancher-backup chart is known for Rancher ${args.rancherVersion} (see components/backup/charts.ts)`,
      );
    }
    // Fail at construction, not in an apply, for bad schedule/retention.
    const backupSpec = renderScheduledBackup({
      schedule: args.schedule,
      retentionCount: args.retentionCount,
    });
    const k8sOpts = { parent: this, provider: args.provider, deletedWith: args.clusterLifetime };

    // Ours, so that it exists (with its label) before the operator's pods: a later
    // `profile: cis` must not reject the host-network pod. PSA reads the label (rke2-docs
    // pod_security_standards.md: without a profile every namespace is privileged anyway).
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: RANCHER_BACKUP_NAMESPACE,
          labels: { "pod-security.kubernetes.io/enforce": "privileged" },
        },
      },
      { ...k8sOpts, dependsOn: args.installAfter },
    );

    const key = pulumi.secret(
      args.encryptionKey ??
        new random.RandomBytes(`${name}-encryption-key`, { length: 32 }, { parent: this }).base64,
    );
    this.encryptionConfig = pulumi.secret(key.apply(renderEncryptionConfiguration));
    const encryption = new k8s.core.v1.Secret(
      `${name}-encryption`,
      {
        metadata: { name: ENCRYPTION_SECRET_NAME, namespace: RANCHER_BACKUP_NAMESPACE },
        type: "Opaque",
        stringData: { [ENCRYPTION_SECRET_KEY]: this.encryptionConfig },
      },
      { ...k8sOpts, dependsOn: [namespace] },
    );

    const crds = new k8s.helm.v3.Release(
      `${name}-crd`,
      {
        name: RANCHER_BACKUP_CRD_RELEASE,
        chart: RANCHER_BACKUP_CRD_RELEASE,
        version: chart.version,
        repositoryOpts: { repo: RANCHER_BACKUP_REPO },
        namespace: RANCHER_BACKUP_NAMESPACE,
        timeout: 300,
      },
      { ...k8sOpts, dependsOn: [namespace] },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        name: RANCHER_BACKUP_RELEASE,
        chart: RANCHER_BACKUP_RELEASE,
        version: chart.version,
        repositoryOpts: { repo: RANCHER_BACKUP_REPO },
        namespace: RANCHER_BACKUP_NAMESPACE,
        values: pulumi
          .output(args.bucket)
          .apply((bucket) =>
            renderRancherBackupValues({ bucket, region: args.region, stack: args.stack }),
          ),
        timeout: 600,
      },
      // The chart's ResourceSets are custom resources: the CRDs come first.
      { ...k8sOpts, dependsOn: [crds] },
    );
    const hostNetwork = new k8s.apps.v1.DeploymentPatch(
      `${name}-host-network`,
      renderHostNetworkPatch(),
      { ...k8sOpts, dependsOn: [this.release] },
    );

    this.backup = new k8s.apiextensions.CustomResource(
      `${name}-scheduled`,
      backupSpec,
      // Before its first run the operator must read S3 (the patch) and the key (the secret), and
      // Rancher must be there to be backed up.
      { ...k8sOpts, dependsOn: [hostNetwork, encryption, crds, ...args.backupAfter] },
    );
    this.registerOutputs({ releaseStatus: this.release.status });
  }
}
