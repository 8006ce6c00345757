// Renders the two parameter files the node scripts in scripts/node/ read: `params.env`, what a
// server needs before the load balancers exist (version, timeouts, what to download), and
// `cluster.env`, where the cluster is (registration address, API endpoint, peers). Only the
// start, kubeconfig and leave steps read the second, so downloads and installs never wait for
// the load balancers.
//
// The scripts never `source` this file: lib.sh's `read_params` accepts only `KEY=VALUE` lines with
// known keys and takes each value literally. This renderer still refuses every value that could be
// misread (newlines, quotes, `$`, backticks, backslashes, stray spaces) so the file stays boring
// and a bad input fails at preview time instead of on a node.
import { addressFamily } from "../cidr";
import { isDnsSubdomain } from "../names";
import { SUPERVISOR_PORT } from "../ports";
import { RKE2_VERSION_PATTERN } from "../versions";
import { RKE2_ARTIFACT_URL } from "./images";

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

// DNS name or IPv4 address (IPv6 would need brackets in URLs; not supported).
const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ENDPOINT_RE = /^https:\/\/([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d+))?$/;
// Anything a shell or a KEY=VALUE reader could trip on.
const UNSAFE_RE = /[\s'"`$\\]|[\u0000-\u001f\u007f]/;
const MAX_SECONDS = 86_400;
// A release asset name the script may write into RKE2's images directory.
const ARCHIVE_RE = /^rke2-images-[a-z0-9-]+\.linux-amd64\.tar\.zst$/;

function fail(field: string, value: unknown, why: string): never {
  throw new Error(`node params: ${field} ${JSON.stringify(value)} is invalid: ${why}`);
}

/** `valid`: a pattern, or one of the shared rules (names.ts, cidr.ts) for what they cover. */
function checkString(
  field: string,
  value: unknown,
  valid: RegExp | ((s: string) => boolean),
  why: string,
  max = 253,
): string {
  if (typeof value !== "string" || value.length === 0)
    fail(field, value, "must be a non-empty string");
  if (UNSAFE_RE.test(value)) {
    fail(
      field,
      value,
      "must not contain whitespace, quotes, $, backticks, backslashes or control characters",
    );
  }
  if (value.length > max) fail(field, value, `must be at most ${max} characters`);
  if (!(valid instanceof RegExp ? valid.test(value) : valid(value))) fail(field, value, why);
  return value;
}

function checkPort(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    fail(field, value, "must be an integer port between 1 and 65535");
  }
  return value;
}

/** Positive seconds, at most a day, with at most 3 decimals (the scripts accept fractions). */
function checkSeconds(field: string, value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_SECONDS) {
    fail(field, value, `must be a number of seconds greater than 0 and at most ${MAX_SECONDS}`);
  }
  const text = String(value);
  if (!/^\d+(\.\d{1,3})?$/.test(text)) fail(field, value, "must have at most 3 decimals");
  return text;
}

function checkCount(field: string, value: unknown, max: number): string {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    fail(field, value, `must be an integer between 1 and ${max}`);
  }
  return String(value);
}

function checkUrl(field: string, value: unknown): string {
  const text = checkString(field, value, /^https?:\/\/\S+$/, "must be an http(s) URL", 2048);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(field, value, "must be an http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail(field, value, "must be http(s)");
  return text;
}

/** `KEY=VALUE` lines sorted by key, with a trailing newline. */
function lines<K extends string>(keys: readonly K[], values: Record<K, string>): string {
  return (
    keys
      .map((key) => `${key}=${values[key]}`)
      .sort()
      .join("\n") + "\n"
  );
}

/** Renders params.env. Throws on invalid input. */
export function renderNodeParams(p: NodeParams): string {
  if (p.role !== "init" && p.role !== "join") fail("role", p.role, 'must be "init" or "join"');
  const timeouts: NodeTimeouts = { ...DEFAULT_NODE_TIMEOUTS, ...definedOnly(p.timeouts) };
  const tuning: NodeTuning = { ...DEFAULT_NODE_TUNING, ...definedOnly(p.tuning) };
  return lines(NODE_PARAM_KEYS, {
    ROLE: p.role,
    NODE_NAME: checkString(
      "nodeName",
      p.nodeName,
      // A Kubernetes node name: the same rule as the config's (names.ts).
      isDnsSubdomain,
      "must be a lower-case DNS name (a-z, 0-9, '-', '.')",
    ),
    RKE2_VERSION: checkString(
      "rke2Version",
      p.rke2Version,
      RKE2_VERSION_PATTERN,
      'must look like "v1.36.3+rke2r1"',
      64,
    ),
    INSTALL_URL: checkUrl("installUrl", p.installUrl ?? DEFAULT_INSTALL_URL),
    ARTIFACT_URL: checkUrl("artifactUrl", p.artifactUrl ?? RKE2_ARTIFACT_URL),
    // "none" rather than empty: every key must carry a value.
    IMAGE_ARCHIVES:
      (p.imageArchives ?? []).length === 0
        ? "none"
        : (p.imageArchives ?? [])
            .map((a, i) =>
              checkString(
                `imageArchives[${i}]`,
                a,
                ARCHIVE_RE,
                "must be an rke2-images-*.tar.zst name",
                100,
              ),
            )
            .join(","),
    IMAGES_TIMEOUT: checkSeconds("timeouts.images", timeouts.images),
    CLOUD_INIT_TIMEOUT: checkSeconds("timeouts.cloudInit", timeouts.cloudInit),
    APT_LOCK_TIMEOUT: checkSeconds("timeouts.aptLock", timeouts.aptLock),
    DOWNLOAD_TIMEOUT: checkSeconds("timeouts.download", timeouts.download),
    REGISTRATION_TIMEOUT: checkSeconds("timeouts.registration", timeouts.registration),
    READY_TIMEOUT: checkSeconds("timeouts.ready", timeouts.ready),
    LEAVE_TIMEOUT: checkSeconds("timeouts.leave", timeouts.leave),
    INSTALL_TIMEOUT: checkSeconds("tuning.installTimeout", tuning.installTimeout),
    DOWNLOAD_ATTEMPTS: checkCount("tuning.downloadAttempts", tuning.downloadAttempts, 100),
    RETRY_INTERVAL: checkSeconds("tuning.retryInterval", tuning.retryInterval),
    POLL_INTERVAL: checkSeconds("tuning.pollInterval", tuning.pollInterval),
  });
}

/** Renders cluster.env. Throws on invalid input. */
export function renderClusterParams(p: ClusterParams): string {
  const endpoint = checkString(
    "controlPlaneEndpoint",
    p.controlPlaneEndpoint,
    ENDPOINT_RE,
    'must look like "https://<host>:<port>" (no path)',
    300,
  );
  const endpointPort = ENDPOINT_RE.exec(endpoint)?.[3];
  if (endpointPort !== undefined) checkPort("controlPlaneEndpoint port", Number(endpointPort));
  return lines(CLUSTER_PARAM_KEYS, {
    REGISTRATION_ADDRESS: checkString(
      "registrationAddress",
      p.registrationAddress,
      HOST_RE,
      "must be a host name or IPv4 address",
    ),
    REGISTRATION_PORT: String(checkPort("registrationPort", p.registrationPort ?? SUPERVISOR_PORT)),
    CONTROL_PLANE_ENDPOINT: endpoint,
    // "none" rather than empty: every key must carry a value.
    PEERS:
      (p.peers ?? []).length === 0
        ? "none"
        : (p.peers ?? [])
            .map((ip, i) =>
              checkString(
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
