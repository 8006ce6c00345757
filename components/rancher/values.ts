// Pure renderer for the Rancher chart's Helm values (rancher/rancher chart v2.15.0) and for the
// cert-manager chart's values. No Pulumi, no I/O; impossible input throws a clear Error.
import { isFqdn } from "../names";
import { INGRESS_CONTROLLERS, type IngressController } from "../rke2/render";

export const TLS_SOURCES = ["rancher", "letsEncrypt", "secret"] as const;
export type TlsSource = (typeof TLS_SOURCES)[number];
export const LETS_ENCRYPT_ENVIRONMENTS = ["production", "staging"] as const;
export type LetsEncryptEnvironment = (typeof LETS_ENCRYPT_ENVIRONMENTS)[number];
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
  auditLog?: { level: 0 | 1 | 2 | 3 };
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
 * every later admin password must meet it, so a shorter bootstrap password is refused here.
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
  validateTls(tls);
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

  if (typeof a.hostname !== "string" || !isFqdn(a.hostname)) {
    throw new Error(
      `Rancher values: hostname must be a lowercase fully qualified domain name such as "rancher.example.com" (it cannot change after install), got ${JSON.stringify(a.hostname)}`,
    );
  }
  if (!Number.isInteger(a.replicas) || a.replicas < 1 || a.replicas > 3) {
    throw new Error(
      `Rancher values: replicas must be an integer from 1 to 3 (min(3, server count)), got ${JSON.stringify(a.replicas)}`,
    );
  }
  if (
    typeof a.bootstrapPassword !== "string" ||
    a.bootstrapPassword.length < RANCHER_MIN_PASSWORD_LENGTH
  ) {
    throw new Error(
      `Rancher values: bootstrapPassword must be at least ${RANCHER_MIN_PASSWORD_LENGTH} characters (Rancher's password-min-length)`,
    );
  }
  if (!INGRESS_CONTROLLERS.includes(a.ingressController)) {
    throw new Error(
      `Rancher values: ingressController must be "traefik" or "ingress-nginx", got ${JSON.stringify(a.ingressController)}`,
    );
  }
  const tls = validateTls(a.tls);

  const privateCA = tls.mode === "ingress" && tls.source === "secret" && tls.privateCA === true;
  const defaultAgentTLSMode =
    (tls.mode === "ingress" && tls.source === "rancher") || privateCA ? "strict" : "system-store";
  const agentTLSMode = a.agentTLSMode ?? defaultAgentTLSMode;
  if (agentTLSMode !== "strict" && agentTLSMode !== "system-store") {
    throw new Error(
      `Rancher values: agentTLSMode must be "strict" or "system-store", got ${JSON.stringify(agentTLSMode)}`,
    );
  }
  if (tls.mode === "ingress" && tls.source === "rancher" && agentTLSMode === "system-store") {
    throw new Error(
      "Rancher values: agentTLSMode system-store cannot work with ingress.tls.source rancher: the certificate is signed by Rancher's own CA, which no system trust store holds",
    );
  }

  let level: number | undefined;
  if (a.auditLog !== undefined) {
    level = a.auditLog.level;
    if (!Number.isInteger(level) || level < 0 || level > 3) {
      throw new Error(
        `Rancher values: auditLog.level must be 0, 1, 2 or 3, got ${JSON.stringify(level)}`,
      );
    }
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
  if (level !== undefined) {
    values.auditLog = { enabled: true, destination: "sidecar", level };
  }
  // The post-delete hook waits up to postDelete.timeout (chart default 120 s) per app; with
  // ignoreTimeoutError a stuck app cannot fail the uninstall.
  values.postDelete = { enabled: true, ignoreTimeoutError: true };
  return values;
}

const EMAIL = /^[^\s@]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

function validateTls(tls: RancherTls): RancherTls {
  if (typeof tls !== "object" || tls === null) {
    throw new Error("Rancher values: tls must be an object");
  }
  if (tls.mode === "external") return tls;
  if (tls.mode !== "ingress") {
    throw new Error(
      `Rancher values: tls.mode must be "ingress" or "external", got ${JSON.stringify((tls as { mode: unknown }).mode)}`,
    );
  }
  if (!TLS_SOURCES.includes(tls.source)) {
    throw new Error(
      `Rancher values: tls.source must be "rancher", "letsEncrypt" or "secret", got ${JSON.stringify((tls as { source: unknown }).source)}`,
    );
  }
  if (
    tls.source === "secret" &&
    tls.privateCA !== undefined &&
    typeof tls.privateCA !== "boolean"
  ) {
    throw new Error(
      `Rancher values: tls.privateCA must be a boolean, got ${JSON.stringify(tls.privateCA)}`,
    );
  }
  if (tls.source === "letsEncrypt") {
    if (typeof tls.email !== "string" || !EMAIL.test(tls.email)) {
      throw new Error(
        `Rancher values: letsEncrypt email must look like name@example.com, got ${JSON.stringify(tls.email)}`,
      );
    }
    if (tls.environment !== "production" && tls.environment !== "staging") {
      throw new Error(
        `Rancher values: letsEncrypt environment must be "production" or "staging", got ${JSON.stringify(tls.environment)}`,
      );
    }
  }
  return tls;
}
