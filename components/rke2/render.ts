// Pure renderer for the file RKE2 reads on a server node: /etc/rancher/rke2/config.yaml. No
// Pulumi, no I/O: plain values in, a string out; impossible input throws an Error that says what
// is wrong.
import { stringify } from "yaml";
import {
  ETCD_SNAPSHOT_KEYS,
  renderEtcdSnapshotConfig,
  type EtcdSnapshotArgs,
} from "../backup/etcdConfig";
import { addressFamily } from "../cidr";
import { isDnsSubdomain } from "../names";
import { SUPERVISOR_PORT } from "../ports";

export type IngressController = "traefik" | "ingress-nginx";
export type LoadBalancerMode = "l4" | "l7";

export const INGRESS_CONTROLLERS: readonly IngressController[] = ["traefik", "ingress-nginx"];
export const LOAD_BALANCER_MODES: readonly LoadBalancerMode[] = ["l4", "l7"];

/** The packaged chart RKE2 installs for each controller (its HelmChart / HelmChartConfig name). */
export const RKE2_INGRESS_CHART: Readonly<Record<IngressController, string>> = {
  traefik: "rke2-traefik",
  "ingress-nginx": "rke2-ingress-nginx",
};

/** Where the cluster token is delivered (separately); config.yaml only points at it. */
export const RKE2_TOKEN_FILE = "/etc/rancher/rke2/token";
export const RKE2_CONFIG_FILE = "/etc/rancher/rke2/config.yaml";
/** RKE2 applies every manifest in this directory (it may be written before the first start). */
export const RKE2_MANIFESTS_DIR = "/var/lib/rancher/rke2/server/manifests";

/**
 * Every key an RKE2 server accepts in config.yaml (rke2-docs `docs/reference/server_config.md`,
 * mirrored in test/fixtures/upstream/rke2-server-config-keys.txt; a test keeps the two equal).
 */
export const RKE2_SERVER_CONFIG_KEYS: readonly string[] = [
  "advertise-address",
  "agent-token",
  "agent-token-file",
  "audit-policy-file",
  "bind-address",
  "cloud-controller-manager-extra-env",
  "cloud-controller-manager-extra-mount",
  "cloud-controller-manager-image",
  "cloud-provider-config",
  "cloud-provider-name",
  "cluster-cidr",
  "cluster-dns",
  "cluster-domain",
  "cluster-reset",
  "cluster-reset-restore-path",
  "cni",
  "config",
  "container-runtime-endpoint",
  "control-plane-probe-configuration",
  "control-plane-resource-limits",
  "control-plane-resource-requests",
  "data-dir",
  "datastore-cafile",
  "datastore-certfile",
  "datastore-endpoint",
  "datastore-keyfile",
  "debug",
  "default-runtime",
  "disable",
  "disable-cloud-controller",
  "disable-default-registry-endpoint",
  "disable-kube-proxy",
  "disable-scheduler",
  "egress-selector-mode",
  "embedded-registry",
  "enable-pprof",
  "enable-servicelb",
  "etcd-arg",
  "etcd-disable-snapshots",
  "etcd-expose-metrics",
  "etcd-extra-env",
  "etcd-extra-mount",
  "etcd-image",
  "etcd-s3",
  "etcd-s3-access-key",
  "etcd-s3-bucket",
  "etcd-s3-bucket-lookup-type",
  "etcd-s3-config-secret",
  "etcd-s3-endpoint",
  "etcd-s3-endpoint-ca",
  "etcd-s3-folder",
  "etcd-s3-insecure",
  "etcd-s3-proxy",
  "etcd-s3-region",
  "etcd-s3-retention",
  "etcd-s3-secret-key",
  "etcd-s3-session-token",
  "etcd-s3-skip-ssl-verify",
  "etcd-s3-timeout",
  "etcd-snapshot-compress",
  "etcd-snapshot-dir",
  "etcd-snapshot-name",
  "etcd-snapshot-reconcile-interval",
  "etcd-snapshot-retention",
  "etcd-snapshot-schedule-cron",
  "helm-controller-arg",
  "image-credential-provider-bin-dir",
  "image-credential-provider-config",
  "ingress-controller",
  "kube-apiserver-arg",
  "kube-apiserver-extra-env",
  "kube-apiserver-extra-mount",
  "kube-apiserver-image",
  "kube-cloud-controller-manager-arg",
  "kube-controller-manager-arg",
  "kube-controller-manager-extra-env",
  "kube-controller-manager-extra-mount",
  "kube-controller-manager-image",
  "kube-proxy-arg",
  "kube-proxy-extra-env",
  "kube-proxy-extra-mount",
  "kube-proxy-image",
  "kube-scheduler-arg",
  "kube-scheduler-extra-env",
  "kube-scheduler-extra-mount",
  "kube-scheduler-image",
  "kubelet-arg",
  "kubelet-path",
  "lb-server-port",
  "node-external-dns",
  "node-external-ip",
  "node-internal-dns",
  "node-ip",
  "node-label",
  "node-name",
  "node-name-from-cloud-provider-metadata",
  "node-taint",
  "nonroot-devices",
  "pause-image",
  "pod-security-admission-config-file",
  "private-registry",
  "profile",
  "protect-kernel-defaults",
  "resolv-conf",
  "runtime-image",
  "secrets-encryption-provider",
  "selinux",
  "server",
  "service-cidr",
  "service-node-port-range",
  "servicelb-namespace",
  "snapshotter",
  "supervisor-metrics",
  "system-default-registry",
  "tls-san",
  "tls-san-security",
  "token",
  "token-file",
  "with-node-id",
  "write-kubeconfig",
  "write-kubeconfig-group",
  "write-kubeconfig-mode",
];

const KNOWN_KEYS: ReadonlySet<string> = new Set(RKE2_SERVER_CONFIG_KEYS);

/** Keys the renderer sets itself; `extra` may not override them. */
const MANAGED_KEYS: ReadonlySet<string> = new Set([
  "token-file",
  "server",
  "node-name",
  "node-label",
  "tls-san",
  "write-kubeconfig-mode",
  "ingress-controller",
  ...ETCD_SNAPSHOT_KEYS,
]);

/** Known keys that must never reach a persistent config.yaml, with the reason. */
const FORBIDDEN_EXTRA_KEYS: ReadonlyMap<string, string> = new Map([
  ["token", `secrets stay out of config.yaml: the token is read from ${RKE2_TOKEN_FILE}`],
  ["agent-token", "secrets stay out of config.yaml: use agent-token-file"],
  ["cluster-reset", "a one-shot recovery flag: in config.yaml it would reset etcd on every start"],
  ["cluster-reset-restore-path", "belongs to a one-shot cluster-reset, not to the steady config"],
  ["config", "config.yaml cannot point at another config file"],
  // The servers reach S3 with their instance role; a restore cannot read the config secret
  // (rke2-docs backup_restore.md).
  ["etcd-s3-access-key", "secrets stay out of config.yaml: the servers use their instance role"],
  ["etcd-s3-secret-key", "secrets stay out of config.yaml: the servers use their instance role"],
  ["etcd-s3-session-token", "secrets stay out of config.yaml: the servers use their instance role"],
  ["etcd-s3-config-secret", "a restore cannot read it: snapshots use etcdSnapshots"],
]);

export interface Rke2ServerConfigArgs {
  role: "init" | "join";
  nodeName: string;
  /** Required for join, forbidden for init: "https://<registration host>:9345". */
  serverUrl?: string;
  /** Names/addresses clients use for 6443, e.g. [hostname, nlbDnsName]; de-duplicated, order kept. */
  tlsSans: string[];
  ingressController: IngressController;
  /** "key=value" */
  nodeLabels?: string[];
  /** Scheduled etcd snapshots to S3 (the same on every server); none when backups are off. */
  etcdSnapshots?: EtcdSnapshotArgs;
  /** Extra keys; each must be a known RKE2 server key and not one the renderer manages. */
  extra?: Record<string, unknown>;
}

const ARG_KEYS: ReadonlySet<string> = new Set([
  "role",
  "nodeName",
  "serverUrl",
  "tlsSans",
  "ingressController",
  "nodeLabels",
  "etcdSnapshots",
  "extra",
]);

/**
 * YAML for /etc/rancher/rke2/config.yaml on one server. Deterministic: managed keys in a fixed
 * order, then `extra` keys sorted. It carries `token-file`, never the token, and takes no load
 * balancer mode: switching l4↔l7 cannot change any node's RKE2 config.
 */
export function renderRke2ServerConfig(a: Rke2ServerConfigArgs): string {
  rejectUnknownArgs(a as unknown as Record<string, unknown>, ARG_KEYS, "renderRke2ServerConfig");

  if (a.role !== "init" && a.role !== "join") {
    throw new Error(`RKE2 config: role must be "init" or "join", got ${JSON.stringify(a.role)}`);
  }
  assertDnsSubdomain(a.nodeName, "RKE2 config: nodeName");

  const config: Record<string, unknown> = { "token-file": RKE2_TOKEN_FILE };

  if (a.role === "join") {
    if (a.serverUrl === undefined) {
      throw new Error(
        `RKE2 config: a joining server needs serverUrl ("https://<registration host>:${SUPERVISOR_PORT}")`,
      );
    }
    config.server = validateServerUrl(a.serverUrl);
  } else if (a.serverUrl !== undefined) {
    throw new Error(
      `RKE2 config: the init server starts the cluster alone and must not set serverUrl (got ${JSON.stringify(a.serverUrl)})`,
    );
  }

  config["node-name"] = a.nodeName;
  if (a.nodeLabels !== undefined && a.nodeLabels.length > 0) {
    config["node-label"] = validateNodeLabels(a.nodeLabels);
  }
  config["tls-san"] = normaliseTlsSans(a.tlsSans);
  config["write-kubeconfig-mode"] = "0600";
  config["ingress-controller"] = [a.ingressController];
  if (a.etcdSnapshots !== undefined) {
    Object.assign(config, renderEtcdSnapshotConfig(a.etcdSnapshots));
    if (a.extra !== undefined && "etcd-disable-snapshots" in a.extra) {
      throw new Error(
        'RKE2 config: extra key "etcd-disable-snapshots" would stop the scheduled snapshots etcdSnapshots asks for',
      );
    }
  }

  if (a.extra !== undefined) {
    for (const key of Object.keys(a.extra).sort()) {
      config[key] = validateExtra(key, a.extra[key], a.ingressController);
    }
  }

  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new Error(`RKE2 config: internal error, "${key}" is not an RKE2 server config key`);
    }
  }

  return `# ${RKE2_CONFIG_FILE}: rendered by rancher-ha; local edits are overwritten.\n${stringify(config)}`;
}

// ---------------------------------------------------------------------------------------------
// validation helpers (exported for the other renderers and for tests)

function assertDnsSubdomain(s: unknown, what: string): void {
  if (typeof s !== "string" || !isDnsSubdomain(s)) {
    throw new Error(
      `${what} must be a lowercase DNS name (RFC 1123: a-z, 0-9, '-', '.'), got ${JSON.stringify(s)}`,
    );
  }
}

export function rejectUnknownArgs(
  a: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  fn: string,
) {
  if (typeof a !== "object" || a === null) {
    throw new Error(`${fn}: arguments must be an object`);
  }
  const unknown = Object.keys(a).filter((k) => !allowed.has(k));
  if (unknown.length > 0) {
    throw new Error(`${fn}: unknown argument(s) ${unknown.join(", ")}`);
  }
}

function validateServerUrl(url: string): string {
  const m = /^https:\/\/([^/?#@\s]+):(\d+)$/.exec(url);
  const host = m?.[1] ?? "";
  const bareHost = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const hostOk =
    addressFamily(bareHost) === 4
      ? !host.startsWith("[")
      : addressFamily(bareHost) === 6
        ? host !== bareHost
        : isDnsSubdomain(host.toLowerCase()); // AWS LB names may carry capitals
  if (!m || Number(m[2]) !== SUPERVISOR_PORT || !hostOk) {
    throw new Error(
      `RKE2 config: serverUrl must be "https://<registration host>:${SUPERVISOR_PORT}" with no path, got ${JSON.stringify(url)}`,
    );
  }
  return url;
}

function normaliseTlsSans(sans: unknown): string[] {
  if (!Array.isArray(sans) || sans.length === 0) {
    throw new Error(
      "RKE2 config: tlsSans must list every name clients use for the API (e.g. the Rancher hostname and the NLB DNS name)",
    );
  }
  const out: string[] = [];
  for (const raw of sans) {
    if (typeof raw !== "string") {
      throw new Error(`RKE2 config: tls-san entries must be strings, got ${JSON.stringify(raw)}`);
    }
    let san: string;
    if (addressFamily(raw) !== undefined) {
      san = raw;
    } else {
      // DNS names are case-insensitive (AWS load balancer names may carry capitals).
      san = raw.toLowerCase();
      const name = san.startsWith("*.") ? san.slice(2) : san;
      if (!isDnsSubdomain(name)) {
        throw new Error(`RKE2 config: tls-san ${JSON.stringify(raw)} is not a DNS name or IP`);
      }
    }
    if (!out.includes(san)) out.push(san);
  }
  return out;
}

const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/;

function validateNodeLabels(labels: unknown): string[] {
  if (!Array.isArray(labels)) throw new Error("RKE2 config: nodeLabels must be a list");
  const seen = new Set<string>();
  return labels.map((l: unknown) => {
    const s = typeof l === "string" ? l : "";
    const eq = s.indexOf("=");
    const key = eq < 0 ? "" : s.slice(0, eq);
    const value = eq < 0 ? "" : s.slice(eq + 1);
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    const ok =
      eq > 0 &&
      LABEL_NAME.test(name) &&
      (prefix === undefined || isDnsSubdomain(prefix)) &&
      LABEL_VALUE.test(value);
    if (!ok) {
      throw new Error(
        `RKE2 config: node label ${JSON.stringify(l)} is not "key=value" with a valid Kubernetes label key and value`,
      );
    }
    if (seen.has(key)) throw new Error(`RKE2 config: node label key "${key}" given twice`);
    seen.add(key);
    return s;
  });
}

function validateExtra(key: string, value: unknown, controller: IngressController): unknown {
  if (!KNOWN_KEYS.has(key)) {
    throw new Error(
      `RKE2 config: extra key "${key}" is not an RKE2 server config key (see rke2-docs server_config.md)`,
    );
  }
  if (MANAGED_KEYS.has(key)) {
    throw new Error(
      `RKE2 config: extra key "${key}" is set by the renderer; use its dedicated argument`,
    );
  }
  const forbidden = FORBIDDEN_EXTRA_KEYS.get(key);
  if (forbidden !== undefined) {
    throw new Error(`RKE2 config: extra key "${key}" is not allowed: ${forbidden}`);
  }
  const scalar = (v: unknown) =>
    typeof v === "string" ||
    typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v));
  const ok = scalar(value) || (Array.isArray(value) && value.every((v) => typeof v === "string"));
  if (!ok) {
    throw new Error(
      `RKE2 config: extra key "${key}" must be a string, number, boolean or list of strings, got ${JSON.stringify(value)}`,
    );
  }
  if (key === "disable") {
    const disabled = Array.isArray(value) ? value : [value];
    if (disabled.includes(RKE2_INGRESS_CHART[controller])) {
      throw new Error(
        `RKE2 config: extra "disable" removes ${RKE2_INGRESS_CHART[controller]}, the ingress controller Rancher is served through`,
      );
    }
  }
  return value;
}
