// The runner's only contact with AWS: `send()` of three SSM commands. SSMClient satisfies it;
// tests pass a double that records every request and scripts the answers.
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
  type DescribeInstanceInformationCommandOutput,
  type GetCommandInvocationCommandOutput,
  type SendCommandCommandOutput,
} from "@aws-sdk/client-ssm";

export { DescribeInstanceInformationCommand, GetCommandInvocationCommand, SendCommandCommand };

export type SsmRequest =
  SendCommandCommand | GetCommandInvocationCommand | DescribeInstanceInformationCommand;

export type SsmResponse<C extends SsmRequest> = C extends SendCommandCommand
  ? SendCommandCommandOutput
  : C extends GetCommandInvocationCommand
    ? GetCommandInvocationCommandOutput
    : C extends DescribeInstanceInformationCommand
      ? DescribeInstanceInformationCommandOutput
      : never;

export interface SsmApi {
  send<C extends SsmRequest>(command: C): Promise<SsmResponse<C>>;
}

/**
 * The real API: region from the step's environment (AWS_REGION), credentials from the SDK's
 * default chain (environment, AWS_PROFILE, SSO, container/instance roles) of the machine running
 * Pulumi. The SDK retries throttling and transient errors itself (standard retry mode).
 */
export function ssmApi(region: string): SsmApi {
  const client = new SSMClient({ region });
  return {
    send: <C extends SsmRequest>(command: C) =>
      // SSMClient.send is generic over all SSM commands; the three above map 1:1.
      client.send(command as SendCommandCommand) as unknown as Promise<SsmResponse<C>>,
  };
}

/** Time for the waits: injected so tests never sleep. */
export interface Clock {
  /** Milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Progress lines for the Pulumi log (the runner's stderr). */
export type Log = (line: string) => void;

/** An error's AWS name (SDK v3 exceptions carry it in `name`). */
export function errorName(e: unknown): string | undefined {
  return e instanceof Error ? e.name : undefined;
}
