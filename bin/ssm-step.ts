// One node step over AWS Systems Manager, as a command.local.Command runs it (SsmTransport):
//   node --import tsx bin/ssm-step.ts create|update|delete
// The step comes from the environment (ssm/protocol.ts), secrets on stdin. Progress and the node's
// log lines go to stderr; stdout carries only what the step returns — the node's stdout, or a
// secret (the kubeconfig) that crossed SSM sealed and was opened here. Pulumi keeps that stdout
// secret (additionalSecretOutputs) and does not log it (logging "none").
import { ssmApi, errorName, realClock, type Clock, type SsmApi } from "../ssm/api";
import { PHASES, readStep, type Phase, type SsmStep } from "../ssm/protocol";
import { runStep, type RunnerDeps } from "../ssm/steps";
import type { KeyPair } from "../ssm/seal";

export interface CliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  projectDir: string;
  /** Tests: a double of the SSM API, a clock that never sleeps, observable one-run keys. */
  api?: SsmApi;
  clock?: Clock;
  newKeyPair?: () => KeyPair;
  nonce?: () => string;
}

const USAGE = "usage: node --import tsx bin/ssm-step.ts create|update|delete (run by SsmTransport)";

/** Exit status: 0 done, 1 the step failed, 2 usage. */
export async function main(io: CliIo): Promise<number> {
  const phase = io.argv[0] as Phase;
  if (io.argv.length !== 1 || !PHASES.includes(phase)) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  let step: SsmStep;
  try {
    step = readStep(io.env);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 2;
  }
  const region = io.env.AWS_REGION;
  if (!io.api && !region) {
    io.stderr("bin/ssm-step.ts: AWS_REGION is not set (SsmTransport sets it from aws:region)\n");
    return 2;
  }
  const needsStdin =
    step.action.kind === "copy" ? step.action.dir === undefined : step.action.stdin !== "none";
  const stdin = needsStdin ? await io.readStdin() : "";
  const deps: RunnerDeps = {
    api: io.api ?? ssmApi(region ?? ""),
    clock: io.clock ?? realClock,
    log: (line) => io.stderr(`[ssm] ${line}\n`),
    relay: (text) => io.stderr(text),
    projectDir: io.projectDir,
    ...(io.newKeyPair ? { newKeyPair: io.newKeyPair } : {}),
    ...(io.nonce ? { nonce: io.nonce } : {}),
  };
  try {
    const out = await runStep(step, phase, stdin, deps);
    io.stdout(out);
    return 0;
  } catch (e) {
    io.stderr(`${explain(e, step)}\n`);
    return 1;
  }
}

/** The error as the user should read it: what failed and, for AWS errors, what to fix. */
export function explain(e: unknown, step: SsmStep): string {
  const message = e instanceof Error ? e.message : String(e);
  const name = errorName(e);
  const prefix = `${step.step} on ${step.node} (${step.instanceId})`;
  switch (name) {
    case "CredentialsProviderError":
      return `${prefix}: no AWS credentials for SSM on the machine running Pulumi (${message}). The SSM steps use the AWS SDK's default credential chain: environment variables, AWS_PROFILE (rancher-ha passes aws:profile), SSO or an instance/container role.`;
    case "AccessDeniedException":
    case "UnauthorizedOperation":
      return `${prefix}: AWS refused an SSM call (${message}). The identity running Pulumi needs ssm:SendCommand on the document arn:aws:ssm:<region>::document/AWS-RunShellScript and on the instances, ssm:GetCommandInvocation and ssm:DescribeInstanceInformation.`;
    case "InvalidInstanceId":
      return `${prefix}: SSM does not manage this instance (InvalidInstanceId: ${message}); is it running, with the SSM agent registered?`;
    default:
      return name && name !== "Error" && name !== "SsmStepError"
        ? `${prefix}: ${name}: ${message}`
        : message;
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer | string) => chunks.push(Buffer.from(c)));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

if (require.main === module) {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    readStdin: () => readAll(process.stdin),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    projectDir: process.cwd(),
  }).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(
        `bin/ssm-step.ts: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
