// One command on one node: SendCommand (AWS-RunShellScript), then GetCommandInvocation until it
// ends. Failures name the step, the node and what the node printed last.
import {
  GetCommandInvocationCommand,
  SendCommandCommand,
  errorName,
  type Clock,
  type Log,
  type SsmApi,
} from "./api";
import { nodeLabel, type NodeRef } from "./registration";
import { MAX_SCRIPT_BYTES } from "./script";

/** SendCommand's TimeoutSeconds: how long SSM tries to deliver the command to the agent. */
export const DELIVERY_TIMEOUT_SECONDS = 300;
/** Slack on top of delivery + execution before the runner stops waiting on its own. */
export const DEADLINE_SLACK_SECONDS = 60;
/** Polling starts at 2 s and backs off to 10 s (the SDK waiter's 5-120 s is too coarse for joins). */
export const POLL_FIRST_MS = 2_000;
export const POLL_MAX_MS = 10_000;
/** A progress line at most this often while a command runs. */
export const PROGRESS_EVERY_MS = 60_000;
/**
 * GetCommandInvocation returns the first 24,000 characters of stdout (amazon-ssm-agent
 * appconfig MaxStdoutLength; pluginutil.StringPrefix cuts there and appends the suffix).
 */
export const MAX_STDOUT = 24_000;
export const TRUNCATED_SUFFIX = "--output truncated--";

export interface Invocation {
  commandId: string;
  stdout: string;
  stderr: string;
}

export interface SendArgs {
  node: NodeRef;
  /** What the message calls it, e.g. "rancher-rke2-1-start (2/2)". */
  what: string;
  script: string;
  comment: string;
  /** AWS-RunShellScript's executionTimeout (seconds). */
  executionTimeout: number;
}

/** A step failed on the node or in SSM; the message is what the user needs. */
export class SsmStepError extends Error {
  override name = "SsmStepError";
}

export async function sendAndWait(
  api: SsmApi,
  a: SendArgs,
  clock: Clock,
  log: Log,
): Promise<Invocation> {
  const bytes = Buffer.byteLength(a.script);
  if (bytes > MAX_SCRIPT_BYTES) {
    throw new Error(
      `${a.what}: script of ${bytes} bytes exceeds the ${MAX_SCRIPT_BYTES}-byte budget`,
    );
  }
  const where = `${a.what} on ${nodeLabel(a.node)}`;
  const sent = await api.send(
    new SendCommandCommand({
      DocumentName: "AWS-RunShellScript",
      InstanceIds: [a.node.instanceId],
      Parameters: { commands: [a.script], executionTimeout: [String(a.executionTimeout)] },
      TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
      Comment: a.comment,
    }),
  );
  const commandId = sent.Command?.CommandId;
  if (!commandId) throw new Error(`${where}: SendCommand returned no command id`);
  log(`${a.what}: sent SSM command ${commandId}`);

  const started = clock.now();
  const waitSeconds = DELIVERY_TIMEOUT_SECONDS + a.executionTimeout + DEADLINE_SLACK_SECONDS;
  const deadline = started + waitSeconds * 1000;
  let delay = POLL_FIRST_MS;
  let lastProgress = started;
  let status = "not yet known";
  for (;;) {
    await clock.sleep(delay);
    delay = Math.min(Math.round(delay * 1.5), POLL_MAX_MS);
    let out;
    try {
      out = await api.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: a.node.instanceId }),
      );
    } catch (e) {
      // Right after SendCommand the invocation may not exist yet (the SDK's own
      // waitUntilCommandExecuted retries on the same error).
      if (errorName(e) !== "InvocationDoesNotExist") throw e;
      out = undefined;
    }
    if (out) {
      status = out.Status ?? "unknown";
      const details = out.StatusDetails ?? status;
      const stdout = out.StandardOutputContent ?? "";
      const stderr = out.StandardErrorContent ?? "";
      const tail = stderr.trimEnd() ? `\n${stderr.trimEnd()}` : " (no output on stderr)";
      // Status and StatusDetails values: client-ssm GetCommandInvocationResult (DeliveryTimedOut,
      // ExecutionTimedOut, Undeliverable, ...); the SDK's waiter ends on the same four states.
      switch (status) {
        case "Success":
          if (stdout.endsWith(TRUNCATED_SUFFIX) || Buffer.byteLength(stdout) >= MAX_STDOUT) {
            throw new SsmStepError(
              `${where}: its output reached SSM's ${MAX_STDOUT}-character limit and was cut off (command ${commandId})`,
            );
          }
          return { commandId, stdout, stderr };
        case "Failed":
          if (details === "Undeliverable") {
            throw new SsmStepError(
              `${where}: SSM could not deliver the command (Undeliverable: the instance does not exist or is not a managed node); command ${commandId}`,
            );
          }
          throw new SsmStepError(
            `${where} failed with exit ${out.ResponseCode ?? "unknown"} (command ${commandId}):${tail}`,
          );
        case "TimedOut":
          if (details === "DeliveryTimedOut") {
            throw new SsmStepError(
              `${where}: SSM could not deliver the command within ${DELIVERY_TIMEOUT_SECONDS}s (DeliveryTimedOut): the agent stopped answering (instance stopped, agent down, or no egress to SSM); command ${commandId}`,
            );
          }
          throw new SsmStepError(
            `${where} did not finish within its executionTimeout of ${a.executionTimeout}s (${details}); SSM stopped it (command ${commandId}):${tail}`,
          );
        case "Cancelled":
        case "Cancelling":
          throw new SsmStepError(
            `${where} was cancelled (${details}; command ${commandId}):${tail}`,
          );
        default:
          // Pending, InProgress, Delayed: not finished.
          break;
      }
    }
    const now = clock.now();
    if (now >= deadline) {
      throw new SsmStepError(
        `${where}: no result after ${waitSeconds}s (last status: ${status}); command ${commandId} may still be running - see it with aws ssm get-command-invocation --command-id ${commandId} --instance-id ${a.node.instanceId}`,
      );
    }
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      log(`${a.what}: ${status} after ${Math.round((now - started) / 1000)}s`);
      lastProgress = now;
    }
  }
}
