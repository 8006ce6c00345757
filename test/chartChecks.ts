// What a working install needs from the rendered charts, as assertions other tests can call and
// extend (idle timeouts, a private CA, …): each takes the parsed objects of one render
// (test/charts.ts) and says in its message what is wrong. Nothing secret goes into a message.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import type { IngressController } from "../components/rke2/render";
import {
  container,
  envOf,
  findKind,
  ingressChart,
  Manifest,
  oneKind,
  servedApiVersions,
} from "./charts";
import { chartFile, parseKnownValueKeys, unknownValuePaths } from "./reference";

/** The IngressClass each RKE2 ingress chart installs (and Rancher's Ingress must name). */
export const INGRESS_CLASS: Readonly<Record<IngressController, string>> = {
  traefik: "traefik",
  "ingress-nginx": "nginx",
};

/** The Rancher chart's certificate secret for ingress TLS (values.yaml ingress.tls.secretName). */
const RANCHER_TLS_SECRET = "tls-rancher-ingress";

// ---------------------------------------------------------------------------------------------
// Rancher

export const rancherIngress = (docs: Manifest[]) => oneKind(docs, "Ingress", "rancher");
export const rancherDeployment = (docs: Manifest[]) => oneKind(docs, "Deployment", "rancher");
export const rancherContainer = (docs: Manifest[]) => container(rancherDeployment(docs), "rancher");

/** Rancher's Ingress sends `hostname` on `ingressClassName` to the rancher Service's port 80. */
export function assertRancherRoute(docs: Manifest[], hostname: string, ingressClassName: string) {
  const ing = rancherIngress(docs);
  assert.equal(ing.spec.ingressClassName, ingressClassName, "Rancher Ingress class");
  assert.deepEqual(
    ing.spec.rules.map((r: { host: string }) => r.host),
    [hostname],
    "Rancher Ingress host",
  );
  const backend = ing.spec.rules[0].http.paths[0].backend.service;
  assert.deepEqual(backend, { name: "rancher", port: { number: 80 } }, "Ingress backend");
  const svc = oneKind(docs, "Service", "rancher");
  assert.ok(
    svc.spec.ports.some((p: { port: number }) => p.port === 80),
    "the rancher Service serves port 80",
  );
}

export type RancherTlsExpectation =
  | { mode: "external" }
  | { mode: "ingress"; source: "rancher" }
  | { mode: "ingress"; source: "secret" }
  | {
      mode: "ingress";
      source: "letsEncrypt";
      email: string;
      environment: "production" | "staging";
      /** The IngressClass the HTTP-01 solver's Ingress must use. */
      ingressClass: string;
    };

const ACME_SERVER = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/**
 * TLS per mode. external (l7): no TLS block, no cert-manager annotation or object, no redirect
 * to https. ingress (l4): the TLS block with tls-rancher-ingress for the hostname, and for
 * sources rancher/letsEncrypt the chart's cert-manager Issuer and the annotations that use it.
 */
export function assertRancherTls(docs: Manifest[], tls: RancherTlsExpectation) {
  const ing = rancherIngress(docs);
  const annotations = ing.metadata.annotations ?? {};
  const certManagerAnnotations = Object.keys(annotations).filter((k) =>
    k.startsWith("cert-manager.io/"),
  );
  const certManagerObjects = docs.filter((d) => d.apiVersion.startsWith("cert-manager.io/"));
  if (tls.mode === "external") {
    assert.equal(ing.spec.tls, undefined, "l7: no TLS block (the ALB terminates TLS)");
    assert.deepEqual(certManagerAnnotations, [], "l7: no cert-manager annotations");
    assert.deepEqual(certManagerObjects, [], "l7: no cert-manager objects");
    assertNoHttpsRedirectAnnotations(annotations);
    return;
  }
  const hostname = ing.spec.rules[0].host as string;
  assert.deepEqual(
    ing.spec.tls,
    [{ hosts: [hostname], secretName: RANCHER_TLS_SECRET }],
    "l4: TLS block with the certificate secret",
  );
  if (tls.source === "secret") {
    assert.deepEqual(certManagerAnnotations, [], "source secret: no cert-manager annotations");
    assert.deepEqual(certManagerObjects, [], "source secret: no cert-manager objects");
    return;
  }
  const issuer = oneKind(docs, "Issuer", "rancher");
  assert.equal(issuer.apiVersion, "cert-manager.io/v1");
  assert.equal(annotations["cert-manager.io/issuer"], issuer.metadata.name);
  assert.equal(annotations["cert-manager.io/issuer-kind"], "Issuer");
  switch (tls.source) {
    case "rancher":
      assert.deepEqual(issuer.spec, { ca: { secretName: "tls-rancher" } }, "Rancher's own CA");
      break;
    case "letsEncrypt":
      assert.equal(issuer.spec.acme.server, ACME_SERVER[tls.environment], "ACME environment");
      assert.equal(issuer.spec.acme.email, tls.email);
      assert.deepEqual(issuer.spec.acme.solvers, [
        { http01: { ingress: { class: tls.ingressClass } } },
      ]);
      break;
    default: {
      const never: never = tls;
      throw new Error(`unknown TLS expectation ${JSON.stringify(never)}`);
    }
  }
}

/** Nothing on Rancher's Ingress asks the controller to redirect to https. */
export function assertNoHttpsRedirectAnnotations(annotations: Record<string, string>) {
  for (const [k, v] of Object.entries(annotations)) {
    if (/ssl-redirect$/.test(k)) assert.equal(v, "false", `${k} must not redirect`);
    assert.ok(!/redirect-?scheme|redirect-to-https/i.test(`${k}=${v}`), `${k}: ${v} redirects`);
    if (k === "traefik.ingress.kubernetes.io/router.entrypoints") {
      assert.ok(
        v
          .split(",")
          .map((e) => e.trim())
          .includes("web"),
        `${k}: ${v} leaves out web`,
      );
    }
  }
}

/**
 * cert-manager exactly where needed: present iff the Rancher chart renders cert-manager objects,
 * and then its chart installs a CRD serving each of them.
 */
export function assertCertManagerWhereNeeded(rancher: Manifest[], certManager?: Manifest[]) {
  const needed = rancher.filter((d) => d.apiVersion.startsWith("cert-manager.io/"));
  if (needed.length === 0) {
    assert.equal(certManager, undefined, "cert-manager installed but nothing uses it");
    return;
  }
  assert.ok(certManager, `the Rancher chart renders ${needed.map((d) => d.kind).join(", ")}`);
  const served = new Set(servedApiVersions(certManager));
  for (const d of needed) {
    assert.ok(served.has(`${d.apiVersion}/${d.kind}`), `a cert-manager CRD serves ${d.kind}`);
  }
}

/** The chart's bootstrap secret holds the plan's password and Rancher reads it from there. */
export function assertBootstrapSecret(docs: Manifest[], password: string) {
  const secret = oneKind(docs, "Secret", "bootstrap-secret");
  assert.equal(secret.metadata.namespace, "cattle-system");
  // Kept across uninstall and re-created before install and upgrade (the chart's hooks).
  assert.equal(secret.metadata.annotations?.["helm.sh/hook"], "pre-install,pre-upgrade");
  assert.equal(secret.metadata.annotations?.["helm.sh/resource-policy"], "keep");
  const stored = Buffer.from(String(secret.data?.bootstrapPassword ?? ""), "base64").toString();
  // assert.ok, not equal: a failure must not print the password.
  assert.ok(stored === password, "bootstrap-secret holds the plan's bootstrap password");
  assert.deepEqual(envOf(rancherContainer(docs)).CATTLE_BOOTSTRAP_PASSWORD, {
    secretKeyRef: { name: "bootstrap-secret", key: "bootstrapPassword" },
  });
}

export function assertReplicas(docs: Manifest[], replicas: number) {
  assert.equal(rancherDeployment(docs).spec.replicas, replicas, "Rancher replicas");
}

/** Agents' TLS mode, and whether Rancher keeps its CA certs for agents (strict needs them). */
export function assertAgentTlsMode(docs: Manifest[], mode: "strict" | "system-store") {
  const c = rancherContainer(docs);
  assert.equal(envOf(c).CATTLE_AGENT_TLS_MODE, mode, "CATTLE_AGENT_TLS_MODE");
  if (mode === "strict") {
    assert.ok(!(c.args as string[]).includes("--no-cacerts"), "strict agents need Rancher's CA");
  }
}

/**
 * A private CA reaches Rancher only through the chart's `privateCA`: the `tls-ca` secret mounted
 * as /etc/rancher/ssl/cacerts.pem (Rancher's `cacerts`). `secret` is the plan's Secret object
 * (name and key must be what the chart mounts); without one, no such mount.
 */
export function assertPrivateCa(
  docs: Manifest[],
  secret?: { metadata: { name: string; namespace: string }; stringData: Record<string, string> },
) {
  const deployment = rancherDeployment(docs);
  const volumes = (deployment.spec.template.spec.volumes ?? []) as {
    name: string;
    secret?: { secretName: string };
  }[];
  const mounts = (rancherContainer(docs).volumeMounts ?? []) as {
    name: string;
    mountPath: string;
    subPath?: string;
  }[];
  const mount = mounts.find((m) => m.mountPath === "/etc/rancher/ssl/cacerts.pem");
  if (!secret) {
    assert.equal(mount, undefined, "no private CA mounted");
    return;
  }
  assert.ok(mount, "the private CA is mounted as Rancher's cacerts.pem");
  const volume = volumes.find((v) => v.name === mount.name);
  assert.equal(volume?.secret?.secretName, secret.metadata.name, "from the plan's secret");
  assert.equal(secret.metadata.namespace, "cattle-system");
  assert.ok(mount.subPath && mount.subPath in secret.stringData, "under the key the chart reads");
}

// ---------------------------------------------------------------------------------------------
// The ingress controller (RKE2's packaged chart)

/** The controller's workload (DaemonSet on RKE2, or a Deployment if a chart changes that). */
export function ingressWorkload(controller: IngressController, docs: Manifest[]): Manifest {
  const name = controller === "traefik" ? "rke2-traefik" : "rke2-ingress-nginx-controller";
  const found = docs.filter(
    (d) => (d.kind === "DaemonSet" || d.kind === "Deployment") && d.metadata.name === name,
  );
  assert.equal(found.length, 1, `one workload ${name}`);
  return found[0];
}

/** Traefik's command-line arguments (where the chart puts entrypoint settings). */
export function traefikArgs(docs: Manifest[]): string[] {
  return container(ingressWorkload("traefik", docs), "rke2-traefik").args as string[];
}

/** ingress-nginx's ConfigMap data (where the chart puts controller.config). */
export function nginxConfig(docs: Manifest[]): Record<string, string> {
  return (oneKind(docs, "ConfigMap", "rke2-ingress-nginx-controller").data ?? {}) as Record<
    string,
    string
  >;
}

/** The value of `--<name>=<value>` in args, or undefined. */
export function argValue(args: string[], name: string): string | undefined {
  const found = args.filter((a) => a.startsWith(`--${name}=`));
  assert.ok(found.length <= 1, `--${name} given once`);
  return found[0]?.slice(name.length + 3);
}

/**
 * The controller installs an IngressClass by that name (Rancher's Ingress names it explicitly:
 * rke2-ingress-nginx does not mark its class default even when RKE2 asks it to).
 */
export function assertIngressClass(controller: IngressController, docs: Manifest[]) {
  const cls = oneKind(docs, "IngressClass");
  assert.equal(cls.metadata.name, INGRESS_CLASS[controller]);
  assert.equal(
    cls.spec.controller,
    controller === "traefik" ? "traefik.io/ingress-controller" : "k8s.io/ingress-nginx",
  );
}

/** The controller listens on every node's ports 80 and 443, where the load balancers send. */
export function assertHostPorts(controller: IngressController, docs: Manifest[]) {
  const ports = container(ingressWorkload(controller, docs)).ports as {
    name: string;
    hostPort?: number;
  }[];
  const byName = Object.fromEntries(ports.map((p) => [p.name, p.hostPort]));
  const [http, https] = controller === "traefik" ? ["web", "websecure"] : ["http", "https"];
  assert.equal(byName[http], 80, `${http} on hostPort 80`);
  assert.equal(byName[https], 443, `${https} on hostPort 443`);
}

/**
 * Whose X-Forwarded-* headers the controller believes on port 80: `trusted` (the ALB's ranges)
 * in l7, nobody's in l4. Never everyone's.
 */
export function assertForwardedHeaderTrust(
  controller: IngressController,
  docs: Manifest[],
  trusted: string[],
) {
  if (controller === "traefik") {
    const args = traefikArgs(docs);
    const ips = argValue(args, "entryPoints.web.forwardedHeaders.trustedIPs");
    assert.deepEqual(ips === undefined ? [] : ips.split(","), trusted, "Traefik trustedIPs on web");
    assert.ok(
      !args.some((a) => /^--entryPoints\.[^.]+\.forwardedHeaders\.insecure(=true)?$/.test(a)),
      "Traefik never trusts every peer's forwarded headers",
    );
  } else {
    const config = nginxConfig(docs);
    if (trusted.length > 0) {
      assert.equal(config["use-forwarded-headers"], "true");
      assert.equal(config["proxy-real-ip-cidr"], trusted.join(","));
    } else {
      assert.notEqual(config["use-forwarded-headers"], "true", "l4 trusts no forwarded headers");
    }
  }
}

/**
 * The ALB's health check path answers 200 on port 80 for a request with no matching Host.
 * Traefik: the chart's health-check IngressRoute `/ping` → ping@internal on the web entrypoint
 * (only in l7). ingress-nginx: its default server serves /healthz on the HTTP port
 * (kubernetes/ingress-nginx rootfs/etc/nginx/template/nginx.tmpl, server `_`: "health checks
 * in cloud providers require the use of port 80"), unless the health path is moved.
 */
export function assertHealthPath(controller: IngressController, docs: Manifest[], l7: boolean) {
  if (controller === "traefik") {
    const routes = findKind(docs, "IngressRoute").filter((r) =>
      (r.spec.routes as { match: string }[]).some((m) => m.match.includes("/ping")),
    );
    if (!l7) {
      assert.deepEqual(routes, [], "l4: no /ping route on the public web entrypoint");
      return;
    }
    assert.equal(routes.length, 1, "one /ping IngressRoute");
    const route = routes[0];
    assert.deepEqual(route.spec.entryPoints, ["web"]);
    assert.deepEqual(route.spec.routes[0].match, "PathPrefix(`/ping`)");
    assert.deepEqual(route.spec.routes[0].services, [
      { kind: "TraefikService", name: "ping@internal" },
    ]);
    const args = traefikArgs(docs);
    assert.ok(args.includes("--ping=true") || args.includes("--ping"), "ping enabled");
    // The CRD provider only reads IngressRoutes of its own class: spec.ingressClassName from
    // chart 40.1 (Traefik v3.7), the kubernetes.io/ingress.class annotation before.
    const providerClass = argValue(args, "providers.kubernetescrd.ingressClass");
    if (providerClass !== undefined) {
      const routeClass =
        route.spec.ingressClassName ?? route.metadata.annotations?.["kubernetes.io/ingress.class"];
      assert.equal(routeClass, providerClass, "the /ping route has the provider's class");
    }
  } else {
    const args = container(ingressWorkload(controller, docs)).args as string[];
    assert.equal(argValue(args, "health-check-path"), undefined, "/healthz is not moved");
    assert.equal(argValue(args, "http-port"), undefined, "the HTTP port stays 80");
  }
}

/**
 * How long the controller keeps an idle client connection on port 80 (seconds), as the rendered
 * chart runs it: Traefik's `--entryPoints.web.transport.respondingTimeouts.idleTimeout` (chart
 * default: unset, Traefik's 180 s), ingress-nginx's ConfigMap `keep-alive` (unset: 75 s). l7:
 * longer than the ALB's idle timeout, or the ALB reuses a connection the node is closing (502).
 */
export function assertBackendIdleTimeout(
  controller: IngressController,
  docs: Manifest[],
  expectedSeconds: number | undefined,
) {
  const value =
    controller === "traefik"
      ? argValue(traefikArgs(docs), "entryPoints.web.transport.respondingTimeouts.idleTimeout")
      : nginxConfig(docs)["keep-alive"];
  if (expectedSeconds === undefined) {
    assert.equal(value, undefined, `${controller} keeps its default idle timeout`);
    return;
  }
  assert.ok(value !== undefined, `${controller} idle timeout set`);
  const seconds = Number(/^(\d+)s?$/.exec(value)?.[1]);
  assert.equal(seconds, expectedSeconds, `${controller} idle timeout ${value}`);
}

/** l7: port 80 serves Rancher; nothing redirects it to https (Rancher would loop). */
export function assertNoRedirectOnWeb(controller: IngressController, docs: Manifest[]) {
  if (controller === "traefik") {
    const redirects = traefikArgs(docs).filter((a) =>
      /^--entryPoints\.web\.http\.redirections/.test(a),
    );
    assert.deepEqual(redirects, [], "Traefik redirects web to websecure");
  } else {
    const config = nginxConfig(docs);
    assert.notEqual(config["force-ssl-redirect"], "true", "ingress-nginx force-ssl-redirect");
  }
}

/** Keys of a HelmChartConfig's valuesContent that the chart's values.yaml does not know. */
export function unknownIngressValuePaths(
  controller: IngressController,
  rke2Version: string,
  valuesContent: string,
): string[] {
  const chart = ingressChart(controller, rke2Version);
  const known = parseKnownValueKeys(
    chartFile(`charts/${chart.name}-${chart.version}.tgz`, `${chart.name}/values.yaml`),
  );
  return unknownValuePaths((parse(valuesContent) ?? {}) as Record<string, unknown>, known);
}
