// Renders restore.env, the parameters of rke2-restore.sh and rke2-rejoin.sh (read by
// restore-lib.sh's read_restore_params: KEY=VALUE, known keys only, values taken literally).
// Nothing in it is secret: the snapshot comes from the bucket config.yaml already names. What
// every such file holds to, and the checks: ./paramFile.ts.
import { isDnsSubdomain } from "../names";
import { kvLines, paramChecks, type ParamChecks } from "./paramFile";

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
const check: ParamChecks = paramChecks("restore params");
/** A Kubernetes node name: the same rule as the config's and params.env's (names.ts). */
const NODE_NAME_WHY = "must be a lower-case DNS name (a-z, 0-9, '-', '.')";

export function renderRestoreParams(p: RestoreParams): string {
  const t = { ...DEFAULT_RESTORE_TIMEOUTS, ...p.timeouts };
  const values: Record<RestoreParamKey, string> = {
    NODE_NAME: check.string("nodeName", p.nodeName, isDnsSubdomain, NODE_NAME_WHY),
    NODE_NAMES: p.nodeNames
      .map((n, i) => check.string(`nodeNames[${i}]`, n, isDnsSubdomain, NODE_NAME_WHY))
      .join(","),
    POLL_INTERVAL: check.seconds("timeouts.poll", t.poll),
    READY_TIMEOUT: check.seconds("timeouts.ready", t.ready),
    ...check.registration(p),
    REGISTRATION_TIMEOUT: check.seconds("timeouts.registration", t.registration),
    RESET_TIMEOUT: check.seconds("timeouts.reset", t.reset),
    RESTORE_ID: check.string(
      "restoreId",
      p.restoreId,
      RESTORE_ID_RE,
      "must be a restore id (a-z, 0-9, '-'; at most 48)",
    ),
    SNAPSHOT_NAME: check.string(
      "snapshotName",
      p.snapshotName,
      SNAPSHOT_NAME_RE,
      "must be a snapshot file name (letters, digits, . _ -)",
      255,
    ),
    STOP_TIMEOUT: check.seconds("timeouts.stop", t.stop),
  };
  if (!p.nodeNames.includes(p.nodeName))
    check.fail("nodeNames", p.nodeNames, `must list nodeName ${p.nodeName}`);
  if (new Set(p.nodeNames).size !== p.nodeNames.length)
    check.fail("nodeNames", p.nodeNames, "must not repeat a name");
  return kvLines(RESTORE_PARAM_KEYS, values);
}
