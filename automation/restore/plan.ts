// The restore's steps from what every node reports (`status`): pure, so the order and the resume
// rules are tested without servers.
import type { RestoreNode, RestoreScript } from "../transport/types";

/** A node's restore state file; null when no restore runs there. */
export interface NodeState {
  restoreId: string;
  snapshot: string;
  phase: string;
}

/** Parses the `status` action's three lines; throws on anything else. */
export function parseNodeStatus(stdout: string): NodeState | null {
  const m = /^RESTORE_ID=([a-z0-9-]*)\nSNAPSHOT=([A-Za-z0-9._-]*)\nPHASE=([a-z]*)\n?$/.exec(stdout);
  if (!m)
    throw new Error(`unexpected restore status output: ${JSON.stringify(stdout.slice(0, 200))}`);
  return m[3] === "" ? null : { restoreId: m[1], snapshot: m[2], phase: m[3] };
}

/** Phases in order, as rke2-restore.sh and rke2-rejoin.sh record them. */
export const FIRST_PHASES = ["stopping", "stopped", "reset", "started"] as const;
export const PEER_PHASES = ["stopping", "stopped", "cleared", "rejoined"] as const;

export type StepAction = "stop" | "reset" | "start" | "rejoin" | "finish";

export interface RestoreStep {
  action: StepAction;
  node: RestoreNode;
  script: RestoreScript;
  /** Already done in an earlier run (resume). */
  skip: boolean;
}

function reached(state: NodeState | null, order: readonly string[], want: string): boolean {
  return state !== null && order.indexOf(state.phase) >= order.indexOf(want);
}

/** The first server (index 0 in the restore target) resets etcd; the others rejoin it. */
export function restoreScript(node: RestoreNode): RestoreScript {
  return node.index === 0 ? "rke2-restore.sh" : "rke2-rejoin.sh";
}

/**
 * rke2-docs "Multiple Servers": stop every server (the others first, the first last), reset and
 * start the first, rejoin the others one at a time, then release the others' locks and last the
 * first's, once it sees every server Ready. The first server keeps its lock to the end, so a
 * re-run can tell a server that finished (no state while the first is started) from one that
 * never stopped.
 */
export function planRestore(servers: RestoreNode[], states: (NodeState | null)[]): RestoreStep[] {
  if (servers.length === 0 || states.length !== servers.length) {
    throw new Error("planRestore: one state per server is needed");
  }
  const [first, ...peers] = servers;
  const firstState = states[0];
  const firstStarted = reached(firstState, FIRST_PHASES, "started");
  const peerFinished = (i: number) => states[i + 1] === null && firstStarted;
  const peerAt = (i: number, want: string) =>
    peerFinished(i) || reached(states[i + 1], PEER_PHASES, want);
  const step = (action: StepAction, node: RestoreNode, skip: boolean): RestoreStep => ({
    action,
    node,
    script: restoreScript(node),
    skip,
  });
  return [
    ...peers.map((n, i) => step("stop", n, peerAt(i, "stopped"))),
    step("stop", first, reached(firstState, FIRST_PHASES, "stopped")),
    step("reset", first, reached(firstState, FIRST_PHASES, "reset")),
    step("start", first, firstStarted),
    ...peers.map((n, i) => step("rejoin", n, peerAt(i, "rejoined"))),
    ...peers.map((n, i) => step("finish", n, peerFinished(i))),
    step("finish", first, false),
  ];
}

/** Whether an abort is still possible: the first server has not been reset. */
export function canAbort(firstState: NodeState | null): boolean {
  return !reached(firstState, FIRST_PHASES, "reset");
}
