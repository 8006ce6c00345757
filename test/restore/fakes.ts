// Test doubles for the restore library: a transport whose nodes behave like the node scripts
// (phases, status, refusals), and an S3 store in memory.
import { parseRestoreTarget, type RestoreTarget } from "../../automation/restore/target";
import type { SnapshotStore, StoredObject } from "../../automation/restore/snapshots";
import type {
  RestoreTransport,
  RestoreNode,
  RunScriptRequest,
  RunScriptResult,
} from "../../automation/transport/types";

export const TARGET: RestoreTarget = parseRestoreTarget({
  v: 1,
  region: "eu-west-1",
  nodeAccess: "bastion",
  sshUser: "ubuntu",
  bastionHost: "203.0.113.5",
  bucket: "rancher-ha-prod-backups-bucket-0a1b2c3",
  etcdFolder: "rancher-ha/prod/etcd",
  rancherFolder: "rancher-ha/prod/rancher",
  registrationAddress: "rancher-ha-prod-reg-0123.elb.eu-west-1.amazonaws.com",
  servers: [1, 2, 3].map((i) => ({
    index: i - 1,
    nodeName: `rancher-ha-prod-server-${i}`,
    instanceId: `i-0000000000000000${i}`,
    privateIp: `10.0.${i}.10`,
  })),
});

export const SNAP_OLD = "etcd-snapshot-rancher-ha-prod-server-2-1755720000.zip";
export const SNAP_NEW = "etcd-snapshot-rancher-ha-prod-server-1-1755741600.zip";

export class FakeStore implements SnapshotStore {
  readonly calls: string[] = [];
  constructor(public objects: StoredObject[] = defaultObjects()) {}
  list(bucket: string, prefix: string): Promise<StoredObject[]> {
    this.calls.push(`list ${bucket} ${prefix}`);
    return Promise.resolve(this.objects.filter((o) => o.key.startsWith(prefix)));
  }
  exists(bucket: string, key: string): Promise<boolean> {
    this.calls.push(`head ${bucket} ${key}`);
    return Promise.resolve(this.objects.some((o) => o.key === key));
  }
}

export function defaultObjects(): StoredObject[] {
  const at = (s: number) => new Date(s * 1000 + 30_000);
  return [
    { key: `rancher-ha/prod/etcd/${SNAP_OLD}`, size: 4_000_000, lastModified: at(1755720000) },
    { key: `rancher-ha/prod/etcd/.metadata/${SNAP_OLD}`, size: 100, lastModified: at(1755720000) },
    { key: `rancher-ha/prod/etcd/${SNAP_NEW}`, size: 4_100_000, lastModified: at(1755741600) },
    {
      key: "rancher-ha/prod/rancher/rancher-ha-scheduled-uid-2026-08-21T00-30-00Z.tar.gz.enc",
      size: 50_000,
      lastModified: new Date("2026-08-21T00:30:05Z"),
    },
  ];
}

interface FakeNode {
  restoreId: string;
  snapshot: string;
  phase: string;
}

export interface Call {
  node: string;
  script: string;
  action: string;
  params: string;
}

const FIRST = ["stopping", "stopped", "reset", "started"];
const PEER = ["stopping", "stopped", "cleared", "rejoined"];

/**
 * Nodes that follow the scripts' rules: phases, no-ops for reached phases, exit 3 for another
 * restore. `fail` makes one (node, action) fail a number of times (exit 1, or a transport error).
 */
export class FakeTransport implements RestoreTransport {
  readonly kind = "ssh" as const;
  readonly calls: Call[] = [];
  readonly states = new Map<string, FakeNode | null>();
  private failures: { node: string; action: string; times: number; how: "exit" | "throw" }[] = [];
  /** Runs at most this many commands at once: the restore must never overlap node steps. */
  running = 0;
  maxRunning = 0;
  /** Called when a step starts (e.g. to press Ctrl-C). */
  onStep?: (c: Call) => void;
  closed = false;

  fail(node: string, action: string, times = 1, how: "exit" | "throw" = "exit"): void {
    this.failures.push({ node, action, times, how });
  }

  steps(): string[] {
    return this.calls.filter((c) => c.action !== "status").map((c) => `${c.action} ${c.node}`);
  }

  async runScript(node: RestoreNode, req: RunScriptRequest): Promise<RunScriptResult> {
    const action = req.args[0];
    const call = { node: node.nodeName, script: req.script, action, params: req.params };
    this.calls.push(call);
    this.onStep?.(call);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, 1));
    this.running--;
    const f = this.failures.find(
      (x) => x.node === node.nodeName && x.action === action && x.times > 0,
    );
    if (f) {
      f.times--;
      if (f.how === "throw") throw new Error("connect ETIMEDOUT 10.0.2.10:22");
      return {
        exitCode: 1,
        stdout: "",
        stderr: `ERROR: ${action} failed on ${node.nodeName}\n`,
        timedOut: false,
      };
    }
    const p = Object.fromEntries(
      req.params
        .trim()
        .split("\n")
        .map((l) => l.split("=") as [string, string]),
    );
    const state = this.states.get(node.nodeName) ?? null;
    const order = node.index === 0 ? FIRST : PEER;
    const ok = (stdout = ""): RunScriptResult => ({
      exitCode: 0,
      stdout,
      stderr: "",
      timedOut: false,
    });
    if (action === "status") {
      return ok(
        `RESTORE_ID=${state?.restoreId ?? ""}\nSNAPSHOT=${state?.snapshot ?? ""}\nPHASE=${state?.phase ?? ""}\n`,
      );
    }
    if (action === "abort") {
      this.states.set(node.nodeName, null);
      return ok();
    }
    if (state && state.restoreId !== p.RESTORE_ID) {
      return { exitCode: 3, stdout: "", stderr: "REFUSED: another restore\n", timedOut: false };
    }
    const set = (phase: string) =>
      this.states.set(node.nodeName, { restoreId: p.RESTORE_ID, snapshot: p.SNAPSHOT_NAME, phase });
    const at = (want: string) =>
      state !== null && order.indexOf(state.phase) >= order.indexOf(want);
    switch (action) {
      case "stop":
        if (!at("stopped")) set("stopped");
        return ok();
      case "reset":
        if (!at("stopped"))
          return { exitCode: 3, stdout: "", stderr: "REFUSED\n", timedOut: false };
        if (!at("reset")) set("reset");
        return ok();
      case "start":
        if (!at("reset")) return { exitCode: 3, stdout: "", stderr: "REFUSED\n", timedOut: false };
        set("started");
        return ok();
      case "rejoin":
        if (!at("stopped"))
          return { exitCode: 3, stdout: "", stderr: "REFUSED\n", timedOut: false };
        set("rejoined");
        return ok();
      case "finish":
        this.states.set(node.nodeName, null);
        return ok();
      default:
        throw new Error(`unexpected action ${action}`);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
