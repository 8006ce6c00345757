// Version facts the program decides with. Each entry names where it was confirmed, because
// upstream moves and a wrong cap here means a Rancher install that Helm refuses.

/** Newest mutually compatible releases confirmed (see README "Versions"). */
export const DEFAULT_VERSIONS = {
  rke2Version: "v1.36.3+rke2r1",
  rancherVersion: "2.15.0",
  certManagerVersion: "v1.21.1",
} as const;

/**
 * Rancher releases this program knows: per minor, the newest patch release (every patch from
 * .0 up to it exists) and the chart's `kubeVersion` cap (exclusive Kubernetes minor, the same
 * for every patch of the minor). Source: rancher/rancher tags v2.12.0 … v2.15.0 and
 * `chart/Chart.yaml` `kubeVersion` at each tag (repository snapshot of 2026-08-21; the 2.15.0
 * chart is in test/fixtures/upstream). A newer release gets a row here once its cap is checked.
 */
export const RANCHER_RELEASES: Readonly<
  Record<string, { newestPatch: number; kubeBelow: { major: number; minor: number } }>
> = {
  "2.12": { newestPatch: 12, kubeBelow: { major: 1, minor: 34 } },
  "2.13": { newestPatch: 8, kubeBelow: { major: 1, minor: 35 } },
  "2.14": { newestPatch: 4, kubeBelow: { major: 1, minor: 36 } },
  "2.15": { newestPatch: 0, kubeBelow: { major: 1, minor: 37 } },
};

/** RKE2 installs Traefik by default from v1.36; ingress-nginx is removed in v1.37. */
export const RKE2_TRAEFIK_DEFAULT_FROM_MINOR = 36;
export const RKE2_NGINX_REMOVED_IN_MINOR = 37;

export interface Rke2Version {
  major: number;
  minor: number;
  patch: number;
  release: number;
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre?: string;
}

/** An RKE2 release tag, e.g. v1.36.3+rke2r1 (the config and the node parameters both use it). */
export const RKE2_VERSION_PATTERN = /^v(\d+)\.(\d+)\.(\d+)\+rke2r(\d+)$/;
const CHART_RE = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const CERT_MANAGER_RE = /^v(\d+)\.(\d+)\.(\d+)$/;

export function parseRke2Version(v: string): Rke2Version | undefined {
  const m = RKE2_VERSION_PATTERN.exec(v);
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], patch: +m[3], release: +m[4] };
}

export function parseChartVersion(v: string): SemVer | undefined {
  const m = CHART_RE.exec(v);
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], patch: +m[3], pre: m[4] };
}

export function parseCertManagerVersion(v: string): SemVer | undefined {
  const m = CERT_MANAGER_RE.exec(v);
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], patch: +m[3] };
}

export function compareRke2(a: Rke2Version, b: Rke2Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.release - b.release;
}

export function defaultIngressController(v: Rke2Version): "traefik" | "ingress-nginx" {
  return v.major > 1 || v.minor >= RKE2_TRAEFIK_DEFAULT_FROM_MINOR ? "traefik" : "ingress-nginx";
}

export function rke2ShipsIngressNginx(v: Rke2Version): boolean {
  return v.major === 1 && v.minor < RKE2_NGINX_REMOVED_IN_MINOR;
}

/** The known release this version is (see RANCHER_RELEASES), or undefined. */
export function rancherRelease(v: SemVer): (typeof RANCHER_RELEASES)[string] | undefined {
  const release = RANCHER_RELEASES[`${v.major}.${v.minor}`];
  return release && v.pre === undefined && v.patch <= release.newestPatch ? release : undefined;
}

/** "2.12.0–2.12.12, …, 2.15.0": the known releases, for messages. */
export function knownRancherReleases(): string {
  return Object.entries(RANCHER_RELEASES)
    .map(([minor, r]) =>
      r.newestPatch === 0 ? `${minor}.0` : `${minor}.0–${minor}.${r.newestPatch}`,
    )
    .join(", ");
}

/** Whether a known Rancher release's chart admits this Kubernetes version (`kubeVersion`). */
export function rancherAdmitsKube(rancher: SemVer, kube: Rke2Version): boolean {
  const release = rancherRelease(rancher);
  if (!release)
    throw new Error(
      `Rancher ${rancher.major}.${rancher.minor}.${rancher.patch} is not a known release`,
    );
  const cap = release.kubeBelow;
  return kube.major < cap.major || (kube.major === cap.major && kube.minor < cap.minor);
}

/**
 * RKE2 (like Kubernetes) upgrades one minor at a time and does not support downgrades.
 * Returns a problem description, or undefined when `from → to` is a supported step.
 */
export function rke2UpgradeProblem(from: Rke2Version, to: Rke2Version): string | undefined {
  if (compareRke2(to, from) < 0) return "downgrades are not supported by RKE2";
  if (to.major !== from.major) return "major version changes are not supported";
  if (to.minor - from.minor > 1) {
    return `skips ${to.minor - from.minor - 1} minor release(s); upgrade through v${from.major}.${from.minor + 1}.x first`;
  }
  return undefined;
}
