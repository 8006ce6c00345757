// Renders restore.env, the parameters of rke2-restore.sh and rke2-rejoin.sh (read by
// restore-lib.sh's read_restore_params: KEY=VALUE, known keys only, values taken literally).
// Nothing in it is secret: the snapshot comes from the bucket config.yaml already names.

export interface RestoreTimeouts {
  /** Stopping rke2-server (and rke2-killall.sh on the other servers). */
  stop: number;
  /** `rke2 server --cluster-reset`: downloading the snapshot and restoring it. */
  reset: number;
  /** Starting rke2-server, then the API and the node(s) Ready. */
  ready: number;
  /** A rejoining server waiting for the restored one on the registration address. */
  registration: number;
  /** Seconds between polls. */
  poll: number;
}

export const DEFAULT_RESTORE_TIMEOUTS: Readonly<RestoreTimeouts> = Object.freeze({
  stop: 120,
  reset: 900,
  ready: 900,
  registration: 600,
  poll: 5,
});

export interface RestoreParams {
  /** Identifies one restore; the nodes' state files carry it, so a re-run resumes it. */
  restoreId: string;
  /** The snapshot's file name in the etcd folder (no path). */
  snapshotName: string;
  /** The node this file is for. */
  nodeName: string;
  /** Every server, first one first. */
  nodeNames: string[];
  /** Host of the fixed registration address (internal NLB). */
  registrationAddress: string;
  registrationPort?: number;
  timeouts?: Partial<RestoreTimeouts>;
}

/** lib.sh-style keys; restore-lib.sh's RESTORE_PARAM_KEYS must list exactly these (tested). */
export const RESTORE_PARAM_KEYS = [
  "NODE_NAME",
  "NODE_NAMES",
  "POLL_INTERVAL",
  "READY_TIMEOUT",
  "REGISTRATION_ADDRESS",
  "REGISTRATION_PORT",
  "REGISTRATION_TIMEOUT",
  "RESET_TIMEOUT",
  "RESTORE_ID",
  "SNAPSHOT_NAME",
  "STOP_TIMEOUT",
] as const;
export type RestoreParamKey = (typeof RESTORE_PARAM_KEYS)[number];

/** A snapshot file name as k3s writes them; no path (k3s refuses separators in names). */
export const SNAPSHOT_NAME_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
export const RESTORE_ID_RE = /^[a-z0-9][a-z0-9-]{0,47}$/;
const NODE_NAME_RE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function fail(field: string, value: unknown, why: string): never {
  throw new Error(`renderRestoreParams: ${field} ${JSON.stringify(value)} ${why}`);
}

function seconds(field: string, v: number): string {
  if (!Number.isFinite(v) || v <= 0 || v > 86_400 || !/^\d+(\.\d{1,3})?$/.test(String(v))) {
    fail(field, v, "must be seconds > 0 (at most a day, 3 decimals)");
  }
  return String(v);
}

export function renderRestoreParams(p: RestoreParams): string {
  const t = { ...DEFAULT_RESTORE_TIMEOUTS, ...p.timeouts };
  if (!RESTORE_ID_RE.test(p.restoreId)) fail("restoreId", p.restoreId, "is malformed");
  if (!SNAPSHOT_NAME_RE.test(p.snapshotName)) {
    fail("snapshotName", p.snapshotName, "must be a snapshot file name (letters, digits, . _ -)");
  }
  for (const [i, n] of [p.nodeName, ...p.nodeNames].entries()) {
    if (!NODE_NAME_RE.test(n) || n.length > 253)
      fail(i === 0 ? "nodeName" : "nodeNames", n, "is not a node name");
  }
  if (!p.nodeNames.includes(p.nodeName))
    fail("nodeNames", p.nodeNames, `does not list ${p.nodeName}`);
  if (new Set(p.nodeNames).size !== p.nodeNames.length)
    fail("nodeNames", p.nodeNames, "repeats a name");
  if (!HOST_RE.test(p.registrationAddress) || p.registrationAddress.length > 253) {
    fail("registrationAddress", p.registrationAddress, "is not a host name or IPv4 address");
  }
  const port = p.registrationPort ?? 9345;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail("registrationPort", port, "is not a port");
  const values: Record<RestoreParamKey, string> = {
    NODE_NAME: p.nodeName,
    NODE_NAMES: p.nodeNames.join(","),
    POLL_INTERVAL: seconds("timeouts.poll", t.poll),
    READY_TIMEOUT: seconds("timeouts.ready", t.ready),
    REGISTRATION_ADDRESS: p.registrationAddress,
    REGISTRATION_PORT: String(port),
    REGISTRATION_TIMEOUT: seconds("timeouts.registration", t.registration),
    RESET_TIMEOUT: seconds("timeouts.reset", t.reset),
    RESTORE_ID: p.restoreId,
    SNAPSHOT_NAME: p.snapshotName,
    STOP_TIMEOUT: seconds("timeouts.stop", t.stop),
  };
  return RESTORE_PARAM_KEYS.map((k) => `${k}=${values[k]}`).join("\n") + "\n";
}
