// Where the Helm charts come from. Pure constants and one resolver: config validates with them,
// the install component uses them.

/**
 * Rancher's chart repositories.
 * - latest: every release tag publishes its chart here (rancher/rancher `scripts/version`:
 *   `CHART_REPO="latest"` for x.y.z tags), so a pinned release is always there.
 * - stable: versions promoted by hand some time after release (`promote-to-stable.yml`), and
 *   some x.y.0 never: a pinned version may be missing (rancher-docs "Choosing a Rancher
 *   Version": stable gets a version when it is tagged `rancher/rancher:stable`).
 * - prime: Rancher Prime (SUSE subscription), `https://charts.rancher.com/server-charts/prime`
 *   (rancher-docs enterprise install instructions: `helm repo add rancher-prime …`).
 */
export const RANCHER_CHART_REPOSITORIES = {
  latest: "https://releases.rancher.com/server-charts/latest",
  stable: "https://releases.rancher.com/server-charts/stable",
  prime: "https://charts.rancher.com/server-charts/prime",
} as const;

export type RancherChartRepositoryName = keyof typeof RANCHER_CHART_REPOSITORIES;

export const DEFAULT_RANCHER_CHART_REPOSITORY: RancherChartRepositoryName = "latest";

/** cert-manager's chart repository (jetstack/cert-manager). */
export const JETSTACK_REPO = "https://charts.jetstack.io";

/**
 * The repository URL for a `rancherChartRepository` value (a name above or an https URL), or
 * a problem description.
 */
export function rancherChartRepositoryUrl(value: string): { url: string } | { problem: string } {
  if (Object.hasOwn(RANCHER_CHART_REPOSITORIES, value)) {
    return { url: RANCHER_CHART_REPOSITORIES[value as RancherChartRepositoryName] };
  }
  const names = Object.keys(RANCHER_CHART_REPOSITORIES).join(", ");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `"${value}" is not one of ${names} or an https:// URL of a Helm repository` };
  }
  if (url.protocol !== "https:") {
    return { problem: `"${value}" is not https; use ${names} or an https:// Helm repository URL` };
  }
  if (url.username || url.password) {
    // It would land in the release's inputs, in plaintext in the state.
    return { problem: "must not carry credentials; use a repository that needs none" };
  }
  if (url.search || url.hash) {
    return { problem: `"${value}" has a query or fragment; give the repository's base URL` };
  }
  return { url: value.replace(/\/+$/, "") };
}
