// Restores a stack's cluster from an etcd snapshot in S3, over the stack's node transport, one
// step at a time with progress, bounded waits and a message per failure that says what state
// the servers are in and what to do next. Re-running the same command resumes.
import { createHash } from "node:crypto";
import {
  DEFAULT_RESTORE_TIMEOUTS,
  renderRestoreParams,
  type RestoreTimeouts,
} from "../../components/rke2/restoreParams";
import type { RestoreTransport, RestoreNode, RunScriptResult } from "../transport/types";
import { RestoreInterruptedError, RestoreRefusedError, RestoreStepError } from "./errors";
import {
  canAbort,
  parseNodeStatus,
  planRestore,
  restoreScript,
  type NodeState,
  type RestoreStep,
  type StepAction,
} from "./plan";
import {
  chooseSnapshot,
  listEtcdSnapshots,
  SnapshotNotFoundError,
  type EtcdSnapshot,
  type SnapshotStore,
} from "./snapshots";
import type { RestoreTarget } from "./target";

export interface RestoreProgress {
  step: StepAction | "check" | "abort";
  node: string;
  phase: "start" | "done" | "skip" | "fail";
  elapsedMs: number;
  message: string;
}

/** What the Pulumi side knows (Automation API listStacks; Pulumi Cloud reports updates only). */
export interface StackStatus {
  updateInProgress: boolean;
  lastUpdate?: Date;
}

export interface RestorePlanSummary {
  stackName: string;
  snapshot: EtcdSnapshot;
  restoreId: string;
  /** An earlier run of this restore is resumed. */
  resuming: boolean;
  steps: RestoreStep[];
}

export interface RestoreEtcdArgs {
  stackName: string;
  target: RestoreTarget;
  /** A snapshot file name, or "latest". */
  snapshot: string;
  transport: RestoreTransport;
  store: SnapshotStore;
  stackStatus?: () => Promise<StackStatus>;
  /** Asked once everything is checked, before any change; false declines. */
  confirm?: (plan: RestorePlanSummary) => Promise<boolean>;
  onProgress?: (e: RestoreProgress) => void;
  onOutput?: (node: string, chunk: string, stream: "stdout" | "stderr") => void;
  /** Stops between steps (a running node step always finishes). */
  signal?: AbortSignal;
  timeouts?: Partial<RestoreTimeouts>;
  now?: () => Date;
}

export interface RestoreResult {
  status: "restored" | "declined";
  snapshot: EtcdSnapshot;
  restoreId: string;
  notes: string[];
}

/** Transport bound per step: the script's own bound plus a minute. */
const MARGIN = 60;

/** A restore id: the start time and the snapshot, so the same snapshot restored again differs. */
export function newRestoreId(snapshot: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${stamp}-${createHash("sha256").update(snapshot).digest("hex").slice(0, 8)}`;
}

function tail(r: RunScriptResult, lines = 60): string {
  return `${r.stdout}${r.stderr}`.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The scripts' own verdict (lib.sh `die`/`refuse` lines); the service log follows it. */
function verdict(r: RunScriptResult): string {
  const lines = `${r.stdout}${r.stderr}`.trimEnd().split("\n");
  const said = lines.filter((l) => /(ERROR|REFUSED): /.test(l)).at(-1);
  return (said ?? lines.at(-1) ?? "").replace(/^.*?(ERROR|REFUSED): /, "").trim();
}

class Runner {
  private readonly started = Date.now();
  constructor(
    private readonly a: Pick<
      RestoreEtcdArgs,
      "target" | "transport" | "onProgress" | "onOutput" | "timeouts"
    >,
    private readonly snapshot: string,
    private readonly restoreId: string,
  ) {}

  progress(
    step: RestoreProgress["step"],
    node: string,
    phase: RestoreProgress["phase"],
    message: string,
  ) {
    this.a.onProgress?.({ step, node, phase, elapsedMs: Date.now() - this.started, message });
  }

  params(node: RestoreNode): string {
    return renderRestoreParams({
      restoreId: this.restoreId,
      snapshotName: this.snapshot,
      nodeName: node.nodeName,
      nodeNames: this.a.target.servers.map((s) => s.nodeName),
      registrationAddress: this.a.target.registrationAddress,
      ...(this.a.target.registrationPort
        ? { registrationPort: this.a.target.registrationPort }
        : {}),
      ...(this.a.timeouts ? { timeouts: this.a.timeouts } : {}),
    });
  }

  /** The longest the script may take for an action (it bounds its waits itself). */
  bound(action: string): number {
    // The scripts' own bounds (restore.env), so the transport never gives up before them.
    const t = { ...DEFAULT_RESTORE_TIMEOUTS, ...this.a.timeouts };
    switch (action) {
      case "stop":
        return 2 * t.stop;
      case "reset":
        return t.reset;
      case "start":
      case "finish":
        return 2 * t.ready;
      case "rejoin":
        return 2 * t.stop + t.registration + 2 * t.ready;
      default:
        return 60;
    }
  }

  run(node: RestoreNode, script: RestoreStep["script"], action: string): Promise<RunScriptResult> {
    return this.a.transport.runScript(node, {
      script,
      params: this.params(node),
      args: [action],
      timeoutSeconds: this.bound(action) + MARGIN,
      onOutput: (chunk, stream) => this.a.onOutput?.(node.nodeName, chunk, stream),
    });
  }
}

/** Every node's restore state; refuses (nothing changed yet) when a node cannot answer. */
async function probe(
  runner: Runner,
  target: RestoreTarget,
  stackName: string,
): Promise<(NodeState | null)[]> {
  const states: (NodeState | null)[] = [];
  for (const node of target.servers) {
    const script = restoreScript(node);
    runner.progress("check", node.nodeName, "start", "reading the restore state");
    let r: RunScriptResult;
    try {
      r = await runner.run(node, script, "status");
    } catch (e) {
      throw new RestoreRefusedError(
        `cannot reach ${node.nodeName} (${e instanceof Error ? e.message : String(e)}); nothing was changed`,
      );
    }
    if (r.exitCode !== 0) {
      const missing = /No such file|not found/.test(r.stderr);
      throw new RestoreRefusedError(
        missing
          ? `${node.nodeName} does not have the restore scripts: run \`npm run deploy -- --stack ${stackName} up\` first (it ships scripts/node); nothing was changed`
          : `${node.nodeName} did not report its restore state (exit ${r.exitCode ?? "none"}): ${verdict(r)}; nothing was changed`,
      );
    }
    states.push(parseNodeStatus(r.stdout));
    runner.progress(
      "check",
      node.nodeName,
      "done",
      states.at(-1) ? `phase ${states.at(-1)?.phase}` : "no restore in progress",
    );
  }
  return states;
}

function nextAction(step: RestoreStep, target: RestoreTarget, snapshot: string): string {
  const first = target.servers[0].nodeName;
  switch (step.action) {
    case "stop":
      return `The servers already stopped stay stopped and locked. Fix ${step.node.nodeName} and run the same command again, or abort with --abort (they restart on their old data)`;
    case "reset":
      return `Every server is stopped on its old data. Run the same command again to retry, restore another snapshot after --abort, or --abort to restart them as they were (snapshot ${snapshot})`;
    case "start":
      return `etcd on ${first} holds the restored data but the server is not up; fix it (see the log above) and run the same command again: it resumes there`;
    case "rejoin":
      return `The cluster runs on ${first} and the servers rejoined so far; fix ${step.node.nodeName} and run the same command again: it resumes at ${step.node.nodeName}. Until then a failed joiner can leave etcd without quorum`;
    case "finish":
      return `Not every server is Ready yet; check \`kubectl get nodes\` and run the same command again to finish`;
  }
}

/** Restores the stack's cluster from `args.snapshot` ("latest" or a file name). */
export async function restoreEtcdSnapshot(args: RestoreEtcdArgs): Promise<RestoreResult> {
  const { target, stackName } = args;
  const status = await args.stackStatus?.();
  if (status?.updateInProgress) {
    throw new RestoreRefusedError(
      `stack ${stackName} is being updated right now; wait for the update to finish (or cancel it), then restore`,
    );
  }
  let snapshot: EtcdSnapshot;
  try {
    snapshot = chooseSnapshot(await listEtcdSnapshots(target, args.store), args.snapshot);
  } catch (e) {
    if (e instanceof SnapshotNotFoundError)
      throw new RestoreRefusedError(`${e.message}; nothing was changed`);
    throw e;
  }
  if (!(await args.store.exists(target.bucket, snapshot.key))) {
    throw new RestoreRefusedError(
      `s3://${target.bucket}/${snapshot.key} is gone; nothing was changed`,
    );
  }

  const now = args.now?.() ?? new Date();
  const candidate = newRestoreId(snapshot.name, now);
  const states = await probe(new Runner(args, snapshot.name, candidate), target, stackName);
  const other = states.find((s) => s !== null && s.snapshot !== snapshot.name);
  if (other) {
    throw new RestoreRefusedError(
      `a restore of ${other.snapshot} (${other.restoreId}, phase ${other.phase}) is in progress: run it again with --snapshot ${other.snapshot} to finish it${canAbort(states[0]) ? ", or --abort it" : ""}`,
    );
  }
  const resumed = states.find((s): s is NodeState => s !== null);
  const restoreId = resumed?.restoreId ?? candidate;
  const runner = new Runner(args, snapshot.name, restoreId);
  const steps = planRestore(target.servers, states);

  if (
    args.confirm &&
    !(await args.confirm({ stackName, snapshot, restoreId, resuming: !!resumed, steps }))
  ) {
    return { status: "declined", snapshot, restoreId, notes: [] };
  }

  let last = "the checks";
  for (const step of steps) {
    if (args.signal?.aborted) throw new RestoreInterruptedError(last);
    const label = `${step.action} ${step.node.nodeName}`;
    if (step.skip) {
      runner.progress(step.action, step.node.nodeName, "skip", "done in an earlier run");
      continue;
    }
    runner.progress(step.action, step.node.nodeName, "start", label);
    let r: RunScriptResult;
    try {
      r = await runner.run(step.node, step.script, step.action);
    } catch (e) {
      runner.progress(step.action, step.node.nodeName, "fail", String(e));
      throw new RestoreStepError(
        step.action,
        step.node.nodeName,
        `the transport failed: ${e instanceof Error ? e.message : String(e)}`,
        nextAction(step, target, snapshot.name),
        "",
      );
    }
    if (r.exitCode !== 0) {
      const detail = r.timedOut
        ? `no answer within ${runner.bound(step.action) + MARGIN}s`
        : r.exitCode === null
          ? `the connection closed before the command finished: ${verdict(r)}`
          : `exit ${r.exitCode}: ${verdict(r)}`;
      runner.progress(step.action, step.node.nodeName, "fail", detail);
      throw new RestoreStepError(
        step.action,
        step.node.nodeName,
        detail,
        nextAction(step, target, snapshot.name),
        tail(r),
      );
    }
    runner.progress(step.action, step.node.nodeName, "done", label);
    last = label;
  }

  const notes: string[] = [];
  if (status?.lastUpdate && status.lastUpdate > snapshot.createdAt) {
    notes.push(
      `The snapshot predates the last update of stack ${stackName} (${status.lastUpdate.toISOString()}): Kubernetes objects Pulumi manages are back at ${snapshot.createdAt.toISOString()}. Run \`npm run deploy -- --stack ${stackName} refresh\`, then \`up\`.`,
    );
  }
  return { status: "restored", snapshot, restoreId, notes };
}

export interface AbortRestoreArgs {
  stackName: string;
  target: RestoreTarget;
  transport: RestoreTransport;
  onProgress?: (e: RestoreProgress) => void;
}

/** Ends a restore that has not reset etcd yet: every server restarts on its old data. */
export async function abortRestore(a: AbortRestoreArgs): Promise<{ aborted: string | null }> {
  // The params only need to be valid; abort ends whichever restore a node holds.
  const runner = new Runner({ ...a }, "none", "abort");
  const states = await probe(runner, a.target, a.stackName);
  const held = states.find((s): s is NodeState => s !== null);
  if (!held) return { aborted: null };
  if (!canAbort(states[0])) {
    throw new RestoreRefusedError(
      `etcd on ${a.target.servers[0].nodeName} was already reset from ${held.snapshot}: run the restore again with --snapshot ${held.snapshot} to finish it`,
    );
  }
  for (const [i, node] of a.target.servers.entries()) {
    if (states[i] === null) continue;
    runner.progress("abort", node.nodeName, "start", "restarting on its old data");
    const r = await runner.run(node, restoreScript(node), "abort");
    if (r.exitCode !== 0) {
      throw new RestoreStepError(
        "abort",
        node.nodeName,
        `exit ${r.exitCode ?? "none"}`,
        "Run --abort again",
        tail(r),
      );
    }
    runner.progress("abort", node.nodeName, "done", "starting on its old data");
  }
  return { aborted: held.snapshot };
}
