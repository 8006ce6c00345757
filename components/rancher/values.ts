// Pure renderer for the Rancher chart's Helm values (rancher/rancher chart v2.15.0) and for the
// cert-manager chart's values. No Pulumi, no I/O: typed values in (the config validated what the
// user set), values out. Its own rules: replicas within what the chart runs, and agents' TLS
// mode consistent with where the certificate comes from.
import type { IngressController } from "../rke2/render";

export const TLS_SOURCES = ["rancher", "letsEncrypt", "secret"] as const;
export type TlsSource = (typeof TLS_SOURCES)[number];
export const LETS_ENCRYPT_ENVIRONMENTS = ["production", "staging"] as const;
export type LetsEncryptEnvironment = (typeof LETS_ENCRYPT_ENVIRONMENTS)[number];
/** Rancher's API audit log levels (chart `auditLog.level`). */
export type AuditLogLevel = 0 | 1 | 2 | 3;
export type RancherTls =
  | { mode: "ingress"; source: "rancher" }
  | { mode: "ingress"; source: "letsEncrypt"; email: string; environment: LetsEncryptEnvironment }
  /** privateCA: a private CA signed the certificate; its PEM is in the `tls-ca` secret. */
  | { mode: "ingress"; source: "secret"; privateCA?: boolean }
  | { mode: "external" };

export interface RancherValuesArgs {
  hostname: string;
  /** The caller passes min(3, serverCount). */
  replicas: number;
  bootstrapPassword: string;
  /** Maps to ingress.ingressClassName: traefik→"traefik", ingress-nginx→"nginx". */
  ingressController: IngressController;
  tls: RancherTls;
  /**
   * Default: "strict" when Rancher knows the CA (source rancher, or a secret with privateCA: it
   * serves that CA as its `cacerts`); "system-store" for publicly trusted certificates (external,
   * letsEncrypt, a public secret), where strict agents would find no CA and refuse to start
   * (rancher/rancher v2.15.0 cmd/agent/main.go).
   */
  agentTLSMode?: "strict" | "system-store";
  /** When given: enabled, destination "sidecar", that level. */
  auditLog?: { level: AuditLogLevel };
}

/** The secret the chart reads for `ingress.tls.source: secret` (cattle-system namespace). */
export const RANCHER_TLS_SECRET_NAME = "tls-rancher-ingress";

/**
 * The secret the chart mounts for `privateCA: true` (cattle-system), and its key: Rancher's
 * `cacerts` (chart templates/deployment.yaml; rancher-docs "Adding TLS Secrets").
 */
export const RANCHER_PRIVATE_CA_SECRET_NAME = "tls-ca";
export const RANCHER_PRIVATE_CA_KEY = "cacerts.pem";

/**
 * Rancher's `password-min-length` setting defaults to 12 (rancher/rancher pkg/settings/setting.go,
 * since v2.6.3, rancher/rancher#34851). Rancher itself does not check the bootstrap password, but
 * every later admin password must meet it, so the config refuses a shorter bootstrap password
 * (the generated one has 24 characters).
 */
export const RANCHER_MIN_PASSWORD_LENGTH = 12;

const INGRESS_CLASS: Readonly<Record<IngressController, string>> = {
  traefik: "traefik",
  "ingress-nginx": "nginx",
};

/** What switching a running cluster to `to` does (README "Ingress controller"). */
export function switchConsequences(to: IngressController): string {
  const from: IngressController = to === "traefik" ? "ingress-nginx" : "traefik";
  return (
    `RKE2 blanks the ${from} chart's manifest, so that controller is uninstalled and Rancher is ` +
    `unreachable for a minute or two until ${to} serves ports 80/443 on every server; Rancher's ` +
    `Ingress moves to class "${INGRESS_CLASS[to]}"`
  );
}

/** True when the chart renders a cert-manager Issuer: ingress TLS from rancher or letsEncrypt. */
export function needsCertManager(tls: RancherTls): boolean {
  return tls.mode === "ingress" && (tls.source === "rancher" || tls.source === "letsEncrypt");
}

/** Values for jetstack/cert-manager: CRDs installed by the chart (`installCRDs` is deprecated). */
export function renderCertManagerValues(): Record<string, unknown> {
  return { crds: { enabled: true } };
}

/** Helm values for the `rancher` release; deterministic key order. */
export function renderRancherValues(a: RancherValuesArgs): Record<string, unknown> {
  const allowed = new Set([
    "hostname",
    "replicas",
    "bootstrapPassword",
    "ingressController",
    "tls",
    "agentTLSMode",
    "auditLog",
  ]);
  const unknown = Object.keys(a).filter((k) => !allowed.has(k));
  if (unknown.length > 0) {
    throw new Error(`Rancher values: unknown argument(s) ${unknown.join(", ")}`);
  }

  if (!Number.isInteger(a.replicas) || a.replicas < 1 || a.replicas > 3) {
    throw new Error(
      `Rancher values: replicas must be an integer from 1 to 3 (min(3, server count)), got ${JSON.stringify(a.replicas)}`,
    );
  }
  const tls = a.tls;

  const privateCA = tls.mode === "ingress" && tls.source === "secret" && tls.privateCA === true;
  const defaultAgentTLSMode =
    (tls.mode === "ingress" && tls.source === "rancher") || privateCA ? "strict" : "system-store";
  const agentTLSMode = a.agentTLSMode ?? defaultAgentTLSMode;
  if (tls.mode === "ingress" && tls.source === "rancher" && agentTLSMode === "system-store") {
    throw new Error(
      "Rancher values: agentTLSMode system-store cannot work with ingress.tls.source rancher: the certificate is signed by Rancher's own CA, which no system trust store holds",
    );
  }

  const ingressClass = INGRESS_CLASS[a.ingressController];
  const ingress: Record<string, unknown> = { ingressClassName: ingressClass };
  if (a.ingressController === "ingress-nginx") {
    // The websocket timeouts the chart added by default before 2.15 (now behind the deprecated
    // ingress.includeDefaultExtraAnnotations, default false); Rancher's guides ask for 1800 s.
    ingress.extraAnnotations = {
      "nginx.ingress.kubernetes.io/proxy-connect-timeout": "30",
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "1800",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "1800",
    };
  }
  if (tls.mode === "ingress") {
    ingress.tls =
      tls.source === "secret"
        ? { source: "secret", secretName: RANCHER_TLS_SECRET_NAME }
        : { source: tls.source };
  }

  const values: Record<string, unknown> = {
    hostname: a.hostname,
    replicas: a.replicas,
    bootstrapPassword: a.bootstrapPassword,
    tls: tls.mode,
    ingress,
  };
  if (tls.mode === "ingress" && tls.source === "letsEncrypt") {
    values.letsEncrypt = {
      email: tls.email,
      environment: tls.environment,
      ingress: { class: ingressClass },
    };
  }
  // Without it the chart passes --no-cacerts and agents only have their system store.
  if (privateCA) values.privateCA = true;
  values.agentTLSMode = agentTLSMode;
  if (a.auditLog !== undefined) {
    values.auditLog = { enabled: true, destination: "sidecar", level: a.auditLog.level };
  }
  // The post-delete hook waits up to postDelete.timeout (chart default 120 s) per app; with
  // ignoreTimeoutError a stuck app cannot fail the uninstall.
  values.postDelete = { enabled: true, ignoreTimeoutError: true };
  return values;
}
