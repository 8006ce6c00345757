// Renders the two parameter files the node scripts in scripts/node/ read: `params.env`, what a
// server needs before the load balancers exist (version, timeouts, what to download), and
// `cluster.env`, where the cluster is (registration address, API endpoint, peers). Only the
// start, kubeconfig and leave steps read the second, so downloads and installs never wait for
// the load balancers.
// What every such file holds to, and the checks: ./paramFile.ts.
import { addressFamily } from "../cidr";
import { isDnsSubdomain } from "../names";
import { RKE2_VERSION_PATTERN } from "../versions";
import { RKE2_ARTIFACT_URL } from "./images";
import { kvLines, paramChecks, type ParamChecks } from "./paramFile";

export type NodeRole = "init" | "join";

export interface NodeTimeouts {
  /** Waiting for cloud-init to finish on a fresh instance. */
  cloudInit: number;
  /** Waiting for apt/dpkg locks (unattended-upgrades on first boot). */
  aptLock: number;
  /** One attempt at downloading the RKE2 installer script. */
  download: number;
  /** One attempt at downloading one image archive (hundreds of MB; resumed on the next). */
  images: number;
  /** A joining server waiting for the registration address (9345) to answer. */
  registration: number;
  /** Starting rke2-server, then waiting for the API (/readyz) and this node to be Ready. */
  ready: number;
  /** Removing this server from the cluster before its instance goes; each step is bounded. */
  leave: number;
}

/** Retry and polling knobs; production rarely changes them, tests make them tiny. */
export interface NodeTuning {
  /** One run of the RKE2 installer (it downloads the release tarball). */
  installTimeout: number;
  /** Attempts for the installer download and for the installer run. */
  downloadAttempts: number;
  /** Seconds between download/installer attempts. */
  retryInterval: number;
  /** Seconds between polls while waiting for something. */
  pollInterval: number;
}

export interface NodeParams {
  role: NodeRole;
  /** Unique node name, e.g. "rancher-ha-dev-server-1"; must match `node-name` in config.yaml. */
  nodeName: string;
  /** Pinned RKE2 release, e.g. "v1.36.3+rke2r1". */
  rke2Version: string;
  /** Installer script URL; default "https://get.rke2.io". */
  installUrl?: string;
  /** RKE2 release downloads, the version's directory below it; default RKE2_ARTIFACT_URL. */
  artifactUrl?: string;
  /** Image archives rke2-images.sh stages (./images.ts); default none. */
  imageArchives?: string[];
  /** Seconds; defaults in DEFAULT_NODE_TIMEOUTS. */
  timeouts?: Partial<NodeTimeouts>;
  /** Defaults in DEFAULT_NODE_TUNING. */
  tuning?: Partial<NodeTuning>;
}

/** Where the cluster is: known once the load balancers exist (`cluster.env`). */
export interface ClusterParams {
  /** Host name (or IPv4 address) of the fixed registration address, e.g. the NLB DNS name. */
  registrationAddress: string;
  /** Supervisor port; default SUPERVISOR_PORT (9345). */
  registrationPort?: number;
  /** "https://<nlb-dns>:6443"; written into the kubeconfig handed back to Pulumi. */
  controlPlaneEndpoint: string;
  /**
   * Private IPv4 addresses of the other servers. The first server asks them whether a cluster
   * already runs before it initialises one (a replacement first server must join instead).
   */
  peers?: string[];
}

export const DEFAULT_INSTALL_URL = "https://get.rke2.io";

export const DEFAULT_NODE_TIMEOUTS: Readonly<NodeTimeouts> = Object.freeze({
  cloudInit: 600,
  aptLock: 300,
  download: 120,
  images: 900,
  registration: 900,
  ready: 900,
  leave: 120,
});

export const DEFAULT_NODE_TUNING: Readonly<NodeTuning> = Object.freeze({
  installTimeout: 600,
  downloadAttempts: 5,
  retryInterval: 10,
  pollInterval: 5,
});

/** Every key params.env carries; lib.sh's PARAM_KEYS must list exactly these (a test checks). */
export const NODE_PARAM_KEYS = [
  "APT_LOCK_TIMEOUT",
  "ARTIFACT_URL",
  "CLOUD_INIT_TIMEOUT",
  "DOWNLOAD_ATTEMPTS",
  "DOWNLOAD_TIMEOUT",
  "IMAGES_TIMEOUT",
  "IMAGE_ARCHIVES",
  "INSTALL_TIMEOUT",
  "INSTALL_URL",
  "LEAVE_TIMEOUT",
  "NODE_NAME",
  "POLL_INTERVAL",
  "READY_TIMEOUT",
  "REGISTRATION_TIMEOUT",
  "RETRY_INTERVAL",
  "RKE2_VERSION",
  "ROLE",
] as const;
export type NodeParamKey = (typeof NODE_PARAM_KEYS)[number];

/** Every key cluster.env carries; lib.sh's CLUSTER_PARAM_KEYS lists exactly these. */
export const CLUSTER_PARAM_KEYS = [
  "CONTROL_PLANE_ENDPOINT",
  "PEERS",
  "REGISTRATION_ADDRESS",
  "REGISTRATION_PORT",
] as const;
export type ClusterParamKey = (typeof CLUSTER_PARAM_KEYS)[number];

const ENDPOINT_RE = /^https:\/\/([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d+))?$/;
// A release asset name the script may write into RKE2's images directory.
const ARCHIVE_RE = /^rke2-images-[a-z0-9-]+\.linux-amd64\.tar\.zst$/;

const check: ParamChecks = paramChecks("node params");

/** Renders params.env. Throws on invalid input. */
export function renderNodeParams(p: NodeParams): string {
  if (p.role !== "init" && p.role !== "join")
    check.fail("role", p.role, 'must be "init" or "join"');
  const timeouts: NodeTimeouts = { ...DEFAULT_NODE_TIMEOUTS, ...definedOnly(p.timeouts) };
  const tuning: NodeTuning = { ...DEFAULT_NODE_TUNING, ...definedOnly(p.tuning) };
  return kvLines(NODE_PARAM_KEYS, {
    ROLE: p.role,
    NODE_NAME: check.string(
      "nodeName",
      p.nodeName,
      // A Kubernetes node name: the same rule as the config's (names.ts).
      isDnsSubdomain,
      "must be a lower-case DNS name (a-z, 0-9, '-', '.')",
    ),
    RKE2_VERSION: check.string(
      "rke2Version",
      p.rke2Version,
      RKE2_VERSION_PATTERN,
      'must look like "v1.36.3+rke2r1"',
      64,
    ),
    INSTALL_URL: check.url("installUrl", p.installUrl ?? DEFAULT_INSTALL_URL),
    ARTIFACT_URL: check.url("artifactUrl", p.artifactUrl ?? RKE2_ARTIFACT_URL),
    // "none" rather than empty: every key must carry a value.
    IMAGE_ARCHIVES:
      (p.imageArchives ?? []).length === 0
        ? "none"
        : (p.imageArchives ?? [])
            .map((a, i) =>
              check.string(
                `imageArchives[${i}]`,
                a,
                ARCHIVE_RE,
                "must be an rke2-images-*.tar.zst name",
                100,
              ),
            )
            .join(","),
    IMAGES_TIMEOUT: check.seconds("timeouts.images", timeouts.images),
    CLOUD_INIT_TIMEOUT: check.seconds("timeouts.cloudInit", timeouts.cloudInit),
    APT_LOCK_TIMEOUT: check.seconds("timeouts.aptLock", timeouts.aptLock),
    DOWNLOAD_TIMEOUT: check.seconds("timeouts.download", timeouts.download),
    REGISTRATION_TIMEOUT: check.seconds("timeouts.registration", timeouts.registration),
    READY_TIMEOUT: check.seconds("timeouts.ready", timeouts.ready),
    LEAVE_TIMEOUT: check.seconds("timeouts.leave", timeouts.leave),
    INSTALL_TIMEOUT: check.seconds("tuning.installTimeout", tuning.installTimeout),
    DOWNLOAD_ATTEMPTS: check.count("tuning.downloadAttempts", tuning.downloadAttempts, 100),
    RETRY_INTERVAL: check.seconds("tuning.retryInterval", tuning.retryInterval),
    POLL_INTERVAL: check.seconds("tuning.pollInterval", tuning.pollInterval),
  });
}

/** Renders cluster.env. Throws on invalid input. */
export function renderClusterParams(p: ClusterParams): string {
  const endpoint = check.string(
    "controlPlaneEndpoint",
    p.controlPlaneEndpoint,
    ENDPOINT_RE,
    'must look like "https://<host>:<port>" (no path)',
    300,
  );
  const endpointPort = ENDPOINT_RE.exec(endpoint)?.[3];
  if (endpointPort !== undefined) check.port("controlPlaneEndpoint port", Number(endpointPort));
  return kvLines(CLUSTER_PARAM_KEYS, {
    ...check.registration(p),
    CONTROL_PLANE_ENDPOINT: endpoint,
    // "none" rather than empty: every key must carry a value.
    PEERS:
      (p.peers ?? []).length === 0
        ? "none"
        : (p.peers ?? [])
            .map((ip, i) =>
              check.string(
                `peers[${i}]`,
                ip,
                (a) => addressFamily(a) === 4,
                "must be an IPv4 address",
                15,
              ),
            )
            .join(","),
  });
}

/** Drops keys whose value is undefined so `{ ready: undefined }` keeps the default. */
function definedOnly<T extends object>(o: Partial<T> | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
