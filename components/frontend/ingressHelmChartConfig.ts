// Pure renderer for the ingress controller's HelmChartConfig (trust of the load balancer's
// forwarded headers, idle timeouts), which ./ingress.ts installs on every server. No Pulumi, no
// I/O: typed values in (the config validated them), a manifest out. Its own rule: forwarded
// headers are trusted only from narrow, aligned IPv4 ranges.
import { stringify } from "yaml";
import { cidrProblem, parseCidr } from "../cidr";
import { type IngressController, rejectUnknownArgs, RKE2_INGRESS_CHART } from "../rke2/render";

/** The front end the controller serves: l7 with the ALB's idle timeout, or l4. */
export type IngressFrontEnd =
  | { mode: "l4" }
  | {
      mode: "l7";
      /**
       * The ALB's idle timeout. The controller keeps idle client connections open longer, so the
       * ALB is always the side that closes them.
       */
      idleTimeoutSeconds: number;
    };

export type IngressHelmChartConfigArgs = IngressFrontEnd & {
  ingressController: IngressController;
  /**
   * IPv4 ranges the load balancer's own addresses come from: the CIDRs of the subnets it sits in
   * (or the VPC CIDR holding them). l7 trusts X-Forwarded-* from these only; l4 ignores them.
   */
  trustedCidrs: string[];
};

/**
 * How much longer than the ALB the controller keeps an idle connection. AWS's ALB guide
 * ("Connection idle timeout") asks for a backend keep-alive longer than the load balancer's idle
 * timeout: otherwise the backend may close a connection just as the ALB sends a request on it,
 * and the ALB answers 502.
 */
export const BACKEND_IDLE_MARGIN_SECONDS = 60;

/** Same file for both modes and both controllers, so a switch overwrites (and so reverts) it. */
export const INGRESS_HELM_CHART_CONFIG_FILE = "rancher-ha-ingress.yaml";

/**
 * A HelmChartConfig for RKE2's packaged ingress controller, to drop into RKE2_MANIFESTS_DIR.
 * l7 (ALB terminates TLS, sends plain HTTP to port 80): the controller trusts X-Forwarded-* from
 * the ALB's subnets so the ALB's `X-Forwarded-Proto: https` reaches Rancher. l4: it trusts nobody's
 * forwarded headers, written out explicitly so that an l7→l4 switch actively reverts the trust.
 */
export function renderIngressHelmChartConfig(a: IngressHelmChartConfigArgs): {
  fileName: string;
  manifest: string;
} {
  rejectUnknownArgs(
    a,
    new Set(["ingressController", "mode", "trustedCidrs", "idleTimeoutSeconds"]),
    "renderIngressHelmChartConfig",
  );
  const trusted = validateTrustedCidrs(a.trustedCidrs);
  const l7 = a.mode === "l7";
  // Chart defaults in l4: an NLB passes TCP through, so the client sees the close itself.
  const backendIdle = l7 ? a.idleTimeoutSeconds + BACKEND_IDLE_MARGIN_SECONDS : undefined;

  let values: Record<string, unknown>;
  if (a.ingressController === "traefik") {
    // Upstream Traefik chart key `ports.web.forwardedHeaders.{trustedIPs,insecure}`, confirmed in
    // traefik/traefik-helm-chart traefik/values.yaml and templates/_podtemplate.tpl at v39.0.7,
    // v40.1.0 and v41.2.0: the upstream versions that rancher/rke2-charts
    // packages/rke2-traefik/package.yaml packages as rke2-traefik 39.0.702, 40.1.009 and 41.2.001,
    // the versions rancher/rke2 charts/chart_versions.yaml pins at v1.36.0..v1.36.3+rke2r1 and
    // v1.36.4-rc1. Rendered as --entryPoints.web.forwardedHeaders.trustedIPs=<cidr>.
    // No HTTP→HTTPS redirect to undo: `ports.web.http.redirections.entryPoint` defaults to {} in
    // those versions and rke2-charts' values.yaml.patch leaves it alone, so the ALB's plain HTTP
    // to port 80 is served, not redirected.
    // The ALB health check (GET /ping, no matching Host) needs Traefik's ping on the web
    // entrypoint: the chart's health-check IngressRoute (PathPrefix /ping → ping@internal) does
    // that without shadowing Rancher's own host rule, which is longer and so wins.
    // Idle timeout: `ports.web.transport.respondingTimeouts.idleTimeout` (a duration; Traefik's
    // default 180 s), rendered as --entryPoints.web.transport.respondingTimeouts.idleTimeout by
    // templates/_podtemplate.tpl in rke2-traefik 39.0.702, 40.1.009 and 41.2.001.
    values = {
      ports: {
        web: {
          forwardedHeaders: { trustedIPs: l7 ? trusted : [], insecure: false },
          ...(backendIdle !== undefined
            ? { transport: { respondingTimeouts: { idleTimeout: `${backendIdle}s` } } }
            : {}),
        },
      },
      ingressRoute: { healthcheck: { enabled: l7, entryPoints: ["web"] } },
    };
  } else {
    // ingress-nginx ConfigMap keys (controller.config). With use-forwarded-headers the controller
    // passes X-Forwarded-Proto/Port on from any peer; proxy-real-ip-cidr limits only whose
    // X-Forwarded-For becomes the client address (a comma-separated list: ingress-nginx
    // internal/ingress/controller/template/configmap.go splits it on ","). Port 80 must be
    // reachable from the ALB only.
    values = {
      controller: {
        // `keep-alive` (nginx keepalive_timeout for client connections, seconds; default 75):
        // ingress-nginx internal/ingress/controller/config/config.go KeepAlive, `json:"keep-alive"`.
        // rke2-ingress-nginx templates/controller-configmap.yaml writes controller.config as is.
        config: l7
          ? {
              "use-forwarded-headers": "true",
              "proxy-real-ip-cidr": trusted.join(","),
              "keep-alive": String(backendIdle),
            }
          : { "use-forwarded-headers": "false" },
      },
    };
  }

  const doc = {
    apiVersion: "helm.cattle.io/v1",
    kind: "HelmChartConfig",
    metadata: { name: RKE2_INGRESS_CHART[a.ingressController], namespace: "kube-system" },
    spec: { valuesContent: stringify(values) },
  };
  return {
    fileName: INGRESS_HELM_CHART_CONFIG_FILE,
    manifest: `# Rendered by rancher-ha (load balancer mode ${a.mode}); local edits are overwritten.\n${stringify(doc)}`,
  };
}

/** Validates the trusted ranges (at least one, each an aligned IPv4 CIDR of /8 or narrower). */
export function validateTrustedCidrs(cidrs: unknown): string[] {
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    throw new Error(
      `trustedCidrs must list the load balancer's subnet CIDRs, got ${JSON.stringify(cidrs)}`,
    );
  }
  return [...new Set(cidrs.map(validateTrustedCidr))];
}

/** Validates an IPv4 CIDR such as a subnet's "10.0.0.0/24" and returns it. */
export function validateTrustedCidr(cidr: unknown): string {
  const c = typeof cidr === "string" ? parseCidr(cidr) : undefined;
  if (c?.family !== 4) {
    throw new Error(
      `trustedCidrs: each must be an IPv4 CIDR such as "10.0.0.0/16", got ${JSON.stringify(cidr)}`,
    );
  }
  if (c.prefix < 8) {
    throw new Error(
      `trustedCidrs: ${String(cidr)} is too wide to trust forwarded headers from (prefix /${c.prefix} < /8)`,
    );
  }
  if (cidrProblem(cidr as string) !== undefined) {
    throw new Error(
      `trustedCidrs: ${String(cidr)} has host bits set; give the network address (subnet and VPC CIDRs are aligned)`,
    );
  }
  return cidr as string;
}
