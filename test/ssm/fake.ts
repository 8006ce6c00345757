// A test double of the SSM API (ssm/api.ts's seam) and a clock that never sleeps. The double
// records every request and answers from a script the test writes; the "node" behind it is a
// function of the received script (a canned reply, or the real script run in a sandbox).
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
  type SendCommandCommandInput,
} from "@aws-sdk/client-ssm";
import type { Clock, SsmApi, SsmRequest, SsmResponse } from "../../ssm/api";

export class FakeClock implements Clock {
  t = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

export type Invocation = Pick<
  GetCommandInvocationCommandOutput,
  "Status" | "StatusDetails" | "ResponseCode" | "StandardOutputContent" | "StandardErrorContent"
>;
/** One answer to GetCommandInvocation: a state, or an error thrown by name. */
export type Poll = Invocation | { error: string };

/** What the node does with a command: the GetCommandInvocation answers, last one repeating. */
export type NodeBehaviour = (
  script: string,
  input: SendCommandCommandInput,
) => Poll[] | Promise<Poll[]>;

export const success = (stdout = "", stderr = ""): Invocation => ({
  Status: "Success",
  StatusDetails: "Success",
  ResponseCode: 0,
  StandardOutputContent: stdout,
  StandardErrorContent: stderr,
});
export const inProgress: Invocation = { Status: "InProgress", StatusDetails: "InProgress" };

export class AwsError extends Error {
  constructor(name: string, message = name) {
    super(message);
    this.name = name;
  }
}

export interface Recorded {
  op: "SendCommand" | "GetCommandInvocation" | "DescribeInstanceInformation";
  input: unknown;
}

export class FakeSsm implements SsmApi {
  readonly requests: Recorded[] = [];
  /** PingStatus per DescribeInstanceInformation call (undefined: not registered); last repeats. */
  ping: (string | undefined)[] = ["Online"];
  /** Every SendCommand's script, in order. */
  readonly scripts: string[] = [];
  /** Every stdout and stderr the node returned. */
  readonly outputs: string[] = [];
  private pings = 0;
  private readonly polls = new Map<string, Poll[]>();
  private readonly pollCount = new Map<string, number>();

  constructor(private readonly node: NodeBehaviour = () => [success()]) {}

  get sent(): SendCommandCommandInput[] {
    return this.requests
      .filter((r) => r.op === "SendCommand")
      .map((r) => r.input as SendCommandCommandInput);
  }

  count(op: Recorded["op"]): number {
    return this.requests.filter((r) => r.op === op).length;
  }

  async send<C extends SsmRequest>(command: C): Promise<SsmResponse<C>> {
    if (command instanceof DescribeInstanceInformationCommand) {
      this.requests.push({ op: "DescribeInstanceInformation", input: command.input });
      const ids = command.input.Filters?.find((f) => f.Key === "InstanceIds")?.Values ?? [];
      const status = this.ping[Math.min(this.pings++, this.ping.length - 1)];
      const list =
        status === undefined ? [] : ids.map((id) => ({ InstanceId: id, PingStatus: status }));
      return { InstanceInformationList: list, $metadata: {} } as unknown as SsmResponse<C>;
    }
    if (command instanceof SendCommandCommand) {
      this.requests.push({ op: "SendCommand", input: command.input });
      const script = command.input.Parameters?.commands?.[0] ?? "";
      this.scripts.push(script);
      const id = `cmd-${this.scripts.length}`;
      const polls = await this.node(script, command.input);
      for (const p of polls) {
        if ("error" in p) continue;
        this.outputs.push(p.StandardOutputContent ?? "", p.StandardErrorContent ?? "");
      }
      this.polls.set(id, polls);
      return { Command: { CommandId: id }, $metadata: {} } as unknown as SsmResponse<C>;
    }
    if (command instanceof GetCommandInvocationCommand) {
      this.requests.push({ op: "GetCommandInvocation", input: command.input });
      const id = command.input.CommandId ?? "";
      const polls = this.polls.get(id);
      if (!polls) throw new AwsError("InvocationDoesNotExist");
      const n = this.pollCount.get(id) ?? 0;
      this.pollCount.set(id, n + 1);
      const p = polls[Math.min(n, polls.length - 1)];
      if ("error" in p) throw new AwsError(p.error);
      return { ...p, CommandId: id, $metadata: {} } as unknown as SsmResponse<C>;
    }
    throw new Error("FakeSsm: unexpected command");
  }
}

/** The base64 files a rendered step writes into its work directory, by name. */
export function workFiles(script: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const re =
    /^base64 -d >"\$RANCHER_HA_WORK\/([a-z.-]+)" <<'RANCHER_HA_DATA'\n([\s\S]*?)\nRANCHER_HA_DATA$/gm;
  for (const m of script.matchAll(re)) out[m[1]] = Buffer.from(m[2].replace(/\n/g, ""), "base64");
  return out;
}
