// Version facts the program decides with. Each entry names where it was confirmed, because
// upstream moves and a wrong cap here means a Rancher install that Helm refuses.

/** Newest mutually compatible releases confirmed (see README "Versions"). */
export const DEFAULT_VERSIONS = {
  rke2Version: "v1.36.3+rke2r1",
  rancherVersion: "2.15.0",
  certManagerVersion: "v1.21.1",
} as const;

/**
 * Rancher chart `kubeVersion` upper bounds (exclusive), from each chart's Chart.yaml
 * (rancher/rancher `chart/Chart.yaml` at the release tag; 2.15.0 is in test/fixtures/upstream).
 */
export const RANCHER_KUBE_VERSION_CAPS: Readonly<Record<string, { major: number; minor: number }>> =
  {
    "2.13": { major: 1, minor: 35 },
    "2.14": { major: 1, minor: 36 },
    "2.15": { major: 1, minor: 37 },
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

const RKE2_RE = /^v(\d+)\.(\d+)\.(\d+)\+rke2r(\d+)$/;
const CHART_RE = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const CERT_MANAGER_RE = /^v(\d+)\.(\d+)\.(\d+)$/;

export function parseRke2Version(v: string): Rke2Version | undefined {
  const m = RKE2_RE.exec(v);
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

/**
 * Whether the Rancher chart admits this Kubernetes version: `true`/`false` when the chart's cap
 * is known, `undefined` when this Rancher minor is not in the table.
 */
export function rancherAdmitsKube(rancher: SemVer, kube: Rke2Version): boolean | undefined {
  const cap = RANCHER_KUBE_VERSION_CAPS[`${rancher.major}.${rancher.minor}`];
  if (!cap) return undefined;
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
