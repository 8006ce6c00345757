// The restore's node transport over AWS Systems Manager Run Command, on the same runner pieces the
// deploy's SSM steps use (ssm/: registration wait, SendCommand + bounded polling, the script
// wrapper). restore.env travels inside the command (it holds nothing secret: SSM keeps command
// text in its history); the script line is the same fixed one SSH runs.
import { SSMClient, type SendCommandCommand } from "@aws-sdk/client-ssm";
import { realClock, type Clock, type Log, type SsmApi, type SsmResponse } from "../../ssm/api";
import { sendAndWait, SsmStepError } from "../../ssm/invoke";
import { MIN_EXECUTION_TIMEOUT } from "../../ssm/protocol";
import { waitForRegistration, type NodeRef } from "../../ssm/registration";
import { comment, renderRun, workPath } from "../../ssm/script";
import {
  RESTORE_PARAMS_FILE,
  scriptCommand,
  type RestoreNode,
  type RestoreTransport,
  type RunScriptRequest,
  type RunScriptResult,
} from "./types";

/** How long a node may take to show Online in SSM before a step is given up (seconds). */
export const RESTORE_REGISTRATION_SECONDS = 120;
/** The line the command ends with: the node script's exit status (SSM only says failed or not). */
export const EXIT_MARK = "rancher-ha-restore-exit=";

export interface SsmRestoreTransportOptions {
  api: SsmApi;
  clock?: Clock;
  /** Progress lines (sent, still running); default: none. */
  log?: Log;
}

/** The real SSM API of a region, with the stack's `aws:profile` when it has one. */
export function ssmRestoreApi(region: string, profile?: string): SsmApi {
  const client = new SSMClient({ region, ...(profile ? { profile } : {}) });
  return {
    send: (command) =>
      client.send(command as SendCommandCommand) as unknown as Promise<SsmResponse<typeof command>>,
  };
}

/**
 * The command: install restore.env (0600, from the command's work directory), run the script,
 * and print its exit status last, so that a failing script is a result with its exit code (the
 * restore library acts on 1 and 3 differently) rather than an SSM failure without one.
 */
export function restoreCommand(req: RunScriptRequest): string {
  return renderRun(
    `restore ${req.script} ${req.args.join(" ")}`,
    `install -m 0600 ${workPath("restore.env")} ${RESTORE_PARAMS_FILE} && { rc=0; ${scriptCommand(req.script, req.args)} || rc=$?; echo "${EXIT_MARK}$rc"; }`,
    [{ name: "restore.env", content: Buffer.from(req.params) }],
  );
}

export class SsmRestoreTransport implements RestoreTransport {
  readonly kind = "ssm" as const;
  private readonly clock: Clock;
  private readonly log: Log;

  constructor(private readonly o: SsmRestoreTransportOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? (() => undefined);
  }

  async runScript(node: RestoreNode, req: RunScriptRequest): Promise<RunScriptResult> {
    const what = `restore ${req.script} ${req.args.join(" ")}`;
    const ref: NodeRef = { step: what, node: node.nodeName, instanceId: node.instanceId };
    try {
      await waitForRegistration(
        this.o.api,
        ref,
        RESTORE_REGISTRATION_SECONDS,
        this.clock,
        this.log,
      );
      const inv = await sendAndWait(
        this.o.api,
        {
          node: ref,
          what,
          script: restoreCommand(req),
          comment: comment(`rancher-ha ${what} ${node.nodeName}`),
          executionTimeout: Math.max(MIN_EXECUTION_TIMEOUT, Math.ceil(req.timeoutSeconds)),
        },
        this.clock,
        this.log,
      );
      const lines = inv.stdout.replace(/\n$/, "").split("\n");
      const last = lines.pop() ?? "";
      const code = last.startsWith(EXIT_MARK) ? Number(last.slice(EXIT_MARK.length)) : NaN;
      const stdout = lines.length > 0 ? `${lines.join("\n")}\n` : "";
      if (stdout) req.onOutput?.(stdout, "stdout");
      if (inv.stderr) req.onOutput?.(inv.stderr, "stderr");
      if (!Number.isInteger(code)) {
        return {
          exitCode: null,
          stdout: inv.stdout,
          stderr: `${inv.stderr}${what} on ${node.nodeName}: the command ended without the script's exit status`,
          timedOut: false,
        };
      }
      return { exitCode: code, stdout, stderr: inv.stderr, timedOut: false };
    } catch (e) {
      // Not delivered, stopped by its executionTimeout, the node never came Online, or AWS
      // refused the call: no exit status, like a lost SSH connection. The library reports it
      // with the step, the node and what state the cluster is in.
      const message = e instanceof Error ? e.message : String(e);
      return {
        exitCode: null,
        stdout: "",
        stderr: message,
        timedOut:
          e instanceof SsmStepError &&
          message.includes("did not finish within its executionTimeout"),
      };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
