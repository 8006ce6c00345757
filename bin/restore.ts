// `npm run restore -- --stack <name> [--snapshot <name> | --latest] [--yes]`
//
// Restores a stack's cluster from an etcd snapshot in its backup bucket, over the stack's own
// path to the servers (SSH, the bastion, or SSM), the way rke2-docs prescribes. Re-running the
// same command after a failure or Ctrl-C resumes where it stopped.
// Exit codes: 0 restored (or listed, aborted), 1 failed or declined, 2 usage, 3 refused before
// any change, 127 no usable Pulumi CLI, 130 interrupted (Ctrl-C).
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import {
  PulumiCliMissingError,
  PulumiCliTooOldError,
  PROJECT_DIR,
  STACK_NAME_PATTERN,
  StackNotFoundError,
} from "../automation";
import type { StackOptions } from "../automation";
import {
  abortRestore,
  listEtcdSnapshots,
  listRancherBackups,
  readRestoreInputs,
  restoreEtcdSnapshot,
  RestoreInterruptedError,
  RestoreRefusedError,
  RestoreStepError,
  RestoreTargetError,
  s3SnapshotStore,
  type EtcdSnapshot,
  type RestoreInputs,
  type RestorePlanSummary,
  type RestoreProgress,
  type RestoreTarget,
  type SnapshotStore,
} from "../automation/restore";
import {
  createRestoreTransport,
  SsmRestoreTransport,
  ssmRestoreApi,
  TransportUnavailableError,
} from "../automation/transport";
import type { RestoreTransport } from "../automation/transport";
import { formatDuration, UsageError } from "./deploy";
import { exitWith, processIo, terminalQuestion } from "./process";
import { SNAPSHOT_NAME_RE } from "../components/rke2/restoreParams";

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, noCli: 127, cancelled: 130 } as const;

export const USAGE = `usage: npm run restore -- --stack <name> [--snapshot <name> | --latest] [--yes]
       npm run restore -- --stack <name> --list
       npm run restore -- --stack <name> --abort [--yes]

  --snapshot <name>    restore this etcd snapshot (a file name from --list)
  --latest             restore the newest snapshot
  --list               list the etcd snapshots and Rancher backup files in the stack's bucket
  --abort              end a restore that has not reset etcd yet: the servers restart as they were
  --stack, -s <name>   stack (as for npm run deploy)
  --yes, -y            do not ask for confirmation (needed without a terminal)
  --help, -h           this text

A restore stops every server; Rancher is down until the first server is back. Re-run the same
command to resume after a failure or Ctrl-C. Needs the Pulumi CLI (to read the stack) and AWS
credentials that may read the bucket. Restoring Rancher's resources from a Rancher backup file:
docs/backup-restore.md.
`;

export type Mode = { kind: "restore"; snapshot?: string } | { kind: "list" } | { kind: "abort" };

export interface ParsedArgs {
  stack: string;
  mode: Mode;
  yes: boolean;
}

export function parseArgs(argv: string[]): ParsedArgs | "help" {
  let stack: string | undefined;
  let snapshot: string | undefined;
  let latest = false;
  let list = false;
  let abort = false;
  let yes = false;
  const value = (flag: string, v: string | undefined): string => {
    if (v === undefined || v.startsWith("-")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return "help";
    else if (a === "--yes" || a === "-y") yes = true;
    else if (a === "--latest") latest = true;
    else if (a === "--list") list = true;
    else if (a === "--abort") abort = true;
    else if (a === "--stack" || a === "-s") stack = value(a, argv[++i]);
    else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
    else if (a === "--snapshot") snapshot = value(a, argv[++i]);
    else if (a.startsWith("--snapshot=")) snapshot = a.slice("--snapshot=".length);
    else throw new UsageError(`unknown ${a.startsWith("-") ? "option" : "argument"} ${a}`);
  }
  if (stack === undefined || stack === "") throw new UsageError("--stack <name> is required");
  if (!STACK_NAME_PATTERN.test(stack))
    throw new UsageError(`invalid stack name ${JSON.stringify(stack)}`);
  if (snapshot !== undefined && latest)
    throw new UsageError("--snapshot and --latest exclude each other");
  if (snapshot !== undefined && !SNAPSHOT_NAME_RE.test(snapshot)) {
    throw new UsageError(
      `--snapshot ${JSON.stringify(snapshot)} is not a snapshot file name (see --list)`,
    );
  }
  const modes = [
    list && "--list",
    abort && "--abort",
    (snapshot !== undefined || latest) && "a snapshot",
  ];
  if (modes.filter(Boolean).length > 1) {
    throw new UsageError(`one of --list, --abort or a snapshot at a time`);
  }
  const mode: Mode = list
    ? { kind: "list" }
    : abort
      ? { kind: "abort" }
      : { kind: "restore", ...(latest ? { snapshot: "latest" } : snapshot ? { snapshot } : {}) };
  return { stack, mode, yes };
}

/** What the command needs from outside (replaceable in tests). */
export interface RestoreLibrary {
  readInputs(stack: string, options: StackOptions): Promise<RestoreInputs>;
  store(target: RestoreTarget, inputs: RestoreInputs): SnapshotStore;
  transport(target: RestoreTarget, inputs: RestoreInputs): RestoreTransport;
}

export interface RestoreIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  library?: RestoreLibrary;
  projectDir?: string;
  onInterrupt?: (handler: () => void) => () => void;
  /** Reads one line from the terminal; absent when there is none. */
  ask?: (question: string) => Promise<string>;
}

const realLibrary: RestoreLibrary = {
  readInputs: readRestoreInputs,
  store: (target, inputs) =>
    s3SnapshotStore(
      new S3Client({
        region: target.region,
        ...(inputs.awsProfile ? { profile: inputs.awsProfile } : {}),
      }),
    ),
  transport: (target, inputs) =>
    createRestoreTransport(target, {
      ...(inputs.sshPrivateKey ? { sshPrivateKey: inputs.sshPrivateKey } : {}),
      ssm: ({ region }) =>
        new SsmRestoreTransport({ api: ssmRestoreApi(region, inputs.awsProfile) }),
    }),
};

function age(from: Date, now: Date): string {
  return formatDuration(Math.max(0, now.getTime() - from.getTime()));
}

export function formatSnapshots(snaps: EtcdSnapshot[], now: Date): string {
  if (snaps.length === 0) return "  (none)\n";
  return snaps
    .map(
      (s) =>
        `  ${s.name}  ${s.createdAt.toISOString()}  ${age(s.createdAt, now)} ago  ${(s.size / 1e6).toFixed(1)} MB${s.node ? `  from ${s.node}` : ""}\n`,
    )
    .join("");
}

function formatPlan(p: RestorePlanSummary, now: Date): string {
  const todo = p.steps.filter((s) => !s.skip).map((s) => `    ${s.action} ${s.node.nodeName}\n`);
  return (
    `${p.resuming ? "Resuming" : "Restoring"} stack ${p.stackName} from ${p.snapshot.name}\n` +
    `  taken ${p.snapshot.createdAt.toISOString()} (${age(p.snapshot.createdAt, now)} ago)${p.snapshot.node ? ` on ${p.snapshot.node}` : ""}\n` +
    `  Every server stops; Rancher and the Kubernetes API are down until the first server is back.\n` +
    `  Everything written to the cluster after the snapshot is lost.\n  Steps:\n${todo.join("")}`
  );
}

function fail(io: RestoreIo, e: unknown): number {
  const say = (t: string) => io.stderr(`restore: ${t}\n`);
  if (e instanceof UsageError) {
    say(e.message);
    return EXIT.usage;
  }
  if (e instanceof PulumiCliMissingError || e instanceof PulumiCliTooOldError) {
    say(e.message);
    return EXIT.noCli;
  }
  if (e instanceof StackNotFoundError) {
    say(e.message);
    return EXIT.usage;
  }
  if (
    e instanceof RestoreRefusedError ||
    e instanceof RestoreTargetError ||
    e instanceof TransportUnavailableError
  ) {
    say(e.message);
    return EXIT.refused;
  }
  if (e instanceof RestoreInterruptedError) {
    say(e.message);
    return EXIT.cancelled;
  }
  if (e instanceof RestoreStepError) {
    if (e.outputTail) io.stderr(`--- ${e.node}\n${e.outputTail}\n---\n`);
    say(e.message);
    return EXIT.failed;
  }
  say(e instanceof Error ? e.message : String(e));
  return EXIT.failed;
}

export async function main(argv: string[], io: RestoreIo, now = () => new Date()): Promise<number> {
  let args: ParsedArgs | "help";
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`restore: ${e.message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (args === "help") {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const { stack: stackName, mode, yes } = args;
  const library = io.library ?? realLibrary;
  const backendUrl = io.env.PULUMI_BACKEND_URL;
  const options: StackOptions = {
    workDir: io.projectDir ?? PROJECT_DIR,
    ...(backendUrl ? { backendUrl } : {}),
  };
  if (mode.kind !== "list" && !yes && !io.ask) {
    io.stderr(
      `restore: refusing to ${mode.kind} stack ${stackName} without confirmation: no terminal; pass --yes\n`,
    );
    return EXIT.usage;
  }

  const ac = new AbortController();
  let interrupts = 0;
  let forceStop: (() => void) | undefined;
  const forced = new Promise<number>((resolve) => (forceStop = () => resolve(EXIT.cancelled)));
  const unsubscribe = io.onInterrupt?.(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr(
        "\nrestore: stopping after the running node step (Ctrl-C again to leave it running)…\n",
      );
      ac.abort();
    } else {
      io.stderr(
        "restore: stopped; a node step may still be running: run the same command again to resume\n",
      );
      forceStop?.();
    }
  });
  let transport: RestoreTransport | undefined;
  const progress = (e: RestoreProgress) => {
    if (e.step === "check" && e.phase !== "fail") return;
    const word = { start: "…", done: "done", skip: "already done", fail: "FAILED" }[e.phase];
    const at = `[${formatDuration(e.elapsedMs).padStart(7)}]`;
    if (e.phase !== "start")
      io.stdout(
        `${at} ${e.step} ${e.node}: ${word}${e.phase === "fail" ? ` (${e.message})` : ""}\n`,
      );
    else io.stdout(`${at} ${e.step} ${e.node} ${word}\n`);
  };

  const run = async (): Promise<number> => {
    const inputs = await library.readInputs(stackName, options);
    const store = library.store(inputs.target, inputs);
    if (mode.kind === "list") {
      const [snaps, files] = await Promise.all([
        listEtcdSnapshots(inputs.target, store),
        listRancherBackups(inputs.target, store),
      ]);
      io.stdout(
        `etcd snapshots in s3://${inputs.target.bucket}/${inputs.target.etcdFolder}/ (newest first):\n`,
      );
      io.stdout(formatSnapshots(snaps, now()));
      io.stdout(
        `Rancher backups in s3://${inputs.target.bucket}/${inputs.target.rancherFolder}/:\n`,
      );
      io.stdout(
        files.length
          ? files.map((f) => `  ${f.name}  ${f.lastModified.toISOString()}\n`).join("")
          : "  (none)\n",
      );
      return EXIT.ok;
    }
    transport = library.transport(inputs.target, inputs);
    if (mode.kind === "abort") {
      if (
        !yes &&
        (await io.ask!(`Abort the restore on stack ${stackName}? Type the stack name: `)).trim() !==
          stackName
      ) {
        io.stderr("restore: abort declined; nothing changed\n");
        return EXIT.failed;
      }
      const r = await abortRestore({
        stackName,
        target: inputs.target,
        transport,
        onProgress: progress,
      });
      io.stdout(
        r.aborted
          ? `Aborted the restore of ${r.aborted}: the servers are starting on their old data (check \`kubectl get nodes\`).\n`
          : "No restore in progress.\n",
      );
      return EXIT.ok;
    }
    let snapshot = mode.snapshot;
    if (snapshot === undefined) {
      io.stdout(`etcd snapshots of stack ${stackName} (newest first):\n`);
      io.stdout(formatSnapshots(await listEtcdSnapshots(inputs.target, store), now()));
      if (!io.ask) throw new UsageError("choose one with --snapshot <name> or --latest");
      snapshot = (await io.ask("Snapshot to restore (a name above, or latest): ")).trim();
      if (snapshot === "") throw new UsageError("no snapshot chosen; nothing changed");
    }
    const result = await restoreEtcdSnapshot({
      stackName,
      target: inputs.target,
      snapshot,
      transport,
      store,
      stackStatus: () => Promise.resolve(inputs.status),
      onProgress: progress,
      onOutput: (node, chunk, stream) => {
        if (stream === "stderr") io.stderr(chunk.replace(/^(?=.)/gm, `  ${node} | `));
      },
      signal: ac.signal,
      now,
      confirm: async (p) => {
        io.stdout(formatPlan(p, now()));
        if (yes) return true;
        return (
          (await io.ask!(`Type the stack name (${stackName}) to restore it: `)).trim() === stackName
        );
      },
    });
    if (result.status === "declined") {
      io.stderr("restore: declined; nothing changed\n");
      return EXIT.failed;
    }
    io.stdout(`Restored stack ${stackName} from ${result.snapshot.name}.\n`);
    for (const n of result.notes) io.stdout(`${n}\n`);
    return EXIT.ok;
  };

  try {
    return await Promise.race([run().catch((e: unknown) => fail(io, e)), forced]);
  } finally {
    unsubscribe?.();
    await transport?.close().catch(() => undefined);
  }
}

export function runAsProcess(argv: string[], projectDir = path.resolve(__dirname, "..")): void {
  const io: RestoreIo = {
    ...processIo(projectDir),
    ...(terminalQuestion ? { ask: terminalQuestion } : {}),
  };
  exitWith("restore", main(argv, io), EXIT.failed);
}

if (require.main === module) runAsProcess(process.argv.slice(2));
