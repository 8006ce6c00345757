// The real upstream charts rendered by a real helm with the values a plan produces: the Rancher
// chart, cert-manager, and the ingress chart the pinned RKE2 release ships with the plan's
// HelmChartConfig merged the way RKE2's helm-controller does. Each combination renders once per
// test process. Provenance of every chart: test/fixtures/upstream/SOURCES.md.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { IngressController } from "../components/rke2/render";
import type { RecordedResource } from "../plan/mocks";
import type { Plan } from "../plan/run";
import { reveal } from "../plan/values";
import { helmTemplate, Manifest } from "./helm";
import { REFERENCE_DIR, referencePath } from "./reference";

export type { Manifest } from "./helm";

// ---------------------------------------------------------------------------------------------
// Which charts, at which versions

/**
 * The ingress charts each RKE2 release ships: rancher/rke2 `charts/chart_versions.yaml` at the
 * release tag (entries /charts/rke2-traefik.yaml and /charts/rke2-ingress-nginx.yaml), read at
 * each tag listed. Only releases whose charts are vendored can be rendered.
 */
export const RKE2_INGRESS_CHARTS: Readonly<Record<string, Record<IngressController, string>>> = {
  "v1.34.10+rke2r1": { traefik: "40.1.009", "ingress-nginx": "4.15.107" },
  "v1.35.7+rke2r1": { traefik: "40.1.009", "ingress-nginx": "4.15.107" },
  "v1.36.0+rke2r1": { traefik: "39.0.702", "ingress-nginx": "4.14.506" },
  "v1.36.1+rke2r1": { traefik: "39.0.703", "ingress-nginx": "4.14.508" },
  "v1.36.1+rke2r2": { traefik: "39.0.703", "ingress-nginx": "4.14.509" },
  "v1.36.2+rke2r1": { traefik: "40.1.003", "ingress-nginx": "4.15.101" },
  "v1.36.3+rke2r1": { traefik: "40.1.009", "ingress-nginx": "4.15.107" },
  "v1.36.4-rc1+rke2r1": { traefik: "41.2.001", "ingress-nginx": "4.15.109" },
};

/** RKE2's HelmChart name for each controller (also the HelmChartConfig's name). */
export const INGRESS_CHART_NAME: Readonly<Record<IngressController, string>> = {
  traefik: "rke2-traefik",
  "ingress-nginx": "rke2-ingress-nginx",
};

/** The vendored packaged chart `charts/<name>-<version>.tgz`; fails when it is not vendored. */
export function chartPath(name: string, version: string): string {
  return referencePath(`charts/${name}-${version}.tgz`);
}

export function isVendored(name: string, version: string): boolean {
  return fs.existsSync(path.join(REFERENCE_DIR, "charts", `${name}-${version}.tgz`));
}

/** The ingress chart (name, version, file) an RKE2 release ships for a controller. */
export function ingressChart(controller: IngressController, rke2Version: string) {
  const versions = RKE2_INGRESS_CHARTS[rke2Version];
  if (!versions) {
    throw new Error(
      `no ingress chart versions known for RKE2 ${rke2Version}: add them to RKE2_INGRESS_CHARTS from rancher/rke2 charts/chart_versions.yaml at that tag, and vendor the charts (test/fixtures/upstream/SOURCES.md)`,
    );
  }
  const name = INGRESS_CHART_NAME[controller];
  return { name, version: versions[controller], file: chartPath(name, versions[controller]) };
}

/** The Kubernetes version of an RKE2 release: v1.36.3+rke2r1 → v1.36.3. */
export function kubeVersionOf(rke2Version: string): string {
  const m = /^(v\d+\.\d+\.\d+)(?:-rc\d+)?\+rke2r\d+$/.exec(rke2Version);
  if (!m) throw new Error(`not an RKE2 release: ${rke2Version}`);
  return m[1];
}

/** RKE2's cluster defaults (rke2-docs server_config.md), as the tests' cluster has them. */
export const RKE2_CLUSTER = {
  clusterCIDR: "10.42.0.0/16",
  serviceCIDR: "10.43.0.0/16",
  clusterDNS: "10.43.0.10",
  clusterDomain: "cluster.local",
  dataDir: "/var/lib/rancher/rke2",
} as const;

/**
 * The `spec.set` RKE2 writes into its packaged HelmCharts (rke2 v1.36.3 pkg/bootstrap/
 * bootstrap.go setChartValues), as helm-controller v0.17.7 passes them (chart.go typedVal): sorted
 * by key, `--set` for the strings true/false/null (RKE2 writes every value as a string),
 * `--set-string` for the rest.
 */
export function rke2ChartSet(controller: IngressController) {
  const set: Record<string, string> = {
    "global.clusterCIDR": RKE2_CLUSTER.clusterCIDR,
    "global.clusterCIDRv4": RKE2_CLUSTER.clusterCIDR,
    "global.clusterCIDRv6": "",
    "global.clusterDNS": RKE2_CLUSTER.clusterDNS,
    "global.clusterDomain": RKE2_CLUSTER.clusterDomain,
    "global.rke2DataDir": RKE2_CLUSTER.dataDir,
    "global.serviceCIDR": RKE2_CLUSTER.serviceCIDR,
    // The ingress-controller name, not the IngressClass: the charts compare it to these names.
    "global.systemDefaultIngressClass": controller,
    "global.prime.enabled": "false",
    "global.systemDefaultRegistry": "",
    "global.cattle.systemDefaultRegistry": "",
  };
  return Object.keys(set)
    .sort()
    .map((key) => ({
      key,
      value: set[key],
      string: !/^(true|false|null)$/i.test(set[key]),
    }));
}

// ---------------------------------------------------------------------------------------------
// Rendering (memoised: each combination once per process)

const rendered = new Map<string, Promise<Manifest[]>>();

function once(key: unknown, render: () => Promise<Manifest[]>): Promise<Manifest[]> {
  const k = JSON.stringify(key);
  let p = rendered.get(k);
  if (!p) {
    p = render();
    rendered.set(k, p);
  }
  return p;
}

export interface RancherRenderOptions {
  /** Chart version (default 2.15.0). */
  version?: string;
  /** The cluster's RKE2 release: its Kubernetes version must pass the chart's kubeVersion. */
  rke2Version?: string;
  /** cert-manager's objects, when it is installed: its CRDs become served API versions. */
  certManager?: Manifest[];
}

/** The Rancher chart (release `rancher`, namespace cattle-system) with these values. */
export function renderRancher(
  values: Record<string, unknown>,
  opts: RancherRenderOptions = {},
): Promise<Manifest[]> {
  const version = opts.version ?? "2.15.0";
  const rke2Version = opts.rke2Version ?? "v1.36.3+rke2r1";
  const apiVersions = opts.certManager ? servedApiVersions(opts.certManager) : [];
  return once(["rancher", version, rke2Version, apiVersions, values], () =>
    helmTemplate({
      release: "rancher",
      namespace: "cattle-system",
      chart: chartPath("rancher", version),
      kubeVersion: kubeVersionOf(rke2Version),
      apiVersions,
      values,
      secrets: typeof values.bootstrapPassword === "string" ? [values.bootstrapPassword] : [],
    }),
  );
}

/** The cert-manager chart (release cert-manager, namespace cert-manager) with these values. */
export function renderCertManager(
  values: Record<string, unknown>,
  opts: { version?: string; rke2Version?: string } = {},
): Promise<Manifest[]> {
  const version = opts.version ?? "v1.21.1";
  const rke2Version = opts.rke2Version ?? "v1.36.3+rke2r1";
  return once(["cert-manager", version, rke2Version, values], () =>
    helmTemplate({
      release: "cert-manager",
      namespace: "cert-manager",
      chart: chartPath("cert-manager", version),
      kubeVersion: kubeVersionOf(rke2Version),
      values,
    }),
  );
}

/**
 * The ingress chart an RKE2 release ships, as RKE2 installs it (release = chart name, namespace
 * kube-system): the HelmChartConfig's valuesContent, then RKE2's injected globals.
 */
export function renderIngress(
  controller: IngressController,
  rke2Version: string,
  valuesContent: string,
): Promise<Manifest[]> {
  const chart = ingressChart(controller, rke2Version);
  return once(["ingress", chart.file, rke2Version, valuesContent], () =>
    helmTemplate({
      release: chart.name,
      namespace: "kube-system",
      chart: chart.file,
      kubeVersion: kubeVersionOf(rke2Version),
      values: valuesContent,
      set: rke2ChartSet(controller),
    }),
  );
}

/** `group/version` and `group/version/Kind` for every served version of the rendered CRDs. */
export function servedApiVersions(docs: Manifest[]): string[] {
  return findKind(docs, "CustomResourceDefinition")
    .flatMap((crd) =>
      (crd.spec.versions as { name: string; served: boolean }[])
        .filter((v) => v.served)
        .flatMap((v) => [
          `${crd.spec.group}/${v.name}`,
          `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`,
        ]),
    )
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Finders

/** Every object of a kind (and name). */
export function findKind(docs: Manifest[], kind: string, name?: string): Manifest[] {
  return docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
}

/** The one object of a kind (and name); fails unless there is exactly one. */
export function oneKind(docs: Manifest[], kind: string, name?: string): Manifest {
  const found = findKind(docs, kind, name);
  assert.equal(
    found.length,
    1,
    `expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`,
  );
  return found[0];
}

/** The pod template's container of a Deployment or DaemonSet (by name, or the only one). */
export function container(workload: Manifest, name?: string): Record<string, any> {
  const containers = workload.spec.template.spec.containers as Record<string, any>[];
  const found = containers.filter((c) => name === undefined || c.name === name);
  assert.equal(found.length, 1, `container ${name ?? "(only)"} of ${workload.metadata.name}`);
  return found[0];
}

/** A container's plain environment (`value`s; `valueFrom` entries as their source). */
export function envOf(c: Record<string, any>): Record<string, unknown> {
  return Object.fromEntries(
    ((c.env ?? []) as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// What a plan installs

/** The values of a Helm release in the plan (`rancher`, `cert-manager`), secrets unwrapped. */
export function releaseValues(p: Plan, release: string): Record<string, unknown> {
  const r = planRelease(p, release);
  return (reveal(r.inputs.values, true) ?? {}) as Record<string, unknown>;
}

/** The plan's Helm release resource by its release name, or undefined. */
export function findRelease(p: Plan, release: string): RecordedResource | undefined {
  const found = p.resources.filter(
    (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === release,
  );
  assert.ok(found.length <= 1, `one ${release} release`);
  return found[0];
}

export function planRelease(p: Plan, release: string): RecordedResource {
  const r = findRelease(p, release);
  assert.ok(r, `the plan installs ${release}`);
  return r;
}

/**
 * The HelmChartConfig the front end writes on every server (its ingress tuning commands carry it
 * on stdin); the same document on each server.
 */
export function planHelmChartConfig(p: Plan): Manifest {
  const manifests = p.resources
    .filter((r) => r.type === "command:remote:Command")
    .map((r) => reveal(r.inputs.stdin, true))
    .filter((s): s is string => typeof s === "string" && /^kind: HelmChartConfig$/m.test(s));
  assert.equal(manifests.length, p.config.serverCount, "one HelmChartConfig per server");
  assert.equal(new Set(manifests).size, 1, "the same HelmChartConfig on every server");
  const doc = parse(manifests[0]) as Manifest;
  assert.equal(doc.apiVersion, "helm.cattle.io/v1");
  assert.equal(doc.metadata.namespace, "kube-system");
  return doc;
}

/** The ingress controller a HelmChartConfig customises, by its name. */
export function controllerOf(helmChartConfig: Manifest): IngressController {
  const entry = Object.entries(INGRESS_CHART_NAME).find(
    ([, chart]) => chart === helmChartConfig.metadata.name,
  );
  assert.ok(entry, `HelmChartConfig ${helmChartConfig.metadata.name} names an RKE2 ingress chart`);
  return entry[0] as IngressController;
}

export interface PlanCharts {
  plan: Plan;
  controller: IngressController;
  /** The HelmChartConfig's valuesContent. */
  ingressValues: string;
  ingress: Manifest[];
  rancherValues: Record<string, unknown>;
  rancher: Manifest[];
  certManagerValues?: Record<string, unknown>;
  certManager?: Manifest[];
}

/** Every chart the plan installs, rendered with the plan's own values and versions. */
export async function renderPlanCharts(p: Plan): Promise<PlanCharts> {
  const rke2Version = p.config.rke2Version;
  const hcc = planHelmChartConfig(p);
  const controller = controllerOf(hcc);
  const ingressValues = hcc.spec.valuesContent as string;
  const rancherRelease = planRelease(p, "rancher");
  const rancherValues = releaseValues(p, "rancher");
  const cm = findRelease(p, "cert-manager");
  const certManagerValues = cm ? releaseValues(p, "cert-manager") : undefined;
  const certManager = certManagerValues
    ? await renderCertManager(certManagerValues, {
        version: cm!.inputs.version as string,
        rke2Version,
      })
    : undefined;
  const [ingress, rancher] = await Promise.all([
    renderIngress(controller, rke2Version, ingressValues),
    renderRancher(rancherValues, {
      version: rancherRelease.inputs.version as string,
      rke2Version,
      ...(certManager ? { certManager } : {}),
    }),
  ]);
  return {
    plan: p,
    controller,
    ingressValues,
    ingress,
    rancherValues,
    rancher,
    ...(certManager ? { certManager, certManagerValues } : {}),
  };
}
