// Which rancher-backup chart goes with which Rancher. Pure constants; config validation and the
// operator component both read them.
import { parseChartVersion } from "../versions";

/** rancher/charts' published repository (both charts live there). */
export const RANCHER_BACKUP_REPO = "https://charts.rancher.io";
/** The operator reads its encryption secret and S3 settings from its own namespace. */
export const RANCHER_BACKUP_NAMESPACE = "cattle-resources-system";
/** Release names as Rancher's Apps UI installs them (`catalog.cattle.io/release-name`). */
export const RANCHER_BACKUP_CRD_RELEASE = "rancher-backup-crd";
export const RANCHER_BACKUP_RELEASE = "rancher-backup";

export interface RancherBackupChart {
  /** Chart version of both `rancher-backup-crd` and `rancher-backup`. */
  version: string;
  /** The chart's `kubeVersion` floor (Helm refuses older clusters). */
  kubeAtLeast: { major: number; minor: number };
}

/**
 * Per Rancher minor, the chart its `catalog.cattle.io/rancher-version` annotation names, from
 * rancher/charts `charts/rancher-backup/<version>/Chart.yaml` (rancher-backup-crd has the same
 * versions under `charts/rancher-backup-crd/`):
 * - 107.0.0+up8.0.0: rancher-version ">= 2.12.0-0 < 2.13.0-0", kubeVersion ">= 1.31.0-0" (its
 *   values.yaml has the same s3 and persistence keys as 110.0.0)
 * - 108.0.0+up9.0.0: rancher-version ">= 2.13.0-0 < 2.14.0-0", kubeVersion ">= 1.32.0-0"
 * - 109.0.0+up10.0.0: rancher-version ">= 2.14.0-0 < 2.15.0-0", kubeVersion ">= 1.33.0-0"
 * - 110.0.0+up11.0.0: rancher-version ">= 2.15.0-0 < 2.16.0-0", kubeVersion ">= 1.34.0-0"
 *   (operator v11.0.0; its catalog kube-version annotation stops below 1.36, but that only
 *   drives Rancher's Apps UI: Helm checks kubeVersion, which admits RKE2 v1.36). The chart
 *   packaged from upstream tag v11.0.0 is vendored in test/fixtures/upstream/charts.
 * A Rancher minor without a row is a config error (rancher-ha:rancherVersion with backups on).
 */
export const RANCHER_BACKUP_CHARTS: Readonly<Record<string, RancherBackupChart>> = {
  "2.12": { version: "107.0.0+up8.0.0", kubeAtLeast: { major: 1, minor: 31 } },
  "2.13": { version: "108.0.0+up9.0.0", kubeAtLeast: { major: 1, minor: 32 } },
  "2.14": { version: "109.0.0+up10.0.0", kubeAtLeast: { major: 1, minor: 33 } },
  "2.15": { version: "110.0.0+up11.0.0", kubeAtLeast: { major: 1, minor: 34 } },
};

/** The chart for a Rancher version ("2.15.0"), or undefined when no row covers its minor. */
export function rancherBackupChart(rancherVersion: string): RancherBackupChart | undefined {
  const v = parseChartVersion(rancherVersion);
  return v ? RANCHER_BACKUP_CHARTS[`${v.major}.${v.minor}`] : undefined;
}
