// What gets installed: RKE2, Rancher (and where its chart comes from), cert-manager, and the
// ingress controller of a new cluster.
import { rancherChartRepositoryUrl } from "../../rancher/charts";
import { switchConsequences } from "../../rancher/values";
import type { IngressController } from "../../rke2/render";
import {
  defaultIngressController,
  knownRancherReleases,
  parseCertManagerVersion,
  parseChartVersion,
  parseRke2Version,
  rancherAdmitsKube,
  rancherRelease,
  rke2ShipsIngressNginx,
  rke2UpgradeProblem,
} from "../../versions";
import { problem, type Finding, type Validator, warning } from "../problems";
import { DEFAULTS, type RancherHaSettings } from "../schema";

/** The Rancher chart version, without the `v` a tag carries. */
export function rancherVersionOf(s: RancherHaSettings): string {
  return (s.rancherVersion ?? DEFAULTS.rancherVersion).replace(/^v/, "");
}

/**
 * The controller a new cluster gets: `ingressController`, or what RKE2 installs by default for
 * `rke2Version` (a running cluster keeps the one pinned in its state: ingressPin.ts).
 */
export function ingressControllerOf(s: RancherHaSettings): IngressController {
  if (s.ingressController !== undefined) return s.ingressController;
  const rke2 = parseRke2Version(s.rke2Version ?? DEFAULTS.rke2Version);
  return rke2 ? defaultIngressController(rke2) : "traefik";
}

export const checkVersions: Validator = (s, ctx) => {
  const out: Finding[] = [];
  const rke2Version = s.rke2Version ?? DEFAULTS.rke2Version;
  const rke2 = parseRke2Version(rke2Version);
  if (!rke2) {
    out.push(problem("rke2Version", `"${rke2Version}" is not an RKE2 release like v1.36.3+rke2r1`));
  }
  const rancherVersion = rancherVersionOf(s);
  const parsedRancher = parseChartVersion(rancherVersion);
  const rancher = parsedRancher && rancherRelease(parsedRancher) ? parsedRancher : undefined;
  if (!parsedRancher) {
    out.push(problem("rancherVersion", `"${s.rancherVersion}" is not a chart version like 2.15.0`));
  } else if (!rancher) {
    out.push(
      problem(
        "rancherVersion",
        `${rancherVersion} is not a Rancher release this program knows (${knownRancherReleases()}); a newer one needs its chart's kubeVersion cap added to components/versions.ts`,
      ),
    );
  }
  const chartRepo = rancherChartRepositoryUrl(
    s.rancherChartRepository ?? DEFAULTS.rancherChartRepository,
  );
  if ("problem" in chartRepo) out.push(problem("rancherChartRepository", chartRepo.problem));
  else if (s.rancherChartRepository === "stable") {
    out.push(
      warning(
        `rancher-ha:rancherChartRepository is stable: it only gets releases promoted by hand after they ship (some never); check that \`helm search repo rancher-stable/rancher --versions\` lists ${rancherVersion}, or use latest`,
      ),
    );
  }
  const certManagerVersion = s.certManagerVersion ?? DEFAULTS.certManagerVersion;
  if (!parseCertManagerVersion(certManagerVersion)) {
    out.push(
      problem(
        "certManagerVersion",
        `"${certManagerVersion}" is not a cert-manager chart version like v1.21.1`,
      ),
    );
  }
  if (rke2 && rancher && !rancherAdmitsKube(rancher, rke2)) {
    out.push(
      problem(
        "rke2Version",
        `${rke2Version} (Kubernetes 1.${rke2.minor}) is above what Rancher ${rancherVersion} supports (chart kubeVersion cap); pick an older RKE2 or a newer Rancher`,
      ),
    );
  }
  if (rke2 && ctx.previousRke2Version) {
    const prev = parseRke2Version(ctx.previousRke2Version);
    const p = prev && rke2UpgradeProblem(prev, rke2);
    if (p) out.push(problem("rke2Version", `${ctx.previousRke2Version} → ${rke2Version} ${p}`));
  }

  const controller: string | undefined = s.ingressController;
  if (controller !== undefined) {
    if (controller !== "traefik" && controller !== "ingress-nginx") {
      out.push(problem("ingressController", `"${controller}" is not traefik or ingress-nginx`));
    } else {
      if (controller === "ingress-nginx" && rke2 && !rke2ShipsIngressNginx(rke2)) {
        out.push(
          problem(
            "ingressController",
            `RKE2 ${rke2Version} no longer ships ingress-nginx; use traefik`,
          ),
        );
      }
      out.push(
        warning(
          `rancher-ha:ingressController is set to ${controller}: if the cluster runs the other controller, this update switches it (${switchConsequences(controller)}). The cluster keeps ${controller} when the key is unset later.`,
        ),
      );
    }
  }
  return out;
};
