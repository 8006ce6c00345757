// What gets installed: RKE2, Rancher and its chart repository, cert-manager, the ingress
// controller (components/config/validators/versions.ts; caps from components/versions.ts).
import { checkVersions } from "../components/config/validators/versions";
import { validatorTable } from "./config-helpers";

const KNOWN = "2.12.0–2.12.12, 2.13.0–2.13.8, 2.14.0–2.14.4, 2.15.0";
const unknownRelease = (v: string) =>
  `rancherVersion: ${v} is not a Rancher release this program knows (${KNOWN}); a newer one needs its chart's kubeVersion cap added to components/versions.ts`;
const switching = (to: string, from: string, cls: string) =>
  `warning: rancher-ha:ingressController is set to ${to}: if the cluster runs the other controller, this update switches it (RKE2 blanks the ${from} chart's manifest, so that controller is uninstalled and Rancher is unreachable for a minute or two until ${to} serves ports 80/443 on every server; Rancher's Ingress moves to class "${cls}"). The cluster keeps ${to} when the key is unset later.`;
const above = (rke2: string, minor: number, rancher: string) =>
  `rke2Version: ${rke2} (Kubernetes 1.${minor}) is above what Rancher ${rancher} supports (chart kubeVersion cap); pick an older RKE2 or a newer Rancher`;

describe("config validator: versions", () => {
  validatorTable(checkVersions, [
    ["the defaults", {}, []],
    ["a v-prefixed Rancher version", { rancherVersion: "v2.15.0" }, []],
    // Releases and caps: rancher/rancher tags and chart/Chart.yaml kubeVersion at each tag.
    ["an older pair", { rancherVersion: "2.13.8", rke2Version: "v1.34.10+rke2r1" }, []],
    ["2.14.4 on Kubernetes 1.35", { rancherVersion: "2.14.4", rke2Version: "v1.35.7+rke2r1" }, []],
    [
      "2.13.8 on Kubernetes 1.35",
      { rancherVersion: "2.13.8", rke2Version: "v1.35.7+rke2r1" },
      [above("v1.35.7+rke2r1", 35, "2.13.8")],
    ],
    [
      "2.14.4 on the default RKE2 (1.36)",
      { rancherVersion: "2.14.4" },
      [above("v1.36.3+rke2r1", 36, "2.14.4")],
    ],
    ["a patch not released yet", { rancherVersion: "2.15.1" }, [unknownRelease("2.15.1")]],
    ["a minor not known yet", { rancherVersion: "2.16.0" }, [unknownRelease("2.16.0")]],
    ["a minor too old", { rancherVersion: "2.11.3" }, [unknownRelease("2.11.3")]],
    ["a pre-release", { rancherVersion: "2.15.1-alpha1" }, [unknownRelease("2.15.1-alpha1")]],
    [
      "a Rancher version that is not one",
      { rancherVersion: "latest" },
      [`rancherVersion: "latest" is not a chart version like 2.15.0`],
    ],
    [
      "an RKE2 version without its suffix",
      { rke2Version: "1.36.3" },
      [`rke2Version: "1.36.3" is not an RKE2 release like v1.36.3+rke2r1`],
    ],
    [
      "a cert-manager version without its v",
      { certManagerVersion: "1.21" },
      [`certManagerVersion: "1.21" is not a cert-manager chart version like v1.21.1`],
    ],
    [
      "an upgrade one minor up",
      { rke2Version: "v1.35.7+rke2r1" },
      [],
      { region: "us-east-1", previousRke2Version: "v1.34.10+rke2r1" },
    ],
    [
      "an upgrade that skips a minor",
      { rke2Version: "v1.36.3+rke2r1" },
      [
        "rke2Version: v1.34.10+rke2r1 → v1.36.3+rke2r1 skips 1 minor release(s); upgrade through v1.35.x first",
      ],
      { region: "us-east-1", previousRke2Version: "v1.34.10+rke2r1" },
    ],
    [
      "a downgrade",
      { rke2Version: "v1.34.9+rke2r1", rancherVersion: "2.14.4" },
      ["rke2Version: v1.34.10+rke2r1 → v1.34.9+rke2r1 downgrades are not supported by RKE2"],
      { region: "us-east-1", previousRke2Version: "v1.34.10+rke2r1" },
    ],
    ["the latest repository", { rancherChartRepository: "latest" }, []],
    ["a mirror", { rancherChartRepository: "https://charts.example.com/rancher/" }, []],
    [
      "the stable repository",
      { rancherChartRepository: "stable" },
      [
        "warning: rancher-ha:rancherChartRepository is stable: it only gets releases promoted by hand after they ship (some never); check that `helm search repo rancher-stable/rancher --versions` lists 2.15.0, or use latest",
      ],
    ],
    [
      "a repository name typo",
      { rancherChartRepository: "latst" },
      [
        `rancherChartRepository: "latst" is not one of latest, stable, prime or an https:// URL of a Helm repository`,
      ],
    ],
    [
      "a plain-http repository",
      { rancherChartRepository: "http://charts.example.com" },
      [
        `rancherChartRepository: "http://charts.example.com" is not https; use latest, stable, prime or an https:// Helm repository URL`,
      ],
    ],
    [
      "credentials in the repository URL",
      { rancherChartRepository: "https://user:pw@charts.example.com" },
      ["rancherChartRepository: must not carry credentials; use a repository that needs none"],
    ],
    [
      "a query in the repository URL",
      { rancherChartRepository: "https://charts.example.com/?x=1" },
      [
        `rancherChartRepository: "https://charts.example.com/?x=1" has a query or fragment; give the repository's base URL`,
      ],
    ],
    [
      "Traefik chosen explicitly",
      { ingressController: "traefik" },
      [switching("traefik", "ingress-nginx", "traefik")],
    ],
    [
      "ingress-nginx on RKE2 1.35",
      { ingressController: "ingress-nginx", rke2Version: "v1.35.7+rke2r1" },
      [switching("ingress-nginx", "traefik", "nginx")],
    ],
    [
      "ingress-nginx on RKE2 1.37, which no longer ships it",
      { ingressController: "ingress-nginx", rke2Version: "v1.37.0+rke2r1" },
      [
        above("v1.37.0+rke2r1", 37, "2.15.0"),
        "ingressController: RKE2 v1.37.0+rke2r1 no longer ships ingress-nginx; use traefik",
        switching("ingress-nginx", "traefik", "nginx"),
      ],
    ],
    [
      "a controller RKE2 does not ship",
      { ingressController: "nginx" as never },
      [`ingressController: "nginx" is not traefik or ingress-nginx`],
    ],
  ]);
});
